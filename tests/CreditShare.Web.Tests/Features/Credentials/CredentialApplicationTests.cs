using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Credentials;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Credentials;

/// <summary>附1 + 附2 from the agent's form to a certificate signed from an openssl request, and every refusal on the way.</summary>
public class CredentialApplicationTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private readonly string work = Path.Combine(Path.GetTempPath(), $"creditshare-ukey-{Guid.NewGuid():N}");

    private HttpClient Anonymous() => app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task An_agent_without_an_account_applies_and_two_people_approve_and_a_token_request_is_signed()
    {
        var anonymous = Anonymous();
        var form = await UKeyRig.FormAsync(app);
        var (number, approval, operatorClient) = await UKeyRig.ApprovedAsync(app, anonymous, app.SignInAsync, form);
        Assert.NotNull(approval.InitialPassword);
        Assert.Equal("approved", approval.Application.State);

        // The status by number shows no personal data.
        var status = await anonymous.GetStringAsync($"/api/v1/credential-applications/{number}");
        Assert.DoesNotContain("张三", status);
        Assert.DoesNotContain("13951001234", status);

        // Personal fields are sealed at rest, and the mobile was normalised from "+86 139-5100-1234".
        var stored = await app.WithDbAsync(db => db.CredentialApplications.AsNoTracking().SingleAsync(a => a.Number == number));
        Assert.StartsWith("enc:", stored.IdNumberSealed);
        Assert.StartsWith("enc:", stored.MobileSealed);
        Assert.Equal("13951001234", approval.Application.Form.Mobile);

        // The account exists with the role asked for, in the applying unit.
        var roles = await app.WithDbAsync(db => db.UserRoles.Where(r => r.UserId == approval.Application.StaffUserId)
            .Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync());
        Assert.Equal([StaffRoles.Reporter], roles);

        var (csr, _) = await UKeyRig.OpenSslRequestAsync(work, $"/C=CN/O={form.OrganisationName}/CN={UKeyRig.UserName}");
        var issued = await operatorClient.PostAsJsonAsync($"/api/v1/credential-applications/{number}/certificates", new CertificateFromRequest(csr), WireJson.Options);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = (await issued.Content.ReadFromJsonAsync<IssuedFromRequest>(WireJson.Options))!;
        using var certificate = X509Certificate2.CreateFromPem(body.CertificatePem);
        Assert.Contains("CN=张三", certificate.Subject);
        Assert.Contains(form.OrganisationName, certificate.Subject);
        Assert.Equal(24, body.Certificate.ValidityMonths);

        var record = await app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == certificate.SerialNumber));
        Assert.Equal(CertificatePurpose.Person, record.Purpose);
        Assert.Equal(approval.Application.StaffUserId, record.StaffUserId);
        Assert.True(record.KeyFromRequest);
        var state = await app.WithDbAsync(db => db.CredentialApplications.Where(a => a.Number == number).Select(a => a.State).SingleAsync());
        Assert.Equal(Core.Credentials.ApplicationState.Issued, state);

        var events = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"application:{number}").Select(e => e.EventCode).ToListAsync());
        Assert.Contains((int)AuditEvent.Credential_ApplicationSubmitted, events);
        Assert.Contains((int)AuditEvent.Credential_ScanUploaded, events);
        Assert.Contains((int)AuditEvent.Credential_ApplicationAccepted, events);
        Assert.Contains((int)AuditEvent.Credential_ApplicationApproved, events);
        Assert.Contains((int)AuditEvent.Credential_TermsAccepted, events);
    }

    [Fact]
    public async Task The_two_person_rule_holds_against_the_same_operator_and_the_applying_unit()
    {
        var anonymous = Anonymous();
        var number = await UKeyRig.SubmitAsync(anonymous, await UKeyRig.FormAsync(app));
        var one = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.CertificateOperator));

        // Not before the scan is there.
        Assert.Equal("application.state", (await (await UKeyRig.AcceptAsync(one, number)).ProblemAsync(HttpStatusCode.Conflict)).Code);
        Assert.Equal(HttpStatusCode.OK, (await UKeyRig.UploadScanAsync(anonymous, number, UKeyRig.ScanPdf)).StatusCode);

        // A 安全管理员 may 审核 but not 受理.
        var security = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        Assert.Equal("application.not_operator", (await (await UKeyRig.AcceptAsync(security, number)).ProblemAsync(HttpStatusCode.Forbidden)).Code);

        Assert.Equal(HttpStatusCode.OK, (await UKeyRig.AcceptAsync(one, number)).StatusCode);
        Assert.Equal("application.same_person", (await (await UKeyRig.ApproveAsync(one, number)).ProblemAsync(HttpStatusCode.Forbidden)).Code);

        // Staff of other duties cannot reach the office at all.
        var reporter = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source"));
        Assert.Equal(HttpStatusCode.Forbidden, (await UKeyRig.ApproveAsync(reporter, number)).StatusCode);

        // The center applying for its own staff: its own operators may not take it.
        var own = await UKeyRig.SubmitAsync(anonymous, await UKeyRig.FormAsync(app, unit: "center"));
        Assert.Equal(HttpStatusCode.OK, (await UKeyRig.UploadScanAsync(anonymous, own, UKeyRig.ScanPdf)).StatusCode);
        Assert.Equal("application.own_unit", (await (await UKeyRig.AcceptAsync(one, own)).ProblemAsync(HttpStatusCode.Forbidden)).Code);

        var refusals = await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EventCode == (int)AuditEvent.Credential_ReviewRefused));
        Assert.True(refusals >= 3);
        Assert.Equal(Core.Credentials.ApplicationState.Accepted,
            await app.WithDbAsync(db => db.CredentialApplications.Where(a => a.Number == number).Select(a => a.State).SingleAsync()));
    }

    [Fact]
    public async Task A_refusal_needs_its_reason_and_ends_the_application()
    {
        var anonymous = Anonymous();
        var number = await UKeyRig.SubmitAsync(anonymous, await UKeyRig.FormAsync(app));
        await UKeyRig.UploadScanAsync(anonymous, number, UKeyRig.ScanPdf);
        var one = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.CertificateOperator));
        var problem = await (await UKeyRig.AcceptAsync(one, number, agree: false)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.FieldErrors(), e => e.Code == "application.opinion_required");
        Assert.Equal(HttpStatusCode.OK, (await UKeyRig.AcceptAsync(one, number, agree: false, opinion: "扫描件未加盖公章")).StatusCode);
        var status = await anonymous.GetFromJsonAsync<ApplicationStatusView>($"/api/v1/credential-applications/{number}", WireJson.Options);
        Assert.Equal("refused", status!.State);
        Assert.Equal("扫描件未加盖公章", status.Opinion);
    }

    [Fact]
    public async Task Bad_requests_forged_numbers_and_scans_that_are_not_documents_issue_nothing()
    {
        var anonymous = Anonymous();
        var form = await UKeyRig.FormAsync(app);
        var (number, _, operatorClient) = await UKeyRig.ApprovedAsync(app, anonymous, app.SignInAsync, form);

        async Task<string> RefusedAsync(string csr) =>
            (await (await operatorClient.PostAsJsonAsync($"/api/v1/credential-applications/{number}/certificates", new CertificateFromRequest(csr), WireJson.Options))
                .ProblemAsync(HttpStatusCode.BadRequest)).Errors.Single().Code;

        var (otherName, _) = await UKeyRig.OpenSslRequestAsync(work, $"/C=CN/O={form.OrganisationName}/CN=王五");
        Assert.Equal("csr.subject", await RefusedAsync(otherName));
        var (otherOrg, _) = await UKeyRig.OpenSslRequestAsync(work, $"/C=CN/O=别的单位/CN={UKeyRig.UserName}");
        Assert.Equal("csr.subject", await RefusedAsync(otherOrg));
        var (weak, _) = await UKeyRig.OpenSslRequestAsync(work, $"/CN={UKeyRig.UserName}", "rsa:1024");
        Assert.Equal("csr.weak_key", await RefusedAsync(weak));
        var (good, _) = await UKeyRig.OpenSslRequestAsync(work, $"/CN={UKeyRig.UserName}", "ec:prime256v1");
        Assert.Equal("csr.signature", await RefusedAsync(Tamper(good)));
        Assert.Equal("csr.format", await RefusedAsync("not a request"));
        Assert.Equal(0, await app.WithDbAsync(db => db.IssuedCertificates.CountAsync(c => c.ApplicationId != null
            && db.CredentialApplications.Any(a => a.Id == c.ApplicationId && a.Number == number))));

        // A made-up number, and one with a wrong check character, are not found; a scan must be a PDF or an image.
        Assert.Equal("application.not_found", (await (await anonymous.GetAsync("/api/v1/credential-applications/UK20261201-0000000000-0")).ProblemAsync(HttpStatusCode.NotFound)).Code);
        var forged = number[..^1] + (number[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/credential-applications/{forged}")).StatusCode);
        var fresh = await UKeyRig.SubmitAsync(anonymous, await UKeyRig.FormAsync(app));
        var notPdf = await (await UKeyRig.UploadScanAsync(anonymous, fresh, "<html>hello</html>"u8.ToArray(), "application/pdf", "scan.pdf")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("attachment.content_mismatch", notPdf.Errors.Single().Code);
        var exe = await (await UKeyRig.UploadScanAsync(anonymous, fresh, "MZ\x90\0"u8.ToArray(), "application/octet-stream", "scan.exe")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("attachment.type", exe.Errors.Single().Code);
    }

    [Fact]
    public async Task An_incomplete_form_is_refused_field_by_field_in_Chinese()
    {
        var form = await UKeyRig.FormAsync(app) with { PostalCode = "7500", Mobile = "1234", IdNumber = "640104198503122067", ValidityMonths = 36, AcceptedTermsVersion = null };
        var response = await Anonymous().PostAsJsonAsync("/api/v1/credential-applications", form, WireJson.Options);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var codes = problem.FieldErrors().ToList();
        Assert.Contains(("postalCode", "application.postal_code"), codes);
        Assert.Contains(("mobile", "application.mobile"), codes);
        Assert.Contains(("idNumber", "id_number.check_digit"), codes);
        Assert.Contains(("validityMonths", "application.validity"), codes);
        Assert.Contains(("acceptTerms", "application.terms"), codes);
        Assert.All(problem.Errors, e => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", e.Message));
        Assert.Equal(0, await app.WithDbAsync(db => db.CredentialApplications.CountAsync(a => a.AccountName == form.AccountName)));
    }

    [Fact]
    public async Task The_forms_download_as_a_two_page_pdf_with_the_number()
    {
        var anonymous = Anonymous();
        var number = await UKeyRig.SubmitAsync(anonymous, await UKeyRig.FormAsync(app));
        var pdf = await anonymous.GetAsync($"/api/v1/credential-applications/{number}/forms.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync())[..5]);
    }

    private static string Tamper(string pem)
    {
        var der = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        der[^5] ^= 0x01; // inside the signature
        return new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", der));
    }
}
