using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Certificates;

/// <summary>A renewed certificate stays good through its overlap and is revoked as superseded once RevokeAfter passes.</summary>
public class SupersededRevocationTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private async Task<string> IssueAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CertificateService>().IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds["source"], 24));
        Assert.True(outcome.IsOk);
        return outcome.Value!.Certificate.SerialNumber;
    }

    /// <summary>What the renewal leaves: the old certificate names its successor and when to revoke it.</summary>
    private Task<int> RenewAsync(string old, string successor, DateTimeOffset revokeAfter) =>
        app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == old)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RenewedBySerial, successor).SetProperty(c => c.RevokeAfter, revokeAfter)));

    private Task<IssuedCertificate> RowAsync(string serial) => app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == serial));

    [Fact]
    public async Task A_renewed_certificate_is_revoked_as_superseded_once_its_overlap_ends_and_not_before()
    {
        var (old, successor, untouched) = (await IssueAsync(), await IssueAsync(), await IssueAsync());
        var revokeAfter = app.Clock.GetUtcNow().AddDays(30);
        await RenewAsync(old, successor, revokeAfter);

        // The times are given, not the clock moved: the background loop (next test) would otherwise get there first.
        async Task<int> RevokeAtAsync(DateTimeOffset now)
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<CertificateService>().RevokeSupersededAsync(now);
        }

        Assert.Equal(0, await RevokeAtAsync(app.Clock.GetUtcNow()));
        Assert.Equal(0, await RevokeAtAsync(revokeAfter.AddSeconds(-1)));
        Assert.Null((await RowAsync(old)).RevokedAt);

        Assert.Equal(1, await RevokeAtAsync(revokeAfter));
        var row = await RowAsync(old);
        Assert.Equal((int)X509RevocationReason.Superseded, row.RevocationCode);
        Assert.Equal($"已由证书 {successor} 更换，过渡期满", row.RevocationReason);
        Assert.Equal("system", row.RevokedBy);
        Assert.True(Math.Abs((row.RevokedAt!.Value - revokeAfter).TotalMilliseconds) < 1, "revoked at the end of the overlap");
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a =>
            a.EventCode == (int)AuditEvent.Credential_SupersededRevoked && a.Target == $"certificate:{old}" && a.Detail == $"renewedBy={successor}")));
        Assert.Null((await RowAsync(successor)).RevokedAt);
        Assert.Null((await RowAsync(untouched)).RevokedAt);

        // Done once: a second pass finds nothing, and the entry is not written twice.
        Assert.Equal(0, await RevokeAtAsync(revokeAfter.AddDays(1)));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EventCode == (int)AuditEvent.Credential_SupersededRevoked && a.Target == $"certificate:{old}")));
    }

    [Fact]
    public async Task The_background_loop_revokes_it_when_the_clock_passes_the_end_of_the_overlap()
    {
        var (old, successor) = (await IssueAsync(), await IssueAsync());
        await RenewAsync(old, successor, app.Clock.GetUtcNow().AddMinutes(5));

        // The loop wakes every 10 minutes on the app's clock; moving the clock wakes it.
        // A bound on the waiting (a duration, not a date): at most 300 wake-ups of the loop.
        for (var round = 0; (await RowAsync(old)).RevokedAt is null; round++)
        {
            Assert.True(round < 300, "the background loop did not revoke the superseded certificate");
            app.Clock.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(100);
        }

        Assert.Equal((int)X509RevocationReason.Superseded, (await RowAsync(old)).RevocationCode);
    }
}
