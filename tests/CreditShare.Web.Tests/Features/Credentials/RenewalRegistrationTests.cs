using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Core.Credentials;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Credentials;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Credentials;

/// <summary>
/// 附4: a unit's staff register the unit's U-keys that are due, the sealed form is uploaded and 受理d, and each renewal
/// (a new request signed with the old key) closes its line; the last one closes the registration.
/// </summary>
public class RenewalRegistrationTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private HttpClient Anonymous() => app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A U-key made the token's way (the key stays here) for a new account of <paramref name="unit"/>, ending in <paramref name="daysLeft"/> days.</summary>
    private async Task<(string Account, X509Certificate2 Certificate)> UKeyAsync(string holder, int daysLeft, string unit = "source")
    {
        var form = await UKeyRig.FormAsync(app, unit) with { UserName = holder };
        var (number, _, _, approver) = await UKeyRig.ApprovedByTwoAsync(app, Anonymous(), app.SignInAsync, form);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = PemEncoding.WriteString("CERTIFICATE REQUEST",
            new CertificateRequest($"CN={holder}, O={form.OrganisationName}", key, HashAlgorithmName.SHA256).CreateSigningRequest());
        var issued = await approver.PostAsJsonAsync($"/api/v1/credential-applications/{number}/certificates", new CertificateFromRequest(csr), WireJson.Options);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        using var certificate = X509Certificate2.CreateFromPem((await issued.Content.ReadFromJsonAsync<IssuedFromRequest>(WireJson.Options))!.CertificatePem);
        var serial = certificate.SerialNumber;
        var end = app.Clock.GetUtcNow().AddDays(daysLeft);
        await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == serial).ExecuteUpdateAsync(u => u.SetProperty(c => c.NotAfter, end)));
        return (form.AccountName, certificate.CopyWithPrivateKey(key));
    }

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, params RenewalRegistrationLine[] lines) =>
        client.PostAsJsonAsync("/api/v1/certificate-renewals", new RenewalRegistrationForm { Lines = lines }, WireJson.Options);

    private async Task<HttpClient> UnitStaffAsync(string unit = "source") =>
        UKeyRig.SameSite(await app.SignInAsync(await app.CreateStaffAsync(unit == "user" ? StaffRoles.UserUnitQuerier : StaffRoles.Reporter, unit)));

    [Fact]
    public async Task A_unit_registers_its_due_u_keys_the_center_accepts_and_each_renewal_closes_its_line()
    {
        var (first, firstKey) = await UKeyAsync("王芳", 20);
        var (second, secondKey) = await UKeyAsync("刘洋", 45);
        using var _ = firstKey;
        using var __ = secondKey;
        var staff = await UnitStaffAsync();

        var renewable = await staff.GetFromJsonAsync<List<RenewableUKey>>("/api/v1/certificate-renewals/renewable", WireJson.Options);
        Assert.Contains(renewable!, k => k.AccountName == first && k.HolderName == "王芳" && k.SerialNumber == firstKey.SerialNumber);

        var response = await RegisterAsync(staff,
            new RenewalRegistrationLine { AccountName = first, UserName = "王芳", Phone = "+86 139-5100-7788" },
            new RenewalRegistrationLine { AccountName = second.ToUpperInvariant(), UserName = "刘 洋", Phone = "0951－6012345", Remarks = "更换新电脑" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var registration = (await response.Content.ReadFromJsonAsync<RenewalRegistrationView>(WireJson.Options))!;
        Assert.Matches("^GH[0-9]{8}-", registration.Number);
        Assert.Equal([1, 2], registration.Lines.Select(l => l.Sequence));
        Assert.Equal(("13951007788", "0951-6012345"), (registration.Lines[0].Phone, registration.Lines[1].Phone));
        Assert.Equal(second, registration.Lines[1].AccountName);

        // Sealed at rest, like an application's personal fields.
        var stored = await app.WithDbAsync(db => db.RenewalRegistrationEntries.AsNoTracking().Where(l => l.CertificateSerial == firstKey.SerialNumber).SingleAsync());
        Assert.StartsWith("enc:", stored.PhoneSealed);
        Assert.StartsWith("enc:", stored.UserNameSealed);

        // The same U-key twice is refused while the first registration is open.
        var twice = await RegisterAsync(staff, new RenewalRegistrationLine { AccountName = first, UserName = "王芳", Phone = "13951007788" });
        Assert.Equal("renewal_registration.already_registered", Assert.Single((await twice.ProblemAsync(HttpStatusCode.BadRequest)).Errors).Code);

        var pdf = await staff.GetAsync($"/api/v1/certificate-renewals/{registration.Number}/form.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal(1, PdfSharp.Pdf.IO.PdfReader.Open(await pdf.Content.ReadAsStreamAsync(), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import).PageCount);

        // Another unit's staff are told it does not exist; not before the scan does the center accept it.
        var foreign = await UnitStaffAsync("user");
        Assert.Equal(HttpStatusCode.NotFound, (await foreign.GetAsync($"/api/v1/certificate-renewals/{registration.Number}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await foreign.GetAsync($"/api/v1/certificate-renewals/{registration.Number}/form.pdf")).StatusCode);
        var office = UKeyRig.SameSite(await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.CertificateOperator)));
        var early = await office.PostAsJsonAsync($"/api/v1/certificate-renewals/{registration.Number}/acceptance", new ReviewDecision(true, null), WireJson.Options);
        Assert.Equal("renewal_registration.state", (await early.ProblemAsync(HttpStatusCode.Conflict)).Code);

        var body = new ByteArrayContent(UKeyRig.ScanPdf);
        body.Headers.ContentType = new("application/pdf");
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsync($"/api/v1/certificate-renewals/{registration.Number}/scan?fileName=fu4.pdf", body)).StatusCode);
        var notPdf = new ByteArrayContent("<html>not a scan</html>"u8.ToArray());
        notPdf.Headers.ContentType = new("application/pdf");
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PutAsync($"/api/v1/certificate-renewals/{registration.Number}/scan", notPdf)).StatusCode);

        // The sender does not accept their own registration; refusing without a reason is not a decision.
        var own = await staff.PostAsJsonAsync($"/api/v1/certificate-renewals/{registration.Number}/acceptance", new ReviewDecision(true, null), WireJson.Options);
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        var bare = await office.PostAsJsonAsync($"/api/v1/certificate-renewals/{registration.Number}/acceptance", new ReviewDecision(false, " "), WireJson.Options);
        Assert.Equal("application.opinion_required", Assert.Single((await bare.ProblemAsync(HttpStatusCode.BadRequest)).Errors).Code);
        var accepted = await office.PostAsJsonAsync($"/api/v1/certificate-renewals/{registration.Number}/acceptance", new ReviewDecision(true, null), WireJson.Options);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("accepted", (await accepted.Content.ReadFromJsonAsync<RenewalRegistrationView>(WireJson.Options))!.State);

        // Each renewal (the token's new request, signed with the old key) closes its line; the last closes the registration.
        await RenewAsync(office, firstKey, "王芳");
        var half = await office.GetFromJsonAsync<RenewalRegistrationView>($"/api/v1/certificate-renewals/{registration.Number}", WireJson.Options);
        Assert.Equal("accepted", half!.State);
        Assert.NotNull(half.Lines[0].RenewedSerial);
        Assert.Null(half.Lines[1].RenewedSerial);
        await RenewAsync(office, secondKey, "刘洋");
        var done = await office.GetFromJsonAsync<RenewalRegistrationView>($"/api/v1/certificate-renewals/{registration.Number}", WireJson.Options);
        Assert.Equal("completed", done!.State);
        Assert.Equal(app.Clock.GetUtcNow(), done.CompletedAt);

        var events = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"renewal_registration:{registration.Number}").Select(e => e.EventCode).ToListAsync());
        Assert.Contains((int)AuditEvent.Credential_RenewalRegistered, events);
        Assert.Contains((int)AuditEvent.Credential_RenewalScanUploaded, events);
        Assert.Contains((int)AuditEvent.Credential_RenewalRegistrationAccepted, events);
        Assert.Contains((int)AuditEvent.Credential_ReviewRefused, events);
    }

    [Fact]
    public async Task Lines_naming_no_due_u_key_of_the_unit_are_refused_each_with_its_reason_and_nothing_is_stored()
    {
        var (due, dueKey) = await UKeyAsync("赵磊", 10);
        var (later, laterKey) = await UKeyAsync("孙丽", 200);
        var (foreignAccount, foreignKey) = await UKeyAsync("周强", 10, unit: "user");
        using var _ = dueKey;
        using var __ = laterKey;
        using var ___ = foreignKey;
        var staff = await UnitStaffAsync();
        var before = await app.WithDbAsync(db => db.RenewalRegistrations.CountAsync());

        var response = await RegisterAsync(staff,
            new RenewalRegistrationLine { AccountName = due, UserName = "另一人", Phone = "13951007788" },
            new RenewalRegistrationLine { AccountName = later, UserName = "孙丽", Phone = "13951007789" },
            new RenewalRegistrationLine { AccountName = foreignAccount, UserName = "周强", Phone = "13951007790" },
            new RenewalRegistrationLine { AccountName = "nosuchaccount", UserName = "某人", Phone = "13951007791" },
            new RenewalRegistrationLine { Sequence = 1, AccountName = due, UserName = "赵磊", Phone = "12" });
        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest)).Errors.ToDictionary(e => e.Field, e => e.Code);
        Assert.Equal("renewal_registration.holder_changed", errors["lines[0].userName"]);
        Assert.Equal("renewal_registration.not_due", errors["lines[1].accountName"]);
        // Another unit's account and no account at all get the same answer.
        Assert.Equal("renewal_registration.account_unknown", errors["lines[2].accountName"]);
        Assert.Equal("renewal_registration.account_unknown", errors["lines[3].accountName"]);
        Assert.Equal("renewal_registration.sequence_twice", errors["lines[4].sequence"]);
        Assert.Equal("renewal_registration.account_twice", errors["lines[4].accountName"]);
        Assert.Equal("application.phone", errors["lines[4].phone"]);
        Assert.Equal(before, await app.WithDbAsync(db => db.RenewalRegistrations.CountAsync()));

        Assert.Equal("renewal_registration.empty", Assert.Single((await (await RegisterAsync(staff)).ProblemAsync(HttpStatusCode.BadRequest)).Errors).Code);
        // Only a person of a unit registers: the 附4 is the unit's.
        Assert.Equal(HttpStatusCode.Unauthorized, (await RegisterAsync(Anonymous(), new RenewalRegistrationLine { AccountName = due, UserName = "赵磊", Phone = "13951007788" })).StatusCode);
    }

    [Fact]
    public async Task Two_renewals_of_one_u_key_at_once_issue_one_certificate()
    {
        var (_, old) = await UKeyAsync("钱进", 15);
        using var __ = old;
        var office = UKeyRig.SameSite(await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.CertificateOperator)));
        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RenewalResponseAsync(office, old, "钱进")));
        Assert.Equal(1, attempts.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(attempts.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Single(await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.ReplacesSerial == old.SerialNumber).ToListAsync()));
    }

    private static async Task RenewAsync(HttpClient office, X509Certificate2 old, string holder) =>
        Assert.Equal(HttpStatusCode.OK, (await RenewalResponseAsync(office, old, holder)).StatusCode);

    private static async Task<HttpResponseMessage> RenewalResponseAsync(HttpClient office, X509Certificate2 old, string holder)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest($"CN={holder}", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        var body = new RenewalRequest(PemEncoding.WriteString("CERTIFICATE REQUEST", der), Convert.ToBase64String(RenewalProof.Sign(old, der)), old.ExportCertificatePem());
        return await office.PostAsJsonAsync($"/api/v1/certificates/{old.SerialNumber}/renewal", body, WireJson.Options);
    }
}
