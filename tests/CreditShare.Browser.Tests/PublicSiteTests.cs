using CreditShare.Web.Features.Reporting;
using CreditShare.Web.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CreditShare.Browser.Tests;

public class PublicSiteTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private async Task<string> ReportCompanyAsync(string name)
    {
        var code = TestRecords.Company(TestRecords.Next());
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var reporting = scope.ServiceProvider.GetRequiredService<ReportingService>();
        var who = new Submitter(fixture.App.UnitIds["source"], "", "api", "browser-test");
        var penalty = TestRecords.Penalty(TestRecords.Next(), code, name);
        penalty["CF_GSJZQ"] = "2030-12-31";
        var result = await reporting.SubmitAsync(who, "XZCF", [penalty], null, "public-site-" + code);
        Assert.Equal(1, result.Value!.Accepted);
        return code;
    }

    [Fact]
    public async Task Anyone_searches_by_two_characters_and_opens_a_company_page_without_signing_in()
    {
        var code = await ReportCompanyAsync("宁夏公示浏览商贸有限公司");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/public");
        await page.GetByRole(AriaRole.Searchbox).FillAsync("浏");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Assertions.Expect(page.Locator("#search-hint")).ToContainTextAsync("请至少输入两个字");

        await page.GetByRole(AriaRole.Searchbox).FillAsync("公示浏览");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Assertions.Expect(page.Locator("#results")).ToContainTextAsync("公示信息 1 条");
        await BrowserFixture.ScreenshotAsync(page, "public-search");
        await page.GetByRole(AriaRole.Link, new() { Name = "宁夏公示浏览商贸有限公司" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "宁夏公示浏览商贸有限公司" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#section-XZCF")).ToContainTextAsync("销售不合格产品");
        await Assertions.Expect(page.Locator("#section-XZXK")).ToContainTextAsync("查询期内无相关信息");
        Assert.Contains(code, page.Url);
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "退出" }).CountAsync());
    }

    [Fact]
    public async Task The_company_page_reads_on_a_phone_without_sideways_scrolling()
    {
        var code = await ReportCompanyAsync("宁夏手机查看商贸有限公司");
        var page = await fixture.NewPageAsync(new ViewportSize { Width = 390, Height = 844 });
        await page.GotoAsync($"/public/subjects/{code}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "宁夏手机查看商贸有限公司" })).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone");
        await BrowserFixture.ScreenshotAsync(page, "public-subject-phone");
    }

    [Fact]
    public async Task A_downloaded_report_is_verified_on_the_public_site_and_an_edited_copy_is_caught()
    {
        var code = await ReportCompanyAsync("宁夏报告下载商贸有限公司");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/public/subjects/{code}");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "下载信用报告（PDF）" }).ClickAsync());
        var parts = Path.GetFileNameWithoutExtension(download.SuggestedFilename).Split('_');
        Assert.Equal("信用报告", parts[0]);
        var (number, verification) = (parts[1], parts[2]);
        var path = await download.PathAsync();
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path), 0, 5));

        // What the QR code opens.
        await page.GotoAsync($"/public/reports/verify?number={number}&code={verification}");
        await Assertions.Expect(page.Locator("#verdict")).ToContainTextAsync("报告真实有效");
        await page.Locator("#file").SetInputFilesAsync(path);
        await page.GetByRole(AriaRole.Button, new() { Name = "核验" }).ClickAsync();
        await Assertions.Expect(page.Locator("#file-verdict")).ToHaveTextAsync("与出具时的文件一致");
        await BrowserFixture.ScreenshotAsync(page, "public-report-verified");

        var edited = File.ReadAllBytes(path);
        edited[edited.Length / 3] ^= 0x20;
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "edited.pdf", MimeType = "application/pdf", Buffer = edited });
        await page.GetByRole(AriaRole.Button, new() { Name = "核验" }).ClickAsync();
        await Assertions.Expect(page.Locator("#file-verdict")).ToContainTextAsync("不一致");

        await page.GotoAsync($"/public/reports/verify?number={number}&code=WRONG234");
        await Assertions.Expect(page.Locator("#verdict")).ToContainTextAsync("不是本平台出具的");
    }

    [Fact]
    public async Task The_kiosk_searches_by_touch_has_no_way_out_and_returns_to_the_start_after_a_minute_idle()
    {
        var code = await ReportCompanyAsync("宁夏一体机商贸有限公司");
        var page = await fixture.NewPageAsync(new ViewportSize { Width = 1080, Height = 1920 });
        await page.Clock.InstallAsync();
        await page.GotoAsync("/kiosk");
        await page.GetByRole(AriaRole.Searchbox).FillAsync("一体机");
        await page.GetByRole(AriaRole.Button, new() { Name = "商贸" }).ClickAsync();
        await Assertions.Expect(page.Locator("#results")).ToContainTextAsync("宁夏一体机商贸有限公司");
        var box = await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).BoundingBoxAsync();
        Assert.True(box!.Height >= 60, $"the search button is {box.Height}px high, too small for a finger");
        await BrowserFixture.ScreenshotAsync(page, "kiosk");

        await page.GetByRole(AriaRole.Link, new() { Name = "宁夏一体机商贸有限公司" }).ClickAsync();
        await Assertions.Expect(page.Locator("#section-XZCF")).ToContainTextAsync("销售不合格产品");
        var links = await page.Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.All(links, href => Assert.StartsWith("/kiosk", href));
        Assert.Contains(code, page.Url);

        // Printing issues a real, numbered report into the kiosk's frame and prints it from there.
        var issued = page.WaitForResponseAsync(r => r.Url.Contains("handler=Print", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "打印信用报告" }).ClickAsync();
        var response = await issued;
        Assert.Equal("application/pdf", response.Headers["content-type"]);
        Assert.False(response.Headers.ContainsKey("content-disposition"), "the kiosk's report is shown inline, to print, not downloaded");
        var number = response.Headers["x-report-number"];
        await Assertions.Expect(page.Locator("#print-status")).ToContainTextAsync("信用报告已出具");
        Assert.Contains(code, page.Url);
        var check = await fixture.NewPageAsync();
        await check.GotoAsync($"/public/reports/verify?number={number}&code={response.Headers["x-verification-code"]}");
        await Assertions.Expect(check.Locator("#verdict")).ToContainTextAsync("报告真实有效");

        await page.Clock.RunForAsync("00:30");
        Assert.Contains("/kiosk/subjects/", page.Url);
        await page.Clock.RunForAsync("00:35");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/kiosk$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Searchbox)).ToHaveValueAsync("");
    }
}
