namespace CreditShare.Core.Credentials;

/// <summary>A certificate that may need a reminder: whose unit, when it ends, and whether a newer one already replaces it.</summary>
public sealed record ExpiringCertificate(string SerialNumber, int UnitId, DateTimeOffset NotAfter, bool Renewed, bool Revoked);

/// <summary>One message to one unit's contacts (and the center): every certificate of that unit crossing a threshold.</summary>
public sealed record ReminderDigest(int UnitId, int DaysAhead, IReadOnlyList<ExpiringCertificate> Certificates);

/// <summary>
/// Expiry reminders 60, 30 and 7 days ahead (附4): one digest per unit and threshold, never one message per
/// certificate, and none for a certificate already renewed or revoked (the storms and after-renewal reminders of
/// uptime-kuma#844 and OmniTrustILM#905). What was sent is remembered by the caller as (serial, threshold) pairs.
/// </summary>
public static class ExpiryReminders
{
    public static readonly IReadOnlyList<int> Thresholds = [60, 30, 7];

    /// <summary>
    /// The digests due at <paramref name="now"/>: each live certificate joins the digest of the smallest threshold it has
    /// crossed and not been reminded of. One that crossed several at once (the platform was down) is reminded once, at
    /// the nearest, and the larger ones are passed over.
    /// </summary>
    public static IReadOnlyList<ReminderDigest> Due(IEnumerable<ExpiringCertificate> certificates, IReadOnlySet<(string Serial, int Days)> alreadySent, DateTimeOffset now)
    {
        var due = new List<(ExpiringCertificate Certificate, int Days)>();
        foreach (var certificate in certificates)
        {
            if (certificate.Renewed || certificate.Revoked || certificate.NotAfter <= now)
            {
                continue;
            }

            var left = certificate.NotAfter - now;
            var crossed = Thresholds.Where(t => left <= TimeSpan.FromDays(t)).ToList();
            if (crossed.Count == 0)
            {
                continue;
            }

            var nearest = crossed.Min();
            // A later reminder already went out: an earlier, larger threshold is not sent after it.
            if (Thresholds.Where(t => t <= nearest).Any(t => alreadySent.Contains((certificate.SerialNumber, t))))
            {
                continue;
            }

            due.Add((certificate, nearest));
        }

        return [.. due.GroupBy(d => (d.Certificate.UnitId, d.Days))
            .OrderBy(g => g.Key.UnitId).ThenByDescending(g => g.Key.Days)
            .Select(g => new ReminderDigest(g.Key.UnitId, g.Key.Days, [.. g.Select(d => d.Certificate).OrderBy(c => c.NotAfter)]))];
    }
}
