using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Credentials;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Credentials;

/// <summary>
/// Without a token (a unit's server, a gateway, a person with no U-key yet) the platform makes the key: the PKCS#12 is
/// encrypted under a one-time PIN shown only to the approver, and the applicant collects the file once.
/// </summary>
public class ServerKeyTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private readonly string work = Path.Combine(Path.GetTempPath(), $"creditshare-serverkey-{Guid.NewGuid():N}");

    private HttpClient Anonymous() => app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static Task<HttpResponseMessage> IssueAsync(HttpClient office, string number, string? purpose) =>
        office.PostAsJsonAsync($"/api/v1/credential-applications/{number}/certificates/server-key", new ServerKeyOrder(purpose), WireJson.Options);

    [Fact]
    public async Task Only_the_approver_gets_the_pin_and_the_applicant_collects_the_file_once_and_it_opens_with_that_pin()
    {
        var anonymous = Anonymous();
        var form = await UKeyRig.FormAsync(app);
        var (number, approval, acceptor, approver) = await UKeyRig.ApprovedByTwoAsync(app, anonymous, app.SignInAsync, form);

        // The operator who accepted is not the approver: the PIN is not shown to them.
        var byAcceptor = await IssueAsync(acceptor, number, "person");
        Assert.Equal("application.not_approver", (await byAcceptor.ProblemAsync(HttpStatusCode.Forbidden)).Code);
        Assert.Equal("credential.purpose", Assert.Single((await (await IssueAsync(approver, number, "laptop")).ProblemAsync(HttpStatusCode.BadRequest)).Errors).Code);
        Assert.Equal(0, await app.WithDbAsync(db => db.IssuedCertificates.CountAsync(c => c.ApplicationId == approval.Application.Id)));

        var issued = await IssueAsync(approver, number, null);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = (await issued.Content.ReadFromJsonAsync<IssuedWithServerKey>(WireJson.Options))!;
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$", body.Pin);
        var serial = body.Certificate.SerialNumber;

        // The PIN is stored nowhere: not in the row, not in the audit trail.
        var row = await app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == serial));
        Assert.False(row.KeyFromRequest);
        Assert.Equal((CertificatePurpose.Person, approval.Application.StaffUserId), (row.Purpose, row.StaffUserId));
        Assert.StartsWith("enc:", row.PendingPkcs12Sealed);
        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Select(e => e.Detail ?? "").ToListAsync());
        Assert.DoesNotContain(audit, d => d.Contains(body.Pin, StringComparison.Ordinal));
        Assert.DoesNotContain(body.Pin, row.PendingPkcs12Sealed!, StringComparison.Ordinal);

        // The applicant sees it waiting on the status page, and nothing else personal.
        var status = await anonymous.GetFromJsonAsync<ApplicationStatusView>($"/api/v1/credential-applications/{number}", WireJson.Options);
        Assert.Equal([serial], status!.CollectableSerials);
        Assert.Contains($"下载证书 {serial}", await anonymous.GetStringAsync($"/Credentials/Status?number={number}"));

        var collected = await anonymous.GetAsync($"/api/v1/credential-applications/{number}/certificates/{serial.ToLowerInvariant()}/pkcs12");
        Assert.Equal(HttpStatusCode.OK, collected.StatusCode);
        Assert.Equal("application/x-pkcs12", collected.Content.Headers.ContentType!.MediaType);
        var pkcs12 = await collected.Content.ReadAsByteArrayAsync();

        // A wrong PIN does not open it; the right one does, in .NET and in openssl (PBES2 with AES-256).
        Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadPkcs12(pkcs12, "0000-0000-0000-0000"));
        using (var opened = X509CertificateLoader.LoadPkcs12(pkcs12, body.Pin))
        {
            Assert.True(opened.HasPrivateKey);
            Assert.Equal(serial, opened.SerialNumber);
            Assert.Contains($"CN={UKeyRig.UserName}", opened.Subject);
        }

        Directory.CreateDirectory(work);
        var file = Path.Combine(work, $"{serial}.p12");
        await File.WriteAllBytesAsync(file, pkcs12);
        // openssl writes what -info finds to standard error; the certificate itself comes out of the file with the PIN.
        var info = await UKeyRig.RunAsync("sh", $"-c \"openssl pkcs12 -in {file} -passin pass:{body.Pin} -info -noout 2>&1\"");
        Assert.Contains("PBES2, PBKDF2, AES-256-CBC", info);
        Assert.DoesNotContain("3DES", info);
        var pem = await UKeyRig.RunAsync("openssl", $"pkcs12 -in {file} -passin pass:{body.Pin} -nokeys -clcerts");
        using (var fromOpenssl = X509Certificate2.CreateFromPem(pem))
        {
            Assert.Equal(serial, fromOpenssl.SerialNumber);
        }

        // Once only: the second download is refused, and the file is gone from the database.
        var again = await anonymous.GetAsync($"/api/v1/credential-applications/{number}/certificates/{serial}/pkcs12");
        Assert.Equal("pkcs12.collected", (await again.ProblemAsync(HttpStatusCode.Conflict)).Code);
        var after = await app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == serial));
        Assert.Null(after.PendingPkcs12Sealed);
        Assert.Equal(app.Clock.GetUtcNow(), after.Pkcs12CollectedAt);
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EventCode == (int)AuditEvent.Credential_Pkcs12Collected && e.Target == $"certificate:{serial}")));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EventCode == (int)AuditEvent.Credential_IssuedServerKey && e.Target == $"certificate:{serial}")));
        Assert.Empty((await anonymous.GetFromJsonAsync<ApplicationStatusView>($"/api/v1/credential-applications/{number}", WireJson.Options))!.CollectableSerials!);
    }

    [Fact]
    public async Task A_gateway_key_is_the_units_not_a_persons_and_the_application_closes_at_its_quantity()
    {
        var anonymous = Anonymous();
        var form = await UKeyRig.FormAsync(app) with { Quantity = 2 };
        var (number, approval, _, approver) = await UKeyRig.ApprovedByTwoAsync(app, anonymous, app.SignInAsync, form);

        var gateway = (await (await IssueAsync(approver, number, "gateway")).Content.ReadFromJsonAsync<IssuedWithServerKey>(WireJson.Options))!;
        var row = await app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == gateway.Certificate.SerialNumber));
        Assert.Equal(CertificatePurpose.Gateway, row.Purpose);
        Assert.Null(row.StaffUserId);
        Assert.Contains($"OU={CertificateAuthority.GatewayUnitName}", row.Subject);
        Assert.Equal("前置机", gateway.PurposeLabel);
        Assert.Equal(Core.Credentials.ApplicationState.Approved,
            await app.WithDbAsync(db => db.CredentialApplications.Where(a => a.Number == number).Select(a => a.State).SingleAsync()));

        Assert.Equal(HttpStatusCode.OK, (await IssueAsync(approver, number, "system")).StatusCode);
        Assert.Equal(Core.Credentials.ApplicationState.Issued,
            await app.WithDbAsync(db => db.CredentialApplications.Where(a => a.Number == number).Select(a => a.State).SingleAsync()));
        Assert.Equal("application.state", (await (await IssueAsync(approver, number, "system")).ProblemAsync(HttpStatusCode.Conflict)).Code);
        Assert.Equal(2, await app.WithDbAsync(db => db.IssuedCertificates.CountAsync(c => c.ApplicationId == approval.Application.Id)));

        // A made-up number or a token-made certificate's serial has no file to collect.
        var forged = await anonymous.GetAsync($"/api/v1/credential-applications/UK20261201-0000000000-0/certificates/{row.SerialNumber}/pkcs12");
        Assert.Equal("application.not_found", (await forged.ProblemAsync(HttpStatusCode.NotFound)).Code);
        var (tokenNumber, tokenSerial, _) = await UKeyRig.IssuedAsync(app, await UKeyRig.FormAsync(app), work);
        var tokenMade = await anonymous.GetAsync($"/api/v1/credential-applications/{tokenNumber}/certificates/{tokenSerial}/pkcs12");
        Assert.Equal("certificate.not_found", (await tokenMade.ProblemAsync(HttpStatusCode.NotFound)).Code);
    }
}
