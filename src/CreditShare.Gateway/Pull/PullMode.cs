namespace CreditShare.Gateway.Pull;

/// <summary>Registers pull mode (art. 10) when configured: a local copy of the unit's granted data, kept by the change feed.</summary>
public static class PullMode
{
    public static void Add(IServiceCollection services, GatewayOptions options)
    {
        if (options.Pull is null)
        {
            return;
        }

        services.AddSingleton<PullWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<PullWorker>());
    }
}
