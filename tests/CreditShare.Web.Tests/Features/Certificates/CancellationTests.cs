using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Credentials;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace CreditShare.Web.Tests.Features.Certificates;

/// <summary>注销 (附3) over the API and the console: the RFC 5280 code stored, given in the CRL, and the key refused at once.</summary>
public class CancellationTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    private async Task<(X509Certificate2 Certificate, string Serial)> IssueAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CertificateService>().IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds["source"], 24));
        Assert.True(outcome.IsOk);
        return (X509CertificateLoader.LoadPkcs12(outcome.Value!.Pkcs12, outcome.Value.Pkcs12Password), outcome.Value.Certificate.SerialNumber);
    }

    private async Task<HttpClient> SecurityAdminAsync()
    {
        var admin = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        admin.DefaultRequestHeaders.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));
        return admin;
    }

    [Theory]
    [InlineData("lost", false, null, X509RevocationReason.KeyCompromise, "U-key丢失")]
    [InlineData("damaged", true, null, X509RevocationReason.Superseded, "U-key损坏")]
    [InlineData("damaged", false, null, X509RevocationReason.CessationOfOperation, "U-key损坏")]
    [InlineData("forgottenPin", true, null, X509RevocationReason.Superseded, "丢失或遗忘U-key密码")]
    [InlineData("userInformationChanged", false, "调岗", X509RevocationReason.AffiliationChanged, "U-key用户信息变更：调岗")]
    [InlineData("noLongerUsed", false, null, X509RevocationReason.CessationOfOperation, "终止使用")]
    [InlineData("other", false, "单位撤并", X509RevocationReason.Unspecified, "其他：单位撤并")]
    public async Task Each_cancellation_reason_is_stored_with_its_rfc5280_code_and_the_crl_gives_it(string reason, bool reissued, string? text,
        X509RevocationReason expected, string label)
    {
        var (_, serial) = await IssueAsync();
        var admin = await SecurityAdminAsync();

        var response = await admin.PostAsJsonAsync($"/api/v1/certificates/{serial}/cancel", new { reason, reasonText = text, reissued });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("revoked", view.GetProperty("status").GetString());
        Assert.Equal(label, view.GetProperty("revocationReason").GetString());
        Assert.Equal(IssuedCertificateView.RevocationCodeName((int)expected), view.GetProperty("revocationCode").GetString());

        var stored = await app.WithDbAsync(db => db.IssuedCertificates.SingleAsync(c => c.SerialNumber == serial));
        Assert.Equal((int)expected, stored.RevocationCode);
        Assert.Equal(label, stored.RevocationReason);
        Assert.True(Math.Abs((stored.RevokedAt!.Value - app.Clock.GetUtcNow()).TotalMilliseconds) < 1, "revoked at the app's time");
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a =>
            a.EventCode == (int)AuditEvent.Credential_Cancelled && a.Target == $"certificate:{serial}" && a.Detail!.StartsWith($"reason={reason.ToLowerInvariant()};code={(int)expected};"))));

        using var anonymous = app.MachineClient(null);
        var crl = new X509CrlParser().ReadCrl(await anonymous.GetByteArrayAsync("/pki/crl"));
        Assert.True(crl.IsSignatureValid(new Org.BouncyCastle.X509.X509Certificate(app.Services.GetRequiredService<CertificateAuthority>().Certificate.RawData).GetPublicKey()));
        var entry = crl.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(serial, 16));
        Assert.NotNull(entry);
        var extension = entry.GetExtensionValue(X509Extensions.ReasonCode);
        // RFC 5280 §5.3.1: unspecified is given by leaving the extension out.
        var code = extension is null ? 0 : CrlReason.GetInstance(X509ExtensionUtilities.FromExtensionValue(extension)).IntValueExact;
        Assert.Equal((int)expected, code);
    }

    [Fact]
    public async Task A_cancelled_certificate_is_refused_on_the_next_mutual_tls_request()
    {
        var (certificate, serial) = await IssueAsync();
        using var machine = app.MachineClient(certificate);
        Assert.Equal(HttpStatusCode.OK, (await machine.GetAsync("/api/v1/machine/whoami")).StatusCode);

        var admin = await SecurityAdminAsync();
        var cancelled = await admin.PostAsJsonAsync($"/api/v1/certificates/{serial}/cancel", new { reason = "lost" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var refused = await machine.GetAsync("/api/v1/machine/whoami");
        Assert.Equal("certificate.required", (await refused.ProblemAsync(HttpStatusCode.Unauthorized)).Code);
    }

    [Fact]
    public async Task Bad_input_gets_chinese_reasons_and_unknown_or_cancelled_certificates_404_and_409()
    {
        var (_, serial) = await IssueAsync();
        var admin = await SecurityAdminAsync();
        async Task<(string Field, string Code, string Message)> InvalidAsync(object body)
        {
            var problem = await (await admin.PostAsJsonAsync($"/api/v1/certificates/{serial}/cancel", body)).ProblemAsync(HttpStatusCode.BadRequest);
            var error = Assert.Single(problem.Errors);
            return (error.Field, error.Code, error.Message);
        }

        foreach (var reason in new object?[] { null, "", "stolen", "1", "lost,damaged" })
        {
            var (field, code, message) = await InvalidAsync(new { reason });
            Assert.Equal(("reason", "cancellation.reason"), (field, code));
            Assert.StartsWith("请选择注销原因", message);
        }

        Assert.Equal(("reasonText", "cancellation.reason_text", "选择“其他”时请填写注销原因"), await InvalidAsync(new { reason = "other", reasonText = " " }));
        Assert.Equal("cancellation.reason_text", (await InvalidAsync(new { reason = "noLongerUsed", reasonText = new string('长', 201) })).Code);
        Assert.Null(await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == serial).Select(c => c.RevokedAt).SingleAsync()));

        var missing = await admin.PostAsJsonAsync("/api/v1/certificates/0123ABCD/cancel", new { reason = "lost" });
        Assert.Equal("certificate.not_found", (await missing.ProblemAsync(HttpStatusCode.NotFound)).Code);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/v1/certificates/{serial.ToLowerInvariant()}/cancel", new { reason = "Lost" })).StatusCode);
        var again = await admin.PostAsJsonAsync($"/api/v1/certificates/{serial}/cancel", new { reason = "damaged" });
        Assert.Equal("certificate.already_revoked", (await again.ProblemAsync(HttpStatusCode.Conflict)).Code);
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EventCode == (int)AuditEvent.Credential_Cancelled && a.Target == $"certificate:{serial}")));
    }

    [Fact]
    public async Task Only_a_security_administrator_may_cancel()
    {
        var (_, serial) = await IssueAsync();
        var reviewer = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        reviewer.DefaultRequestHeaders.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));
        var refused = await reviewer.PostAsJsonAsync($"/api/v1/certificates/{serial}/cancel", new { reason = "lost" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Null(await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == serial).Select(c => c.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task The_console_cancels_with_a_reason_from_its_radio_buttons_and_lists_the_label()
    {
        var (_, serial) = await IssueAsync();
        var admin = await SecurityAdminAsync();
        var form = await admin.GetStringAsync("/Certificates");
        foreach (var reason in Enum.GetValues<CancellationReason>())
        {
            Assert.Contains($"/> {CancellationReasons.Label(reason)}</label>", form);
        }

        var unchosen = await admin.PostFormAsync("/Certificates?handler=Cancel", ("Serial", serial));
        Assert.Contains("请选择注销原因", await unchosen.Content.ReadAsStringAsync());
        var otherWithoutText = await admin.PostFormAsync("/Certificates?handler=Cancel", ("Serial", serial), ("CancelReason", "other"));
        Assert.Contains("选择“其他”时请填写注销原因", await otherWithoutText.Content.ReadAsStringAsync());

        var done = await admin.PostFormAsync("/Certificates?handler=Cancel", ("Serial", serial), ("CancelReason", "damaged"), ("Reissued", "true"));
        var list = await done.Content.ReadAsStringAsync();
        Assert.Contains($"证书 {serial} 已注销", list);
        Assert.Matches($"{serial}</td>(?:(?!</tr>).)*已注销</span><br /><span class=\"muted\">U-key损坏</span>", list.ReplaceLineEndings(" "));
        Assert.Equal((int)X509RevocationReason.Superseded, await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == serial).Select(c => c.RevocationCode).SingleAsync()));
    }
}
