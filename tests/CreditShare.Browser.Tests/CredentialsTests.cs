using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Credentials;
using CreditShare.Web.Tests.Features.Credentials;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CreditShare.Browser.Tests;

/// <summary>The console over real mutual TLS where 查询员 must sign in with their U-key (as in UKeySignInTests), in Chromium.</summary>
public sealed class UKeyBrowserFixture() : BrowserFixture(new UKeyConsoleApp());

/// <summary>
/// A U-key application as its agent and two center staff make it in Chromium: 附1 and 附2 filled in by their labels,
/// the forms PDF, the scan, 受理 by one person and 审核 by another; then sign-in with the certificate in the TLS handshake.
/// </summary>
public class CredentialsTests(UKeyBrowserFixture fixture) : IClassFixture<UKeyBrowserFixture>
{
    private readonly string work = Directory.CreateTempSubdirectory("creditshare-browser-ukey-").FullName;

    [Fact]
    public async Task An_agent_applies_in_the_browser_and_an_operator_and_a_security_administrator_approve()
    {
        var app = fixture.App;
        var form = await UKeyRig.FormAsync(app);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/Credentials/Apply");

        // 附1 §1 and §2, then 附2, by the labels a person reads, each within its section.
        var applicant = page.Locator("#apply-form .grid").Nth(0);
        var request = page.Locator("#apply-form .grid").Nth(1);
        var agent = page.Locator("#apply-form .grid").Nth(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "附2 经办人授权书（被授权人信息）" })).ToBeVisibleAsync();
        await Label(applicant, "机构名称").FillAsync(form.OrganisationName);
        await Label(applicant, "统一社会信用代码").FillAsync(form.UnitCode);
        await Label(applicant, "通信地址").FillAsync(form.Address);
        await Label(applicant, "邮政编码").FillAsync(form.PostalCode);
        await Label(applicant, "使用人姓名").FillAsync(form.UserName);
        await Label(applicant, "办公电话").FillAsync(form.OfficePhone);
        await Label(applicant, "手机").FillAsync(form.Mobile);
        await Label(applicant, "电子邮箱").FillAsync(form.Email);
        await Label(applicant, "身份证").CheckAsync();
        await Label(applicant, "证件号码").FillAsync(form.IdNumber);
        await Label(request, "申请数量（个）").FillAsync("1");
        await Label(request, "24个月").CheckAsync();
        await Label(request, "现场领取（经办人携带本人身份证）").CheckAsync();
        await Label(request, "申请的登录账号").FillAsync(form.AccountName);
        await Label(request, StaffRoles.Reporter).CheckAsync();
        await Label(agent, "经办人姓名").FillAsync(form.AgentName);
        await Label(agent, "所在部门").FillAsync(form.AgentDepartment);
        await Label(agent, "经办人联系电话").FillAsync(form.AgentPhone);
        await Label(agent, "经办人手机").FillAsync(form.AgentMobile);
        await Label(agent, "经办人电子邮箱").FillAsync(form.AgentEmail);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)"); // the form from its heading, for the screenshot
        await BrowserFixture.ScreenshotAsync(page, "ukey-apply");

        // Without the terms it is refused next to the box, in Chinese, and nothing is stored.
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-valmsg-for='Input.AcceptTerms']")).ToHaveTextAsync("请阅读并接受平台使用条款");
        Assert.Equal(0, await app.WithDbAsync(db => db.CredentialApplications.CountAsync(a => a.AccountName == form.AccountName)));

        await page.GetByLabel("本单位已阅读并接受上述使用条款").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/Credentials/Status"));
        var number = (await page.Locator("#application-number").InnerTextAsync()).Trim();
        Assert.Matches(@"^UK20260615-[0-9A-Z]{10}-[0-9A-Z]$", number); // dated by the platform's clock (Beijing day)
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("待上传盖章扫描件");

        // The filled-in forms: a two-page PDF that names the application.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "下载已填好的附1、附2（PDF）" }).ClickAsync());
        Assert.Contains(number, download.SuggestedFilename);
        var pdfPath = await download.PathAsync();
        var pdf = await File.ReadAllBytesAsync(pdfPath);
        Assert.Equal("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5));
        using (var opened = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(pdf), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import))
        {
            Assert.Equal(2, opened.PageCount);
            Assert.Contains(number, opened.Info.Title);
        }

        // A file that is not what it says is refused next to the upload field.
        var scanField = page.GetByLabel("上传签字盖章后的扫描件（PDF、PNG 或 JPEG，不超过 10 MB）");
        await scanField.SetInputFilesAsync(new FilePayload { Name = "scan.pdf", MimeType = "application/pdf", Buffer = "<html>hello</html>"u8.ToArray() });
        await page.GetByRole(AriaRole.Button, new() { Name = "上传", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#scan-error")).ToContainTextAsync("scan.pdf");
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("待上传盖章扫描件");

        // The printed, signed and sealed forms come back as a scan: here the downloaded PDF itself.
        await scanField.SetInputFilesAsync(new FilePayload { Name = "附1附2扫描件.pdf", MimeType = "application/pdf", Buffer = pdf });
        await page.GetByRole(AriaRole.Button, new() { Name = "上传", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToHaveTextAsync("扫描件已上传，等待社会信用服务中心受理");
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("待受理");
        await BrowserFixture.ScreenshotAsync(page, "ukey-status");

        // 受理 by a 证书业务操作员, from the office's list.
        var operatorPage = await fixture.SignedInAsync(StaffRoles.CertificateOperator);
        await operatorPage.GotoAsync("/Credentials");
        await operatorPage.GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
        await Assertions.Expect(operatorPage.Locator("#application")).ToContainTextAsync(form.UserName);
        await Assertions.Expect(operatorPage.Locator("#application")).ToContainTextAsync("已上传");
        await operatorPage.GetByRole(AriaRole.Button, new() { Name = "同意", Exact = true }).ClickAsync();
        await Assertions.Expect(operatorPage.Locator("#notice")).ToHaveTextAsync("已受理（同意），等待另一人审核");
        await Assertions.Expect(operatorPage.Locator("#state")).ToHaveTextAsync("已受理，待审核");

        // The same person cannot also 审核: refused with the reason on the page, and the state does not move.
        await operatorPage.GetByRole(AriaRole.Button, new() { Name = "审核通过" }).ClickAsync();
        await Assertions.Expect(operatorPage.Locator("#application-errors")).ToContainTextAsync("受理与审核须由两个不同的人完成");
        await Assertions.Expect(operatorPage.Locator("#state")).ToHaveTextAsync("已受理，待审核");
        await Assertions.Expect(operatorPage.Locator("#initial-password")).ToHaveCountAsync(0);

        // 审核 by a 安全管理员: the account opens and its initial password shows once.
        var securityPage = await fixture.SignedInAsync(StaffRoles.SecurityAdmin);
        await securityPage.GotoAsync($"/Credentials/Application?number={number}");
        await securityPage.GetByLabel("审核意见（驳回时必填）").FillAsync("材料齐全，同意开通");
        await securityPage.GetByRole(AriaRole.Button, new() { Name = "审核通过" }).ClickAsync();
        await Assertions.Expect(securityPage.Locator("#notice")).ToHaveTextAsync("审核通过，账号已开通");
        await Assertions.Expect(securityPage.Locator("#initial-password")).ToHaveTextAsync(new Regex(@"^\S{12,}$"));
        await Assertions.Expect(securityPage.Locator("#state")).ToHaveTextAsync("审核通过，待签发");

        // The agent sees it by number, in Chinese, with the times of both steps.
        await page.GotoAsync($"/Credentials/Status?number={number}");
        await Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("审核通过，待签发");
        await Assertions.Expect(page.Locator("#application-status")).ToContainTextAsync("审核时间");
        await Assertions.Expect(page.Locator("#scan-form")).ToHaveCountAsync(0);

        await securityPage.GotoAsync("/Credentials");
        await Assertions.Expect(securityPage.Locator($"#applications tr[data-number='{number}']")).ToContainTextAsync("审核通过，待签发");
        await BrowserFixture.ScreenshotAsync(securityPage, "ukey-console");

        var events = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"application:{number}").Select(e => e.EventCode).ToListAsync());
        Assert.Contains((int)AuditEvent.Credential_ScanUploaded, events);
        Assert.Contains((int)AuditEvent.Credential_ApplicationAccepted, events);
        Assert.Contains((int)AuditEvent.Credential_ReviewRefused, events);
        Assert.Contains((int)AuditEvent.Credential_ApplicationApproved, events);
    }

    [Fact]
    public async Task The_password_and_the_U_key_certificate_sign_in_in_chromium_and_another_accounts_certificate_is_refused()
    {
        var app = fixture.App;
        var holder = await HolderAsync();
        var other = await HolderAsync();

        // The certificate and its key as files, as Chromium's profile would hold them (a token's middleware, here openssl).
        var page = await fixture.NewPageAsync(clientCertificate: new ClientCertificate { CertPath = holder.CertificatePath, KeyPath = holder.KeyPath });
        await page.GotoAsync("/SignIn");
        await page.GetByLabel("用户名").FillAsync(holder.Account);
        await page.GetByLabel("密码").FillAsync(holder.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();

        // Signed in by password + certificate: straight to the first-sign-in password change, never to the code.
        await page.WaitForURLAsync(new Regex("/SignIn/ChangePassword"));
        await Assertions.Expect(page.GetByText("这是首次登录")).ToBeVisibleAsync();
        var detail = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.EventCode == (int)AuditEvent.SignIn_Succeeded && e.Account == holder.Account)
            .Select(e => e.Detail).SingleAsync());
        Assert.Equal("factors=pwd+x509", detail);

        await page.GetByLabel("当前密码").FillAsync(holder.Password);
        await page.GetByLabel("新密码", new() { Exact = true }).FillAsync("Ukey-Browser-2026!");
        await page.GetByLabel("确认新密码").FillAsync("Ukey-Browser-2026!");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        // Then the terms of use (art. 4, 23), as at every account's first sign-in.
        await page.WaitForURLAsync(new Regex("/SignIn/Terms"));
        await page.GetByLabel("我已阅读并接受上述使用条款").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "接受并继续" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("欢迎") })).ToBeVisibleAsync();

        // The first holder's U-key in the second holder's sign-in: refused with the reason, no fallback to the code.
        var wrong = await fixture.NewPageAsync(clientCertificate: new ClientCertificate { CertPath = holder.CertificatePath, KeyPath = holder.KeyPath });
        await wrong.GotoAsync("/SignIn");
        await wrong.GetByLabel("用户名").FillAsync(other.Account);
        await wrong.GetByLabel("密码").FillAsync(other.Password);
        await wrong.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await Assertions.Expect(wrong.GetByRole(AriaRole.Alert)).ToContainTextAsync("所插入的U-key证书不属于该账号");
        Assert.EndsWith("/SignIn", new Uri(wrong.Url).AbsolutePath);
        Assert.Equal("other_account", await app.WithDbAsync(db => db.AuditEntries
            .Where(e => e.EventCode == (int)AuditEvent.SignIn_CertificateRefused && e.Account == other.Account).Select(e => e.Detail).SingleAsync()));

        // Without a certificate the same password only reaches the code step: it was the certificate that counted above.
        var plain = await fixture.NewPageAsync();
        await plain.GotoAsync("/SignIn");
        await plain.GetByLabel("用户名").FillAsync(other.Account);
        await plain.GetByLabel("密码").FillAsync(other.Password);
        await plain.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await plain.WaitForURLAsync(new Regex("/SignIn/(SecondFactor|Enrol)"));
        Assert.Equal(0, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EventCode == (int)AuditEvent.SignIn_Succeeded && e.Account == other.Account)));
    }

    /// <summary>A label as a person reads it: the whole text, within one section of the form.</summary>
    private static ILocator Label(ILocator section, string text) => section.GetByLabel(text, new() { Exact = true });

    /// <summary>
    /// An approved application for a 用户单位查询员, its certificate signed by the platform's CA from an openssl request
    /// (as UKeySignInTests makes it), and both written where the browser's profile can read them.
    /// </summary>
    private async Task<(string Account, string Password, string CertificatePath, string KeyPath)> HolderAsync()
    {
        var app = fixture.App;
        using var anonymous = app.MachineClient(null);
        var form = await UKeyRig.FormAsync(app, unit: "user", role: StaffRoles.UserUnitQuerier);
        var (number, approval, operatorClient) = await UKeyRig.ApprovedAsync(app, anonymous, app.SignInOverTlsAsync, form);
        var (csr, keyPath) = await UKeyRig.OpenSslRequestAsync(work, $"/CN={UKeyRig.UserName}");
        var issued = await operatorClient.PostAsJsonAsync($"/api/v1/credential-applications/{number}/certificates", new CertificateFromRequest(csr), WireJson.Options);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var certificatePath = keyPath + ".crt";
        await File.WriteAllTextAsync(certificatePath, (await issued.Content.ReadFromJsonAsync<IssuedFromRequest>(WireJson.Options))!.CertificatePem);
        return (form.AccountName, approval.InitialPassword!, certificatePath, keyPath);
    }
}
