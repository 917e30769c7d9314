using System.Text.RegularExpressions;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CreditShare.Browser.Tests;

public class ConsoleTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Staff_signs_in_with_totp_uses_a_console_page_and_signs_out()
    {
        var app = fixture.App;
        var staff = await app.CreateStaffAsync(StaffRoles.SystemAdmin);
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/Units");
        Assert.Contains("/SignIn", page.Url);
        await page.GetByLabel("用户名").FillAsync(staff.UserName);
        await page.GetByLabel("密码").FillAsync(staff.Password);
        await BrowserFixture.ScreenshotAsync(page, "sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/SignIn/SecondFactor"));
        await page.GetByLabel("动态口令").FillAsync(app.TotpNow(staff));
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();

        // Back where we wanted to go, signed in, with an HTTPS-only, HttpOnly, SameSite=Strict session cookie.
        await page.WaitForURLAsync(new Regex("/Units$"));
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "creditshare.session");
        Assert.True(session.Secure && session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "测试市场监督管理局" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "units");

        // A wrong code is explained next to the field it belongs to, and nothing is saved.
        await page.GetByRole(AriaRole.Link, new() { Name = "新增单位" }).ClickAsync();
        await page.GetByLabel("单位名称").FillAsync("浏览器新增单位");
        await page.GetByLabel("统一社会信用代码").FillAsync("91440300708461136U");
        await page.GetByLabel("行政区划代码").FillAsync("640100");
        await page.GetByLabel("数据源单位").CheckAsync();
        await page.Locator("#Input_Responsible_Name").FillAsync("甲");
        await page.Locator("#Input_Responsible_Mobile").FillAsync("13900000000");
        await page.Locator("#Input_Leader_Name").FillAsync("乙");
        await page.Locator("#Input_Leader_Mobile").FillAsync("13900000001");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-valmsg-for='Input.Uscc']")).ToHaveTextAsync("统一社会信用代码校验位错误");
        await BrowserFixture.ScreenshotAsync(page, "unit-validation");

        // Corrected, it is saved.
        await page.GetByLabel("统一社会信用代码").FillAsync("91440300708461136T");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Assertions.Expect(page.GetByText("单位信息已保存")).ToBeVisibleAsync();

        await page.GotoAsync("/Catalog/Category?code=XZCF");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "CF_NR_FK", Exact = true })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "catalog");

        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/SignIn"));
        await Assertions.Expect(page.GetByText("已安全退出")).ToBeVisibleAsync();
        await page.GotoAsync("/Units");
        Assert.Contains("/SignIn", page.Url);
    }

    [Fact]
    public async Task A_new_account_enrols_its_authenticator_from_the_qr_page()
    {
        var app = fixture.App;
        var staff = await app.CreateStaffAsync(StaffRoles.Reviewer, enrolled: false);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/SignIn");
        await page.GetByLabel("用户名").FillAsync(staff.UserName);
        await page.GetByLabel("密码").FillAsync(staff.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/SignIn/Enrol"));
        await Assertions.Expect(page.Locator(".qr svg")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "enrol");
        var key = await page.Locator("#shared-key").InnerTextAsync();
        await page.GetByLabel("动态口令").FillAsync(ReplayProtectedAuthenticator.CurrentCode(key, app.Clock.GetUtcNow()));
        await page.GetByRole(AriaRole.Button, new() { Name = "绑定并登录" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/SignIn/RecoveryCodes"));
        var codes = (await page.Locator("#recovery-codes").InnerTextAsync()).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, codes.Length);
        await page.GetByRole(AriaRole.Link, new() { Name = "继续" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("欢迎") })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_audit_administrator_verifies_the_chain_from_the_audit_page()
    {
        var app = fixture.App;
        var auditor = await app.CreateStaffAsync(StaffRoles.AuditAdmin);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/SignIn");
        await page.GetByLabel("用户名").FillAsync(auditor.UserName);
        await page.GetByLabel("密码").FillAsync(auditor.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await page.GetByLabel("动态口令").FillAsync(app.TotpNow(auditor));
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "审计日志" }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "校验哈希链" }).ClickAsync();
        await Assertions.Expect(page.Locator("#chain-result")).ToContainTextAsync("完整");
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "1000 登录成功" }).First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "audit");

        // Not a page the auditor's duty includes.
        await page.GotoAsync("/Accounts");
        Assert.Contains("/SignIn/Denied", page.Url);
    }

    private Task<IPage> SignedInAsync(string role) => fixture.SignedInAsync(role);

    [Fact]
    public async Task The_system_administrator_edits_a_category_into_a_new_version()
    {
        var page = await SignedInAsync(StaffRoles.SystemAdmin);
        await page.GotoAsync("/Catalog/Category?code=YZSX");
        await page.GetByRole(AriaRole.Link, new() { Name = "修改（生成新版本）" }).ClickAsync();

        // A period out of range is refused and explained; nothing is stored.
        await page.GetByLabel("默认公示期限（月）").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存为新版本" }).ClickAsync();
        await Assertions.Expect(page.Locator(".validation-summary-errors")).ToContainTextAsync("期限应为1–1200个月");

        await page.GetByLabel("默认公示期限（月）").FillAsync("60");
        await page.GetByLabel("修改说明").FillAsync("按新规延长");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存为新版本" }).ClickAsync();
        await Assertions.Expect(page.GetByText("已保存为第 2 版")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("默认 60 个月，最短 12 个月")).ToBeVisibleAsync();
        await page.GotoAsync("/Catalog/Category?code=YZSX&version=1");
        await Assertions.Expect(page.GetByText("默认 36 个月，最短 12 个月")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_security_administrator_is_told_why_a_role_combination_is_refused()
    {
        var page = await SignedInAsync(StaffRoles.SecurityAdmin);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "账号与角色" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "新建账号" }).ClickAsync();
        await page.GetByLabel("用户名").FillAsync("li.si");
        await page.GetByLabel("姓名").FillAsync("李四");
        await page.GetByLabel(StaffRoles.AuditAdmin).CheckAsync();
        await page.GetByLabel(StaffRoles.Querier, new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "创建账号" }).ClickAsync();
        await Assertions.Expect(page.Locator("#roles-error")).ToContainTextAsync("用管分离");

        await page.GetByLabel(StaffRoles.AuditAdmin).UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "创建账号" }).ClickAsync();

        // A 查询员 needs a second 安全管理员: the request waits under 待审批, and its author sees no password.
        await page.WaitForURLAsync(new Regex("/Accounts/Pending$"));
        await Assertions.Expect(page.Locator("#pending-actions")).ToContainTextAsync("li.si");
        await Assertions.Expect(page.Locator("#pending-actions")).ToContainTextAsync("待另一名安全管理员审批");
        await Assertions.Expect(page.Locator("#initial-password")).ToHaveCountAsync(0);

        var second = await SignedInAsync(StaffRoles.SecurityAdmin);
        await second.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "账号与角色" }).ClickAsync();
        await second.GetByRole(AriaRole.Link, new() { Name = "待审批" }).ClickAsync();
        await second.GetByRole(AriaRole.Button, new() { Name = "批准 新建账号 li.si" }).ClickAsync();
        await Assertions.Expect(second.Locator("#initial-password")).ToHaveTextAsync(new Regex("^.{16}$"));
        await BrowserFixture.ScreenshotAsync(second, "account-created");
    }

    [Fact]
    public async Task The_security_administrator_issues_and_revokes_a_unit_certificate_from_the_page()
    {
        var page = await SignedInAsync(StaffRoles.SecurityAdmin);
        await page.GotoAsync("/Certificates");
        await page.GetByLabel("单位").SelectOptionAsync(new SelectOptionValue { Label = "测试市场监督管理局" });
        await page.GetByLabel("有效期").SelectOptionAsync("48");
        await page.GetByRole(AriaRole.Button, new() { Name = "签发" }).ClickAsync();
        var serial = await page.Locator("#issued-serial").InnerTextAsync();
        await Assertions.Expect(page.Locator("textarea").Nth(1)).ToContainTextAsync("BEGIN PRIVATE KEY");

        // 注销 (附3): the reason is one of the form's choices; "其他" needs its text.
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = serial });
        await row.Locator("summary").ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "确认注销" }).ClickAsync();
        await Assertions.Expect(page.GetByText("请选择注销原因")).ToBeVisibleAsync();
        await row.Locator("summary").ClickAsync();
        await row.GetByLabel("其他", new() { Exact = true }).CheckAsync();
        await row.GetByLabel("其他原因或说明").FillAsync("设备更换");
        await row.GetByRole(AriaRole.Button, new() { Name = "确认注销" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"证书 {serial} 已注销")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = serial })).ToContainTextAsync("已注销");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = serial })).ToContainTextAsync("其他：设备更换");
    }

    [Fact]
    public async Task A_reporter_downloads_the_template_uploads_a_file_gets_the_error_workbook_and_fills_in_one_record()
    {
        var app = fixture.App;
        var reporter = await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/SignIn");
        await page.GetByLabel("用户名").FillAsync(reporter.UserName);
        await page.GetByLabel("密码").FillAsync(reporter.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await page.GetByLabel("动态口令").FillAsync(app.TotpNow(reporter));
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "数据报送" }).ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "reporting");

        // The template.
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "行政处罚" });
        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByRole(AriaRole.Link, new() { Name = "下载模板" }).ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        var templatePath = await download.PathAsync();
        var (templateRows, templateErrors, _) = CreditShare.Web.Documents.Workbooks.Read(File.OpenRead(templatePath), CreditShare.Core.Catalog.BuiltInCatalog.Penalty);
        Assert.Empty(templateErrors);
        Assert.Empty(templateRows!);

        // A file with one good and one bad row.
        var good = CreditShare.Web.Tests.TestRecords.Penalty(CreditShare.Web.Tests.TestRecords.Next());
        var bad = CreditShare.Web.Tests.TestRecords.Penalty(CreditShare.Web.Tests.TestRecords.Next());
        bad["CF_NR_FK"] = null;
        var upload = Path.Combine(Path.GetTempPath(), $"penalties-{Guid.NewGuid():N}.xlsx");
        await File.WriteAllBytesAsync(upload, CreditShare.Web.Documents.Workbooks.ErrorWorkbook(CreditShare.Core.Catalog.BuiltInCatalog.Penalty, [(good, []), (bad, [])]));
        await row.GetByRole(AriaRole.Link, new() { Name = "上传文件" }).ClickAsync();
        await page.Locator("input[type=file]").SetInputFilesAsync(upload);
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并报送" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/Reporting/Batch"));
        await Assertions.Expect(page.Locator("#batch-counts")).ToContainTextAsync("接收");
        await Assertions.Expect(page.Locator("#rejected-rows")).ToContainTextAsync("罚款金额（万元）为必填项");
        await BrowserFixture.ScreenshotAsync(page, "batch-result");
        var errors = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "下载错误工作簿" }).ClickAsync());
        var (returned, _, _) = CreditShare.Web.Documents.Workbooks.Read(File.OpenRead(await errors.PathAsync()), CreditShare.Core.Catalog.BuiltInCatalog.Penalty);
        Assert.Equal(bad["CF_WSH"], Assert.Single(returned!)["CF_WSH"]);

        // Fix the rejected row in place with the generated form.
        await page.GetByRole(AriaRole.Link, new() { Name = "修改后报送" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-field='CF_NR_FK']")).ToContainTextAsync("必填");
        await page.Locator("#field_CF_NR_FK").FillAsync("abc");
        await page.GetByRole(AriaRole.Button, new() { Name = "报送" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-field='CF_NR_FK']")).ToContainTextAsync("应为数字");
        await BrowserFixture.ScreenshotAsync(page, "record-form");
        await page.Locator("#field_CF_NR_FK").FillAsync("1.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "报送" }).ClickAsync();
        await Assertions.Expect(page.GetByText(new Regex("已接收（记录号 \\d+）"))).ToBeVisibleAsync();
        File.Delete(upload);
    }

    [Fact]
    public async Task Center_staff_see_a_subject_profile_every_units_abnormal_data_and_the_scorecards()
    {
        var app = fixture.App;
        var code = CreditShare.Web.Tests.TestRecords.Company(CreditShare.Web.Tests.TestRecords.Next());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var reporting = scope.ServiceProvider.GetRequiredService<CreditShare.Web.Features.Reporting.ReportingService>();
            var who = new CreditShare.Web.Features.Reporting.Submitter(app.UnitIds["source"], "", "api", "browser-test");
            var bad = CreditShare.Web.Tests.TestRecords.Penalty(CreditShare.Web.Tests.TestRecords.Next());
            bad["CF_JDRQ"] = "2099-01-01";
            await reporting.SubmitAsync(who, "XZCF", [
                CreditShare.Web.Tests.TestRecords.Penalty(CreditShare.Web.Tests.TestRecords.Next(), code, "宁夏浏览器测试商贸有限公司"),
                CreditShare.Web.Tests.TestRecords.Penalty(CreditShare.Web.Tests.TestRecords.Next(), code, "宁夏浏览器测试商贸有限公司"),
                bad,
            ], null, "browser-center");
        }

        var page = await SignedInAsync(StaffRoles.Querier);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "主体信息" }).ClickAsync();
        await page.GetByRole(AriaRole.Searchbox).FillAsync("浏览器测试");
        await page.GetByRole(AriaRole.Button, new() { Name = "检索" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "宁夏浏览器测试商贸有限公司" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "行政处罚（2）" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "subject-profile");

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "异常数据" }).ClickAsync();
        await Assertions.Expect(page.Locator("#frequencies")).ToContainTextAsync("field.date_in_future");
        await BrowserFixture.ScreenshotAsync(page, "center-abnormal");

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "报送质量" }).ClickAsync();
        await Assertions.Expect(page.Locator("#scorecards")).ToContainTextAsync("测试市场监督管理局");
        await BrowserFixture.ScreenshotAsync(page, "scorecards");
    }
}
