using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CreditShare.Web.Features.Security;

/// <summary>
/// Tells the other instances that a decision or a switch changed: on PostgreSQL a <c>NOTIFY</c> inside the transaction
/// that made the change (delivered on commit), which wakes their synchronisation at once; elsewhere nothing, and the
/// polling interval is the bound.
/// </summary>
public sealed class SecurityNotifications : IDisposable
{
    public const string Channel = "creditshare_security";

    private readonly SemaphoreSlim wake = new(0, 1);

    public async Task AnnounceAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (!db.IsSqlite)
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_notify('{Channel}', '')", cancellationToken);
        }

        Wake();
    }

    public void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => wake.Dispose();
}

/// <summary>
/// Every <see cref="SecurityOptions.SyncIntervalMilliseconds"/> (or at once when notified): adds this instance's counts
/// to the shared table, runs detection on the addresses it saw, clears allow-listed decisions, and reads the decisions
/// and switches in force. The cadence is real time on purpose: it is how fast instances agree, not a business date.
/// </summary>
public sealed partial class SecuritySync(
    IServiceScopeFactory scopes, TrafficCounter counter, SecurityState state, SecurityNotifications notifications, IOptions<SecurityOptions> options,
    IOptions<Public.PublicSiteOptions> publicSite, ILogger<SecuritySync> logger) : BackgroundService
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);
    private DateTime lastPrune = DateTime.MinValue;

    /// <summary>One round, also for tests and the CLI: counts out, detection, decisions and switches in.</summary>
    public async Task SyncOnceAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var rules = options.Value.Rules();
        var readBack = Math.Max(rules.LongestWindowSeconds, publicSite.Value.WindowSeconds);
        // Half the smallest limit or threshold: a client that is halfway there on any instance is watched by all.
        var heavyFrom = Math.Max(1, Math.Min(publicSite.Value.RequestsPerMinute, rules.Rules.Count == 0 ? int.MaxValue : rules.Rules.Min(r => r.Threshold)) / 2);
        var blocks = scope.ServiceProvider.GetRequiredService<AddressBlocks>();
        try
        {
            var seen = await counter.FlushAsync(db, readBack, heavyFrom, cancellationToken);
            await blocks.DetectAsync(seen, cancellationToken);
            if (DateTime.UtcNow - lastPrune > PruneEvery)
            {
                await counter.PruneAsync(db, readBack, cancellationToken);
                lastPrune = DateTime.UtcNow;
            }
        }
        finally
        {
            // Whatever failed above (a slow upsert under attack), the switches and decisions made elsewhere still apply here.
            await state.RefreshAsync(db, cancellationToken);
        }

        if (await blocks.ClearAllowListedAsync(cancellationToken) > 0)
        {
            await state.RefreshAsync(db, cancellationToken);
        }
    }

    /// <summary>Reads what is in force before the first request is served (a restarted instance obeys at once).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await state.RefreshAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSyncFailed(logger, ex);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.SyncIntervalMilliseconds));
        bool onPostgres;
        await using (var scope = scopes.CreateAsyncScope())
        {
            onPostgres = !scope.ServiceProvider.GetRequiredService<AppDbContext>().IsSqlite;
        }

        var listener = onPostgres ? Task.Run(() => ListenAsync(stoppingToken), stoppingToken) : Task.CompletedTask;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database may be down: what is in force stays in force, the counts stay in memory.
                LogSyncFailed(logger, ex);
            }

            try
            {
                await notifications.WaitAsync(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await listener;
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                // Keepalive: a connection silently cut (a failover) would otherwise wait for a notification forever.
                var connectionString = new NpgsqlConnectionStringBuilder(scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GetConnectionString()) { KeepAlive = 30 }.ConnectionString;
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => notifications.Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {SecurityNotifications.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Polling goes on meanwhile; listen again shortly.
                LogListenFailed(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Security synchronisation failed; decisions in force stay in force")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for security notifications failed; polling continues")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
