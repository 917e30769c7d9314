using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Crypto;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Tests.Features.Certificates;

/// <summary>Real TLS handshakes on a real Kestrel port with real certificates.</summary>
public class MutualTlsTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    private async Task<(X509Certificate2 Certificate, string Serial)> IssueAsync(string unit = "source", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CertificateService>()
            .IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds[unit], 24), notBefore, notAfter);
        Assert.True(outcome.IsOk);
        return (X509CertificateLoader.LoadPkcs12(outcome.Value!.Pkcs12, outcome.Value.Pkcs12Password), outcome.Value.Certificate.SerialNumber);
    }

    private static async Task<string> RefusalAsync(HttpResponseMessage response) =>
        (await response.ProblemAsync(HttpStatusCode.Unauthorized)).Code;

    [Fact]
    public async Task A_valid_certificate_identifies_its_unit()
    {
        var (certificate, serial) = await IssueAsync();
        using var client = app.MachineClient(certificate);
        var response = await client.GetAsync("/api/v1/machine/whoami");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(serial, body.GetProperty("certificateSerial").GetString());
        var uscc = await app.WithDbAsync(db => db.Units.Where(u => u.Id == app.UnitIds["source"]).Select(u => u.Uscc).SingleAsync());
        Assert.Equal(uscc, body.GetProperty("unitCode").GetString());
        Assert.Contains(uscc, certificate.Subject);
    }

    [Fact]
    public async Task A_revoked_certificate_is_refused_on_the_very_next_request_of_the_same_connection()
    {
        var (certificate, serial) = await IssueAsync();
        using var client = app.MachineClient(certificate);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/machine/whoami")).StatusCode);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var revoked = await scope.ServiceProvider.GetRequiredService<CertificateService>().RevokeAsync(CreditShareApp.System, serial, "U-key 丢失");
            Assert.True(revoked.IsOk);
        }

        Assert.Equal("certificate.required", await RefusalAsync(await client.GetAsync("/api/v1/machine/whoami")));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.Certificate_Refused && a.Detail == "revoked")));

        // The CRL lists it.
        using var anonymous = app.MachineClient(null);
        var crl = await anonymous.GetByteArrayAsync("/pki/crl");
        CertificateRevocationListBuilder.Load(crl, out var crlNumber);
        Assert.True(crlNumber >= 2);
        Assert.True(ContainsSequence(crl, Convert.FromHexString(serial)), "the CRL lists the revoked serial");
    }

    [Fact]
    public async Task A_certificate_signed_by_our_ca_but_never_registered_is_refused()
    {
        // What a stolen CA key or a bypass of the issuing service would produce: right chain, no record.
        var ca = app.Services.GetRequiredService<CertificateAuthority>();
        var unit = await app.WithDbAsync(db => db.Units.SingleAsync(u => u.Id == app.UnitIds["source"]));
        var (certificate, key) = ca.SignClientCertificate(unit, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMonths(24));
        using var withKey = certificate.CopyWithPrivateKey(key);
        using var loaded = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12, "x"), "x");
        using var client = app.MachineClient(loaded);
        Assert.Equal("certificate.required", await RefusalAsync(await client.GetAsync("/api/v1/machine/whoami")));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.Certificate_Refused && a.Detail == "unknown")));
    }

    [Fact]
    public async Task An_expired_certificate_is_refused()
    {
        var now = DateTimeOffset.UtcNow;
        var (certificate, _) = await IssueAsync(notBefore: now.AddHours(-20), notAfter: now.AddHours(-1));
        using var client = app.MachineClient(certificate);
        Assert.Equal("certificate.required", await RefusalAsync(await client.GetAsync("/api/v1/machine/whoami")));
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_refused_even_for_a_registered_unit()
    {
        var folder = Directory.CreateTempSubdirectory("foreign-ca-").FullName;
        try
        {
            CertificateAuthority.CreateCa(Path.Combine(folder, "ca.crt"), Path.Combine(folder, "ca.key"), "Foreign CA", DateTimeOffset.UtcNow);
            using var foreign = new CertificateAuthority(Options.Create(new CertificateAuthorityOptions
            {
                CertificatePath = Path.Combine(folder, "ca.crt"),
                KeyPath = Path.Combine(folder, "ca.key"),
            }));
            var unit = await app.WithDbAsync(db => db.Units.SingleAsync(u => u.Id == app.UnitIds["source"]));
            var (certificate, key) = foreign.SignClientCertificate(unit, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMonths(24));
            using var withKey = certificate.CopyWithPrivateKey(key);
            using var loaded = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12, "x"), "x");
            using var client = app.MachineClient(loaded);
            Assert.Equal("certificate.required", await RefusalAsync(await client.GetAsync("/api/v1/machine/whoami")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task No_certificate_and_a_suspended_unit_are_refused()
    {
        using var none = app.MachineClient(null);
        Assert.Equal("certificate.required", await RefusalAsync(await none.GetAsync("/api/v1/machine/whoami")));

        var unitId = await app.CreateUnitAsync("将被暂停的单位", "11640300", ["source"]);
        app.UnitIds["doomed"] = unitId;
        var (certificate, _) = await IssueAsync("doomed");
        using var client = app.MachineClient(certificate);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/machine/whoami")).StatusCode);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UnitRegistry>().SetStatusAsync(CreditShareApp.System, unitId, UnitStatus.Suspended);
        }

        Assert.Equal("certificate.required", await RefusalAsync(await client.GetAsync("/api/v1/machine/whoami")));
    }

    [Fact]
    public async Task A_forwarded_certificate_header_from_an_untrusted_peer_is_ignored()
    {
        var (certificate, _) = await IssueAsync();
        using var client = app.MachineClient(null);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/machine/whoami");
        request.Headers.Add("X-Client-Cert", Uri.EscapeDataString(certificate.ExportCertificatePem()));
        Assert.Equal("certificate.required", await RefusalAsync(await client.SendAsync(request)));
    }

    [Fact]
    public async Task Validity_is_24_or_48_months_only()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CertificateService>()
            .IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds["source"], 36));
        Assert.Contains(outcome.Errors, e => e.Code == "certificate.validity");
    }

    private static bool ContainsSequence(byte[] haystack, byte[] needle) =>
        haystack.AsSpan().IndexOf(needle) >= 0;
}
