using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Core.Credentials;
using CreditShare.Web.Features.Credentials;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Credentials;

/// <summary>A U-key application from the form to an approved account, the way an agent and two center staff make it, over HTTP.</summary>
public static class UKeyRig
{
    public const string UserName = "张三";

    public static async Task<CredentialApplicationForm> FormAsync(CreditShareApp app, string unit = "source", string? role = null)
    {
        var (name, uscc) = await app.WithDbAsync(db => db.Units.Where(u => u.Id == app.UnitIds[unit]).Select(u => new { u.Name, u.Uscc }).SingleAsync()) is var u
            ? (u.Name, u.Uscc) : default;
        return new CredentialApplicationForm
        {
            OrganisationName = name,
            UnitCode = uscc,
            Address = "银川市金凤区北京中路1号",
            PostalCode = "750002",
            UserName = UserName,
            OfficePhone = "0951-6012345",
            Mobile = "+86 139-5100-1234",
            Email = "zhangsan@example.gov.cn",
            IdType = IdDocumentType.IdCard,
            IdNumber = "640104198503122066",
            Quantity = 1,
            ValidityMonths = 24,
            Delivery = DeliveryMethod.Collect,
            AgentName = "李四",
            AgentDepartment = "办公室",
            AgentPhone = "0951-6012346",
            AgentMobile = "13951001235",
            AgentEmail = "lisi@example.gov.cn",
            AccountName = $"uk{Guid.NewGuid():N}"[..12],
            Roles = [role ?? (unit == "center" ? StaffRoles.Querier : unit == "user" ? StaffRoles.UserUnitQuerier : StaffRoles.Reporter)],
            AcceptedTermsVersion = TermsOfUse.Version,
        };
    }

    public static async Task<string> SubmitAsync(HttpClient anonymous, CredentialApplicationForm form)
    {
        var response = await anonymous.PostAsJsonAsync("/api/v1/credential-applications", form, WireJson.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ApplicationStatusView>(WireJson.Options))!.Number;
    }

    public static readonly byte[] ScanPdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();

    public static async Task<HttpResponseMessage> UploadScanAsync(HttpClient anonymous, string number, byte[] content, string contentType = "application/pdf", string fileName = "scan.pdf")
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new(contentType);
        return await anonymous.PutAsync($"/api/v1/credential-applications/{number}/scan?fileName={fileName}", body);
    }

    public static Task<HttpResponseMessage> AcceptAsync(HttpClient staff, string number, bool agree = true, string? opinion = null) =>
        staff.PostAsJsonAsync($"/api/v1/credential-applications/{number}/acceptance", new ReviewDecision(agree, opinion), WireJson.Options);

    public static Task<HttpResponseMessage> ApproveAsync(HttpClient staff, string number, bool agree = true, string? opinion = null) =>
        staff.PostAsJsonAsync($"/api/v1/credential-applications/{number}/approval", new ReviewDecision(agree, opinion), WireJson.Options);

    /// <summary>Submitted, scan uploaded, accepted by one operator and approved by another: ready for a certificate request.</summary>
    public static async Task<(string Number, ApprovalResult Approval, HttpClient Operator)> ApprovedAsync(CreditShareApp app, HttpClient anonymous,
        Func<TestStaff, Task<HttpClient>> signIn, CredentialApplicationForm form)
    {
        var (number, approval, first, _) = await ApprovedByTwoAsync(app, anonymous, signIn, form);
        return (number, approval, first);
    }

    /// <summary>As <see cref="ApprovedAsync"/>, with both reviewers' clients: the operator who accepted and the one who approved.</summary>
    public static async Task<(string Number, ApprovalResult Approval, HttpClient Operator, HttpClient Approver)> ApprovedByTwoAsync(CreditShareApp app,
        HttpClient anonymous, Func<TestStaff, Task<HttpClient>> signIn, CredentialApplicationForm form)
    {
        var number = await SubmitAsync(anonymous, form);
        Assert.Equal(HttpStatusCode.OK, (await UploadScanAsync(anonymous, number, ScanPdf)).StatusCode);
        var first = SameSite(await signIn(await app.CreateStaffAsync(StaffRoles.CertificateOperator)));
        var second = SameSite(await signIn(await app.CreateStaffAsync(StaffRoles.SecurityAdmin)));
        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(first, number)).StatusCode);
        var approved = await ApproveAsync(second, number);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        return (number, (await approved.Content.ReadFromJsonAsync<ApprovalResult>(WireJson.Options))!, first, second);
    }

    /// <summary>A U-key issued through the whole flow to <paramref name="form"/>'s account, from an openssl request; its serial.</summary>
    public static async Task<(string Number, string Serial, ApprovalResult Approval)> IssuedAsync(CreditShareApp app, CredentialApplicationForm form, string work,
        string holder = UserName)
    {
        var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var (number, approval, operatorClient) = await ApprovedAsync(app, anonymous, app.SignInAsync, form with { UserName = holder });
        var (csr, _) = await OpenSslRequestAsync(work, $"/C=CN/O={form.OrganisationName}/CN={holder}");
        var issued = await operatorClient.PostAsJsonAsync($"/api/v1/credential-applications/{number}/certificates", new CertificateFromRequest(csr), WireJson.Options);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = (await issued.Content.ReadFromJsonAsync<IssuedFromRequest>(WireJson.Options))!;
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(body.CertificatePem);
        return (number, certificate.SerialNumber, approval);
    }

    /// <summary>Like a browser, the client says which site its API calls come from (the in-memory browser does already).</summary>
    public static HttpClient SameSite(HttpClient client)
    {
        if (!client.DefaultRequestHeaders.Contains("Origin"))
        {
            client.DefaultRequestHeaders.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));
        }

        return client;
    }

    /// <summary>A key pair and PKCS#10 request made by openssl, as a token's middleware would: the key stays in <paramref name="directory"/>.</summary>
    public static async Task<(string Csr, string KeyPath)> OpenSslRequestAsync(string directory, string subject, string key = "rsa:2048")
    {
        Directory.CreateDirectory(directory);
        var keyPath = Path.Combine(directory, $"{Guid.NewGuid():N}.key");
        var csrPath = keyPath + ".csr";
        var args = key.StartsWith("ec:", StringComparison.Ordinal)
            ? $"req -new -newkey ec -pkeyopt ec_paramgen_curve:{key[3..]} -nodes -keyout {keyPath} -out {csrPath} -subj \"{subject}\" -utf8"
            : $"req -new -newkey {key} -nodes -keyout {keyPath} -out {csrPath} -subj \"{subject}\" -utf8";
        await RunAsync("openssl", args);
        return (await File.ReadAllTextAsync(csrPath), keyPath);
    }

    public static async Task<string> RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {arguments}: {await error}");
        return await output;
    }
}
