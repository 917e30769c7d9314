using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Contract;
using CreditShare.Core.Credentials;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Credentials;

/// <summary>A unit's system renews its own certificate over mutual TLS with proof of possession of the old key.</summary>
public class RenewalTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    private async Task<X509Certificate2> IssueAsync(bool gateway = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CertificateService>()
            .IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds["source"], 24, gateway));
        Assert.True(outcome.IsOk);
        return X509CertificateLoader.LoadPkcs12(outcome.Value!.Pkcs12, outcome.Value.Pkcs12Password);
    }

    private async Task<(string Pem, byte[] Der)> NewRequestAsync(string? commonName = null)
    {
        var (name, uscc) = await app.WithDbAsync(db => db.Units.Where(u => u.Id == app.UnitIds["source"]).Select(u => new { u.Name, u.Uscc }).SingleAsync()) is var u ? (u.Name, u.Uscc) : default;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName ?? uscc}, O={name}", key, HashAlgorithmName.SHA256);
        var der = request.CreateSigningRequest();
        return (new string(PemEncoding.Write("CERTIFICATE REQUEST", der)), der);
    }

    [Fact]
    public async Task The_old_key_signs_the_new_request_and_the_old_certificate_is_revoked_after_the_overlap()
    {
        using var old = await IssueAsync(gateway: true);
        var (pem, der) = await NewRequestAsync();
        using var client = app.MachineClient(old);
        var response = await client.PostAsJsonAsync("/api/v1/machine/certificate/renewal",
            new RenewalRequest(pem, Convert.ToBase64String(RenewalProof.Sign(old, der))), WireJson.Options);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var renewed = (await response.Content.ReadFromJsonAsync<Renewed>(WireJson.Options))!;
        Assert.Equal("gateway", renewed.Certificate.Purpose);
        Assert.Equal(app.Clock.GetUtcNow().AddDays(7), renewed.OldRevokedAfter);
        var record = await app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == old.SerialNumber));
        Assert.Equal(renewed.Certificate.SerialNumber, record.RenewedBySerial);
        Assert.Null(record.RevokedAt); // good during the overlap

        // A second renewal from the same old certificate, for another key, is refused (the same request is a replay: below).
        var (otherPem, otherDer) = await NewRequestAsync();
        var again = await client.PostAsJsonAsync("/api/v1/machine/certificate/renewal",
            new RenewalRequest(otherPem, Convert.ToBase64String(RenewalProof.Sign(old, otherDer))), WireJson.Options);
        Assert.Equal("renewal.already_renewed", (await again.ProblemAsync(HttpStatusCode.Conflict)).Code);
    }

    [Fact]
    public async Task A_retry_of_a_renewal_whose_answer_was_lost_gets_the_same_certificate_and_issues_nothing_new()
    {
        using var old = await IssueAsync(gateway: true);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (name, uscc) = await app.WithDbAsync(db => db.Units.Where(u => u.Id == app.UnitIds["source"]).Select(u => new { u.Name, u.Uscc }).SingleAsync()) is var u ? (u.Name, u.Uscc) : default;
        // Each attempt signs its request afresh (an ECDSA signature differs every time): the key is what makes it the same request.
        RenewalRequest Attempt()
        {
            var der = new CertificateRequest($"CN={uscc}, O={name}", key, HashAlgorithmName.SHA256).CreateSigningRequest();
            return new RenewalRequest(PemEncoding.WriteString("CERTIFICATE REQUEST", der), Convert.ToBase64String(RenewalProof.Sign(old, der)));
        }

        using var client = app.MachineClient(old);
        var first = await client.PostAsJsonAsync("/api/v1/machine/certificate/renewal", Attempt(), WireJson.Options);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var issued = (await first.Content.ReadFromJsonAsync<Renewed>(WireJson.Options))!;

        // The answer was lost; the gateway asks again with the key it kept, twice.
        for (var i = 0; i < 2; i++)
        {
            var retry = await client.PostAsJsonAsync("/api/v1/machine/certificate/renewal", Attempt(), WireJson.Options);
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            var replayed = (await retry.Content.ReadFromJsonAsync<Renewed>(WireJson.Options))!;
            Assert.Equal(issued.Certificate.SerialNumber, replayed.Certificate.SerialNumber);
            Assert.Equal(issued.CertificatePem, replayed.CertificatePem);
            Assert.Equal(issued.OldRevokedAfter, replayed.OldRevokedAfter);
        }

        Assert.Equal([issued.Certificate.SerialNumber],
            await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.ReplacesSerial == old.SerialNumber).Select(c => c.SerialNumber).ToListAsync()));
        var target = $"certificate:{issued.Certificate.SerialNumber}";
        var details = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Target == target).Select(e => e.Detail).ToListAsync());
        Assert.Equal(2, details.Count(d => d != null && d.Contains("replay=yes", StringComparison.Ordinal)));

        // Another key, even with a valid proof, is still refused; so is the same key without one.
        var (otherPem, otherDer) = await NewRequestAsync();
        var other = await client.PostAsJsonAsync("/api/v1/machine/certificate/renewal",
            new RenewalRequest(otherPem, Convert.ToBase64String(RenewalProof.Sign(old, otherDer))), WireJson.Options);
        Assert.Equal("renewal.already_renewed", (await other.ProblemAsync(HttpStatusCode.Conflict)).Code);
        var unproven = await client.PostAsJsonAsync("/api/v1/machine/certificate/renewal", Attempt() with { Proof = null }, WireJson.Options);
        Assert.Equal("renewal.already_renewed", (await unproven.ProblemAsync(HttpStatusCode.Conflict)).Code);
        Assert.Single(await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.ReplacesSerial == old.SerialNumber).ToListAsync()));
    }

    [Fact]
    public async Task A_renewal_without_a_valid_proof_or_for_another_subject_issues_nothing()
    {
        using var old = await IssueAsync();
        using var other = await IssueAsync();
        var (pem, der) = await NewRequestAsync();
        using var client = app.MachineClient(old);
        async Task<string> RefusedAsync(RenewalRequest body) =>
            (await (await client.PostAsJsonAsync("/api/v1/machine/certificate/renewal", body, WireJson.Options)).ProblemAsync(HttpStatusCode.BadRequest)).Errors.Single().Code;

        Assert.Equal("renewal.proof", await RefusedAsync(new RenewalRequest(pem, null)));
        Assert.Equal("renewal.proof", await RefusedAsync(new RenewalRequest(pem, Convert.ToBase64String(RenewalProof.Sign(other, der)))));
        var (foreign, foreignDer) = await NewRequestAsync("91640000MA00000000");
        Assert.Equal("csr.subject", await RefusedAsync(new RenewalRequest(foreign, Convert.ToBase64String(RenewalProof.Sign(old, foreignDer)))));
        Assert.Null(await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == old.SerialNumber).Select(c => c.RenewedBySerial).SingleAsync()));
    }

    private async Task<List<List<string>>> DigestsAsync(int unit, int days) =>
        (await app.WithDbAsync(db => db.ExpiryReminders.AsNoTracking().Where(r => r.UnitId == unit && r.DaysAhead == days).ToListAsync()))
            .GroupBy(r => r.DigestId).Select(g => g.Select(r => r.SerialNumber).ToList()).ToList();

    [Fact]
    public async Task Fifty_certificates_of_one_unit_expiring_on_one_day_give_one_digest_and_none_after_renewal()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var certificates = scope.ServiceProvider.GetRequiredService<CertificateService>();
        var unit = await app.CreateUnitAsync("提醒测试单位", "11640300", ["source"], assignAll: false);
        var end = app.Clock.GetUtcNow().AddDays(59);
        for (var i = 0; i < 50; i++)
        {
            Assert.True((await certificates.IssueAsync(CreditShareApp.System, new IssueRequest(unit, 24), notAfterOverride: end)).IsOk);
        }

        // The hosted sender runs too when the clock moves: what counts is what was recorded, whoever sent it.
        var sender = app.Services.GetRequiredService<ExpiryReminderSender>();
        await sender.SendDueAsync();
        await sender.SendDueAsync();
        var first = await DigestsAsync(unit, 60);
        var digest = Assert.Single(first);
        Assert.Equal(50, digest.Count);

        // One is renewed: at 30 days the digest names the other 49 only.
        var renewedSerial = digest[0];
        await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == renewedSerial).ExecuteUpdateAsync(u => u.SetProperty(c => c.RenewedBySerial, "X")));
        app.Clock.Advance(TimeSpan.FromDays(30));
        await sender.SendDueAsync();
        var second = Assert.Single(await DigestsAsync(unit, 30));
        Assert.Equal(49, second.Count);
        Assert.DoesNotContain(renewedSerial, second);
        Assert.Equal(50, (await DigestsAsync(unit, 60)).Single().Count);
    }
}
