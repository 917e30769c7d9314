using CreditShare.Core;
using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

/// <summary>
/// Puts the end of records' sharing periods on the change feed: a record whose sharing end has passed gets a new feed
/// position, so consumers learn to drop it. Reads never wait for this — they filter by date — only the feed does.
/// </summary>
public sealed class ExpiryAnnouncer(IServiceScopeFactory scopes, TimeProvider time, ILogger<ExpiryAnnouncer> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(Every, time, logger, "Announcing expired records", AnnounceAsync, stoppingToken);

    /// <summary>Stamps every active record whose sharing ended before today and returns how many.</summary>
    public async Task<int> AnnounceAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var today = ProvincialTime.Today(time);
        var total = 0;
        while (true)
        {
            // In slices, so that no transaction holds back the feed's horizon for long.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var tx = await ChangeFeed.StampAsync(db, cancellationToken);
            var ids = await db.CreditRecords.Where(r => r.Status == RecordStatus.Active && !r.ExpiryAnnounced && r.SharingEnd < today)
                .OrderBy(r => r.Id).Select(r => r.Id).Take(5000).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                return total;
            }

            total += await db.CreditRecords.Where(r => ids.Contains(r.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.ChangeTx, tx).SetProperty(r => r.ExpiryAnnounced, true), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }
}
