using CreditShare.Core.Credentials;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Credentials;

/// <summary>
/// Expiry reminders 60, 30 and 7 days ahead, one digest per unit and threshold (<see cref="ExpiryReminders"/>). Each
/// digest is recorded (the rows say which certificates it named) and audited; the unique (serial, threshold) index
/// keeps a second instance from sending it again. The digest goes to the unit's responsible contact and the center;
/// delivery by mail or SMS is the relay's job and is not configured in this repository.
/// </summary>
public sealed class ExpiryReminderSender(IServiceScopeFactory scopes, TimeProvider time, ILogger<ExpiryReminderSender> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(Every, time, logger, "Sending certificate expiry reminders", async ct => await SendDueAsync(ct), stoppingToken);

    /// <summary>Sends every digest due now and returns them.</summary>
    public async Task<IReadOnlyList<ReminderDigest>> SendDueAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditWriter>();
        var now = time.GetUtcNow();
        var horizon = now.AddDays(ExpiryReminders.Thresholds.Max());
        var live = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.RevokedAt == null && c.RenewedBySerial == null && c.NotAfter > now && c.NotAfter <= horizon)
            .Select(c => new ExpiringCertificate(c.SerialNumber, c.UnitId, c.NotAfter, false, false))
            .ToListAsync(cancellationToken);
        if (live.Count == 0)
        {
            return [];
        }

        var serials = live.Select(c => c.SerialNumber).ToList();
        var sent = (await db.ExpiryReminders.AsNoTracking().Where(r => serials.Contains(r.SerialNumber))
            .Select(r => new { r.SerialNumber, r.DaysAhead }).ToListAsync(cancellationToken))
            .Select(r => (r.SerialNumber, r.DaysAhead)).ToHashSet();
        var due = ExpiryReminders.Due(live, sent, now);
        var units = await db.Units.AsNoTracking().Where(u => due.Select(d => d.UnitId).Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Uscc, cancellationToken);
        foreach (var digest in due)
        {
            var id = Guid.NewGuid();
            db.ExpiryReminders.AddRange(digest.Certificates.Select(c => new ExpiryReminder
            { SerialNumber = c.SerialNumber, DaysAhead = digest.DaysAhead, UnitId = digest.UnitId, DigestId = id, SentAt = now }));
            audit.Stage(db, new AuditRecord(AuditEvent.Credential_ReminderSent, AuditOutcome.Success)
            {
                Target = $"unit:{units.GetValueOrDefault(digest.UnitId)}",
                UnitCode = units.GetValueOrDefault(digest.UnitId),
                ResultCount = digest.Certificates.Count,
                Detail = $"days={digest.DaysAhead};digest={id:N};to=unit_responsible,center",
            });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance sent them first: its rows stand, nothing goes twice.
            return [];
        }

        await audit.ChainPendingAsync();
        return due;
    }
}
