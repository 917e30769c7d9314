using CreditShare.Core;
using CreditShare.Core.Contract;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Gateways;

/// <summary>One gateway as the fleet view shows it: its latest heartbeat (if any) and what needs attention.</summary>
public sealed record GatewayView(string CertificateSerial, int UnitId, string UnitName, string? Name, string? Version, int? QueueDepth,
    long? OldestItemAgeSeconds, DateTimeOffset? LastSuccessAt, string? LastError, int? ReportedCertificateDaysLeft, DateTimeOffset CertificateNotAfter,
    int CertificateDaysLeft, long? SpoolBytes, DateTimeOffset? SentAt, DateTimeOffset? LastHeartbeatAt, string? RemoteAddress,
    bool Silent, bool Backlogged, bool CertificateExpiring)
{
    public bool NeedsAttention => Silent || Backlogged || CertificateExpiring;
}

/// <summary>When a gateway needs attention. Judged by the platform's clock and the platform's own certificate record.</summary>
public static class GatewayHealth
{
    /// <summary>Gateways beat every minute: five missed beats is not a hiccup.</summary>
    public static readonly TimeSpan SilentAfter = TimeSpan.FromMinutes(5);

    /// <summary>Items waiting longer than this mean the unit's data is not reaching the platform.</summary>
    public static readonly TimeSpan BacklogAfter = TimeSpan.FromHours(1);

    /// <summary>The gateway itself warns 30 days ahead; the center sees the same.</summary>
    public const int ExpiringWithinDays = 30;

    public static bool Silent(DateTimeOffset? lastHeartbeat, DateTimeOffset now) => lastHeartbeat is not { } at || now - at > SilentAfter;

    /// <summary>The oldest item's age now: what the gateway reported, plus the time since the report.</summary>
    public static TimeSpan? OldestItemAge(long? reportedSeconds, DateTimeOffset receivedAt, DateTimeOffset now) =>
        reportedSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) + (now > receivedAt ? now - receivedAt : TimeSpan.Zero) : null;

    public static bool Backlogged(int queueDepth, TimeSpan? oldestItemAge) => queueDepth > 0 && oldestItemAge > BacklogAfter;

    /// <summary>Whole days left, rounded down; negative once expired.</summary>
    public static int DaysLeft(DateTimeOffset notAfter, DateTimeOffset now) => (int)Math.Floor((notAfter - now).TotalDays);

    public static bool Expiring(int daysLeft) => daysLeft <= ExpiringWithinDays;
}

/// <summary>Receives gateways' heartbeats and lists every unit's gateways for the center.</summary>
public sealed class GatewayFleet(AppDbContext db, TimeProvider time)
{
    public const int MaxErrorLength = 1000;

    public async Task<Outcome<GatewayStatus>> RecordAsync(int unitId, string certificateSerial, GatewayHeartbeat heartbeat, string? remoteAddress,
        CancellationToken cancellationToken = default)
    {
        var errors = new List<FieldError>();
        var name = heartbeat.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            errors.Add(new FieldError("name", "gateway.name", "请填写前置机名称（不超过100字）"));
        }

        if ((heartbeat.Version ?? "").Length > 50)
        {
            errors.Add(new FieldError("version", "gateway.version", "版本号不超过50个字符"));
        }

        if (heartbeat.QueueDepth < 0 || heartbeat.SpoolBytes < 0 || heartbeat.OldestItemAgeSeconds < 0)
        {
            errors.Add(new FieldError("queueDepth", "gateway.negative", "队列长度、最早条目时长和缓存占用不能为负数"));
        }

        if (errors.Count > 0)
        {
            return Outcome<GatewayStatus>.Invalid(errors);
        }

        for (var attempt = 1; ; attempt++)
        {
            var status = await db.GatewayStatuses.FirstOrDefaultAsync(g => g.CertificateSerial == certificateSerial, cancellationToken);
            if (status is null)
            {
                status = new GatewayStatus { CertificateSerial = certificateSerial };
                db.GatewayStatuses.Add(status);
            }

            status.UnitId = unitId;
            status.Name = name;
            status.Version = heartbeat.Version ?? "";
            status.QueueDepth = heartbeat.QueueDepth;
            status.OldestItemAgeSeconds = heartbeat.OldestItemAgeSeconds;
            status.LastSuccessAt = heartbeat.LastSuccessAt;
            // A long stack trace is no reason to refuse a heartbeat: the beginning says what went wrong.
            status.LastError = heartbeat.LastError is { Length: > MaxErrorLength } text ? text[..MaxErrorLength] : heartbeat.LastError;
            status.CertificateDaysLeft = heartbeat.CertificateDaysLeft;
            status.SpoolBytes = heartbeat.SpoolBytes;
            status.SentAt = heartbeat.SentAt;
            status.ReceivedAt = time.GetUtcNow();
            status.RemoteAddress = remoteAddress;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return Outcome<GatewayStatus>.Ok(status);
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // The same gateway's first two heartbeats crossed: the other one made the row; update it instead.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Every unit's gateways: each gateway certificate that is not revoked, with its latest heartbeat. A certificate
    /// never heard from is listed (and silent) while it is valid; when a unit renews a gateway's certificate, the
    /// heartbeats of the new one under the same name take the old one's place. Those needing attention come first.
    /// </summary>
    public async Task<IReadOnlyList<GatewayView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var certificates = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.Purpose == CertificatePurpose.Gateway && c.RevokedAt == null)
            .Select(c => new { c.SerialNumber, c.UnitId, c.NotAfter }).ToListAsync(cancellationToken);
        var serials = certificates.Select(c => c.SerialNumber).ToList();
        var statuses = await db.GatewayStatuses.AsNoTracking().Where(g => EF.Parameter(serials).Contains(g.CertificateSerial))
            .ToDictionaryAsync(g => g.CertificateSerial, cancellationToken);
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);

        var views = new List<GatewayView>();
        foreach (var certificate in certificates)
        {
            statuses.TryGetValue(certificate.SerialNumber, out var s);
            if (s is null && certificate.NotAfter <= now)
            {
                continue;
            }

            var daysLeft = GatewayHealth.DaysLeft(certificate.NotAfter, now);
            var age = s is null ? null : GatewayHealth.OldestItemAge(s.OldestItemAgeSeconds, s.ReceivedAt, now);
            views.Add(new GatewayView(certificate.SerialNumber, certificate.UnitId, units.GetValueOrDefault(certificate.UnitId) ?? "", s?.Name, s?.Version,
                s?.QueueDepth, age is { } a ? (long)a.TotalSeconds : null, s?.LastSuccessAt, s?.LastError, s?.CertificateDaysLeft, certificate.NotAfter, daysLeft,
                s?.SpoolBytes, s?.SentAt, s?.ReceivedAt, s?.RemoteAddress,
                GatewayHealth.Silent(s?.ReceivedAt, now), s is not null && GatewayHealth.Backlogged(s.QueueDepth, age), GatewayHealth.Expiring(daysLeft)));
        }

        var current = views.Where(v => v.Name is null || !views.Any(o => o.UnitId == v.UnitId && o.Name == v.Name && o.LastHeartbeatAt > v.LastHeartbeatAt));
        return [.. current.OrderByDescending(v => v.NeedsAttention).ThenBy(v => v.UnitName, StringComparer.Ordinal).ThenBy(v => v.Name, StringComparer.Ordinal)
            .ThenBy(v => v.CertificateSerial, StringComparer.Ordinal)];
    }
}
