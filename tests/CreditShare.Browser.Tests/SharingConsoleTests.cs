using System.Text.RegularExpressions;
using CreditShare.Core.Accounts;
using CreditShare.Web.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CreditShare.Browser.Tests;

/// <summary>Sharing in the console: a grant asked for and approved, a data-user query with purpose and export, the export traced, a formal request end to end.</summary>
public class SharingConsoleTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private Task<IPage> SignedInAsync(string role, string unit = "center") => fixture.SignedInAsync(role, unit);

    private async Task<string> ReportCompanyAsync(string name)
    {
        var app = fixture.App;
        var code = TestRecords.Company(TestRecords.Next());
        await using var scope = app.Services.CreateAsyncScope();
        var reporting = scope.ServiceProvider.GetRequiredService<CreditShare.Web.Features.Reporting.ReportingService>();
        var outcome = await reporting.SubmitAsync(new CreditShare.Web.Features.Reporting.Submitter(app.UnitIds["source"], "", "api", "browser-test"), "XZCF",
            [TestRecords.Penalty(TestRecords.Next(), code, name)], null, "browser-" + code);
        Assert.Equal(1, outcome.Value!.Accepted);
        return code;
    }

    [Fact]
    public async Task A_grant_is_asked_for_and_approved_then_a_data_user_queries_with_a_purpose_exports_and_the_auditor_traces_the_file()
    {
        var code = await ReportCompanyAsync("宁夏共享查询测试商贸有限公司");

        // A center querier asks for a grant of three fields.
        var querier = await SignedInAsync(StaffRoles.Querier);
        await querier.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "共享授权" }).ClickAsync();
        await querier.Locator("#category").SelectOptionAsync("XZCF");
        await querier.GetByRole(AriaRole.Button, new() { Name = "列出字段" }).ClickAsync();
        await querier.Locator("#Input_UnitId").SelectOptionAsync(new SelectOptionValue { Label = "测试发展和改革委员会" });
        foreach (var field in new[] { "CF_XDR_MC", "CF_WSH", "CF_CFLB" })
        {
            await querier.Locator($"input[name='Input.Fields'][value='{field}']").CheckAsync();
        }

        // Without a purpose the reason shows next to the field; then it goes through.
        await querier.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Assertions.Expect(querier.Locator("[data-valmsg-for='Input.Purpose']")).ToContainTextAsync("使用目的");
        await querier.Locator("#Input_Purpose").FillAsync("行政许可审批中核查申请人信用状况");
        await querier.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Assertions.Expect(querier.GetByRole(AriaRole.Status)).ToContainTextAsync("待业务审核员审核");

        // A reviewer approves it.
        var reviewer = await SignedInAsync(StaffRoles.Reviewer);
        await reviewer.GotoAsync("/Sharing/Grants?status=pending");
        var row = reviewer.Locator("#grants tbody tr").Filter(new() { HasText = "测试发展和改革委员会" }).First;
        await row.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        await Assertions.Expect(reviewer.GetByRole(AriaRole.Status)).ToContainTextAsync("已批准");
        await BrowserFixture.ScreenshotAsync(reviewer, "sharing-grants");

        // The data-user querier must state a purpose before seeing anything, then sees granted fields only.
        var user = await SignedInAsync(StaffRoles.UserUnitQuerier, "user");
        await user.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "共享查询" }).ClickAsync();
        await user.Locator("#q").FillAsync(code);
        await user.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Assertions.Expect(user.Locator("[data-valmsg-for='Purpose']")).ToContainTextAsync("请先选择或填写查询用途");
        await Assertions.Expect(user.Locator("#result")).ToHaveCountAsync(0);
        await user.Locator("#purpose").SelectOptionAsync("行政许可审批");
        await user.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Assertions.Expect(user.Locator("#result")).ToContainTextAsync("宁夏共享查询测试商贸有限公司");
        var shown = await user.Locator("#result th[data-field]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.field)");
        Assert.Equal(["CF_CFLB", "CF_WSH", "CF_XDR_MC"], shown.Order());
        await BrowserFixture.ScreenshotAsync(user, "sharing-query");

        var download = await user.RunAndWaitForDownloadAsync(() => user.Locator("#export-xlsx").ClickAsync());
        var trace = Regex.Match(download.SuggestedFilename, "[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}").Value;
        Assert.NotEmpty(trace);

        // The audit administrator resolves the trace code to the unit and account.
        var auditor = await SignedInAsync(StaffRoles.AuditAdmin);
        await auditor.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "数据流向" }).ClickAsync();
        await auditor.Locator("#trace").FillAsync(trace);
        await auditor.GetByRole(AriaRole.Button, new() { Name = "追溯" }).ClickAsync();
        await Assertions.Expect(auditor.Locator("#trace-unit")).ToHaveTextAsync("测试发展和改革委员会");
        await BrowserFixture.ScreenshotAsync(auditor, "trace");
    }

    [Fact]
    public async Task A_unit_sees_its_webhook_subscriptions_and_their_delivery_history()
    {
        var app = fixture.App;
        var id = await app.WithDbAsync(async db =>
        {
            var subscription = new CreditShare.Web.Features.Sharing.WebhookSubscription
            {
                UnitId = app.UnitIds["user"],
                Url = "https://hooks.example.cn/credit",
                Categories = ["XZCF"],
                SecretCipher = "x",
                CreatedAt = app.Clock.GetUtcNow(),
                CreatedBy = "cert:1",
                Attempts = 2,
                NextAttemptAt = app.Clock.GetUtcNow().AddMinutes(1),
            };
            db.WebhookSubscriptions.Add(subscription);
            await db.SaveChangesAsync();
            db.WebhookDeliveries.AddRange(
                new CreditShare.Web.Features.Sharing.WebhookDelivery { SubscriptionId = subscription.Id, DeliveryId = Guid.NewGuid(), RecordId = 41, Change = "created", Attempt = 1, At = app.Clock.GetUtcNow(), StatusCode = 200, Succeeded = true },
                new CreditShare.Web.Features.Sharing.WebhookDelivery { SubscriptionId = subscription.Id, DeliveryId = Guid.NewGuid(), RecordId = 42, Change = "corrected", Attempt = 2, At = app.Clock.GetUtcNow(), StatusCode = 503, Error = "HTTP 503" });
            await db.SaveChangesAsync();
            return subscription.Id;
        });

        var user = await SignedInAsync(StaffRoles.UserUnitQuerier, "user");
        await user.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "实时推送" }).ClickAsync();
        var section = user.Locator($"[data-webhook='{id}']");
        await Assertions.Expect(section).ToContainTextAsync("https://hooks.example.cn/credit");
        await Assertions.Expect(section).ToContainTextAsync("已失败 2 次");
        await Assertions.Expect(section.Locator("tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(section).ToContainTextAsync("HTTP 503");
    }

    [Fact]
    public async Task A_formal_request_goes_from_submission_through_review_and_fulfilment_to_the_units_inbox()
    {
        var code = await ReportCompanyAsync("宁夏书面查询测试商贸有限公司");
        var letter = Path.Combine(Path.GetTempPath(), $"公函-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(letter, "%PDF-1.4\n%%EOF"u8.ToArray());
        var notPdf = Path.Combine(Path.GetTempPath(), $"fake-{Guid.NewGuid():N}.pdf");
        await File.WriteAllTextAsync(notPdf, "not a pdf");

        var user = await SignedInAsync(StaffRoles.UserUnitQuerier, "user");
        await user.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "书面查询" }).ClickAsync();
        await user.Locator("#Input_Subjects").FillAsync(code);
        await user.Locator("input[name='Input.Categories'][value='XZCF']").CheckAsync();
        await user.Locator("#Input_Purpose").FillAsync("政府采购供应商资格审查");
        await user.Locator("#Input_Letter").SetInputFilesAsync(notPdf);
        await user.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Assertions.Expect(user.Locator("[data-valmsg-for='Input.Letter']")).ToContainTextAsync("内容不是");
        await user.Locator("#Input_Letter").SetInputFilesAsync(letter);
        await user.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await user.WaitForURLAsync(new Regex("/Sharing/Request\\?id="));
        await Assertions.Expect(user.Locator("#request-status")).ToHaveTextAsync("待审核");
        var requestUrl = user.Url;

        var reviewer = await SignedInAsync(StaffRoles.Reviewer);
        await reviewer.GotoAsync("/Sharing/Requests");
        await Assertions.Expect(reviewer.Locator("#requests")).ToContainTextAsync("待审核");
        await reviewer.GotoAsync(requestUrl);
        await reviewer.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        await Assertions.Expect(reviewer.Locator("#request-errors")).ToContainTextAsync("审核意见");
        await reviewer.Locator("#reason").FillAsync("公函齐全，同意");
        await reviewer.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        await Assertions.Expect(reviewer.Locator("#request-status")).ToHaveTextAsync("已批准，待办理");
        // The reviewer is not offered the fulfilment.
        await Assertions.Expect(reviewer.Locator("#fulfil")).ToHaveCountAsync(0);

        var querier = await SignedInAsync(StaffRoles.Querier);
        await querier.GotoAsync(requestUrl);
        await querier.GetByRole(AriaRole.Button, new() { Name = "生成查询结果并送达" }).ClickAsync();
        await Assertions.Expect(querier.Locator("#request-status")).ToHaveTextAsync("已办结");

        await user.GotoAsync("/Sharing/Requests");
        await Assertions.Expect(user.Locator("#requests tbody tr").First).ToContainTextAsync("可下载");
        await user.GotoAsync(requestUrl);
        await BrowserFixture.ScreenshotAsync(user, "formal-request");
        var download = await user.RunAndWaitForDownloadAsync(() => user.Locator("#attachments li[data-kind='Result'] a").ClickAsync());
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(bytes, 0, 5));
        File.Delete(letter);
        File.Delete(notPdf);
    }
}
