using CreditShare.Core.Credentials;

namespace CreditShare.Core.Tests.Credentials;

public class ExpiryRemindersTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
    private static readonly HashSet<(string Serial, int Days)> NothingSent = [];

    private static ExpiringCertificate Certificate(string serial, int unit, TimeSpan left, bool renewed = false, bool revoked = false) =>
        new(serial, unit, Now + left, renewed, revoked);

    [Fact]
    public void Fifty_certificates_of_one_unit_expiring_the_same_day_make_one_digest()
    {
        var certificates = Enumerable.Range(0, 50).Select(i => Certificate($"S{i:D2}", 7, TimeSpan.FromDays(29) + TimeSpan.FromMinutes(i))).ToList();
        var digest = Assert.Single(ExpiryReminders.Due(certificates, NothingSent, Now));
        Assert.Equal((7, 30), (digest.UnitId, digest.DaysAhead));
        Assert.Equal(certificates.Select(c => c.SerialNumber), digest.Certificates.Select(c => c.SerialNumber));
    }

    [Fact]
    public void Two_units_get_a_digest_each()
    {
        var due = ExpiryReminders.Due([Certificate("B", 2, TimeSpan.FromDays(20)), Certificate("A", 1, TimeSpan.FromDays(20)), Certificate("C", 2, TimeSpan.FromDays(21))], NothingSent, Now);
        Assert.Equal([(1, 30, "A"), (2, 30, "B,C")], due.Select(d => (d.UnitId, d.DaysAhead, string.Join(",", d.Certificates.Select(c => c.SerialNumber)))));
    }

    [Fact]
    public void One_unit_with_certificates_at_different_thresholds_gets_one_digest_per_threshold()
    {
        var due = ExpiryReminders.Due([Certificate("A", 1, TimeSpan.FromDays(5)), Certificate("B", 1, TimeSpan.FromDays(45)), Certificate("C", 1, TimeSpan.FromDays(6))], NothingSent, Now);
        Assert.Equal([(60, "B"), (7, "A,C")], due.Select(d => (d.DaysAhead, string.Join(",", d.Certificates.Select(c => c.SerialNumber)))));
    }

    [Fact]
    public void A_renewed_or_revoked_certificate_is_not_reminded_of()
    {
        Assert.Empty(ExpiryReminders.Due([Certificate("A", 1, TimeSpan.FromDays(5), renewed: true)], NothingSent, Now));
        Assert.Empty(ExpiryReminders.Due([Certificate("A", 1, TimeSpan.FromDays(5), revoked: true)], NothingSent, Now));
    }

    [Fact]
    public void Nothing_is_due_before_sixty_days_or_after_expiry()
    {
        Assert.Empty(ExpiryReminders.Due([Certificate("A", 1, TimeSpan.FromDays(60) + TimeSpan.FromSeconds(1))], NothingSent, Now));
        Assert.Empty(ExpiryReminders.Due([Certificate("A", 1, TimeSpan.Zero)], NothingSent, Now));
        Assert.Empty(ExpiryReminders.Due([Certificate("A", 1, TimeSpan.FromDays(-3))], NothingSent, Now));
        Assert.Equal(60, Assert.Single(ExpiryReminders.Due([Certificate("A", 1, TimeSpan.FromDays(60))], NothingSent, Now)).DaysAhead);
    }

    [Fact]
    public void A_reminder_sent_at_thirty_is_not_sent_again_at_thirty_but_is_at_seven()
    {
        var certificate = Certificate("A", 1, TimeSpan.FromDays(30));
        HashSet<(string, int)> sent = [("A", 60)];
        Assert.Equal(30, Assert.Single(ExpiryReminders.Due([certificate], sent, Now)).DaysAhead);
        sent.Add(("A", 30));
        for (var day = 0; day < 23; day++)
        {
            Assert.Empty(ExpiryReminders.Due([certificate], sent, Now.AddDays(day)));
        }

        Assert.Equal(7, Assert.Single(ExpiryReminders.Due([certificate], sent, Now.AddDays(23))).DaysAhead);
        sent.Add(("A", 7));
        Assert.Empty(ExpiryReminders.Due([certificate], sent, Now.AddDays(25)));
    }

    [Fact]
    public void After_an_outage_past_sixty_and_thirty_one_reminder_goes_at_the_nearest_and_the_larger_never_follows()
    {
        var certificate = Certificate("A", 1, TimeSpan.FromDays(20));
        var sent = new HashSet<(string, int)>();
        var log = new List<int>();
        // The platform comes back 20 days before expiry and runs the job every hour until the certificate expires.
        for (var at = Now; at < certificate.NotAfter; at = at.AddHours(1))
        {
            foreach (var digest in ExpiryReminders.Due([certificate], sent, at))
            {
                log.Add(digest.DaysAhead);
                sent.Add(("A", digest.DaysAhead));
            }
        }

        Assert.Equal([30, 7], log);
    }

    [Fact]
    public void A_certificate_found_inside_seven_days_is_reminded_once()
    {
        var certificate = Certificate("A", 1, TimeSpan.FromDays(3));
        var sent = new HashSet<(string, int)>();
        var log = new List<int>();
        for (var at = Now; at < certificate.NotAfter; at = at.AddHours(1))
        {
            foreach (var digest in ExpiryReminders.Due([certificate], sent, at))
            {
                log.Add(digest.DaysAhead);
                sent.Add(("A", digest.DaysAhead));
            }
        }

        Assert.Equal([7], log);
    }

    [Fact]
    public void Every_threshold_is_reminded_once_when_the_job_runs_daily()
    {
        var certificate = Certificate("A", 1, TimeSpan.FromDays(90));
        var sent = new HashSet<(string, int)>();
        var log = new List<int>();
        for (var at = Now; at < certificate.NotAfter; at = at.AddDays(1))
        {
            foreach (var digest in ExpiryReminders.Due([certificate], sent, at))
            {
                log.Add(digest.DaysAhead);
                sent.Add(("A", digest.DaysAhead));
            }
        }

        Assert.Equal([60, 30, 7], log);
    }
}
