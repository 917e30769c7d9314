namespace CreditShare.Web.Features.Security;

public static class SecuritySetup
{
    public static IServiceCollection AddSecurityOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection("Security"))
            .Validate(o => o.SyncIntervalMilliseconds is >= 50 and <= 60_000, "Security:SyncIntervalMilliseconds must be between 50 and 60000.")
            .Validate(o => o.BucketSeconds is >= 1 and <= 60, "Security:BucketSeconds must be between 1 and 60.")
            .ValidateOnStart();
        services.AddSingleton<TrafficCounter>();
        services.AddSingleton<SecurityState>();
        services.AddSingleton<SecurityNotifications>();
        services.AddScoped<AddressBlocks>();
        services.AddScoped<ServiceSwitches>();
        services.AddScoped<SelfCheckReport>();
        services.AddSingleton<SecuritySync>();
        services.AddHostedService(s => s.GetRequiredService<SecuritySync>());
        return services;
    }
}
