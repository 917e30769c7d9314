using CreditShare.Gateway.Delivery;
using CreditShare.Gateway.Operations;
using CreditShare.Gateway.Queue;

namespace CreditShare.Gateway.Databases;

/// <summary>Registers a reader per configured database source (GB/T 39443 database docking).</summary>
public static class DatabaseSources
{
    public static void Add(IServiceCollection services, GatewayOptions options)
    {
        foreach (var db in options.Databases)
        {
            // One instance per database: the loop, the finisher of its blocks, and what tests poll directly.
            services.AddSingleton(sp => new DatabaseSource(db, options, sp.GetRequiredService<Spool>(), sp.GetRequiredService<GatewayStore>(),
                sp.GetRequiredService<GatewayStatus>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DatabaseSource>>(),
                () => sp.GetRequiredService<Sender>().Wake()));
        }

        // Not AddHostedService: it keeps only one registration per implementation type.
        for (var i = 0; i < options.Databases.Count; i++)
        {
            var index = i;
            services.AddSingleton<IFinishedFiles>(sp => sp.GetServices<DatabaseSource>().ElementAt(index));
            services.AddSingleton<IHostedService>(sp => sp.GetServices<DatabaseSource>().ElementAt(index));
        }
    }
}
