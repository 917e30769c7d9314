using System.Text.RegularExpressions;
using CreditShare.Core.Accounts;
using Microsoft.Playwright;

namespace CreditShare.Browser.Tests;

/// <summary>Every answer carries a strict Content-Security-Policy; the pages must work under it, with nothing refused.</summary>
public class ContentSecurityPolicyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_console_public_site_kiosk_and_api_reference_run_under_the_policy_with_nothing_blocked()
    {
        var app = fixture.App;

        var reporter = await fixture.SignedInAsync(StaffRoles.Reporter, unit: "source");
        foreach (var path in new[] { "/Reporting", "/Reporting/Upload?category=XZCF", "/Reporting/Form?category=XZCF" })
        {
            await reporter.GotoAsync(path);
        }

        // The upload page's progress script is a file of our own, and runs: choosing nothing and submitting shows the field error.
        await reporter.GotoAsync("/Reporting/Upload?category=XZCF");
        await reporter.GetByRole(AriaRole.Button, new() { Name = "上传并报送" }).ClickAsync();
        await Assertions.Expect(reporter.Locator("#upload-error")).Not.ToBeEmptyAsync();

        // Enrolment shows its QR code inline (SVG).
        var staff = await app.CreateStaffAsync(StaffRoles.Reviewer, enrolled: false);
        var enrol = await fixture.NewPageAsync();
        await enrol.GotoAsync("/SignIn");
        await enrol.GetByLabel("用户名").FillAsync(staff.UserName);
        await enrol.GetByLabel("密码").FillAsync(staff.Password);
        await enrol.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await enrol.WaitForURLAsync(new Regex("/SignIn/Enrol"), new() { Timeout = 90_000 });
        await Assertions.Expect(enrol.Locator(".qr svg")).ToBeVisibleAsync();

        var security = await fixture.SignedInAsync(StaffRoles.SecurityAdmin);
        foreach (var path in new[] { "/Accounts", "/Certificates" })
        {
            await security.GotoAsync(path);
        }

        var reviewer = await fixture.SignedInAsync(StaffRoles.Reviewer);
        foreach (var path in new[] { "/Units", "/Catalog", "/Catalog/Category?code=XZCF", "/Subjects", "/Abnormal", "/Schedules", "/Sharing/Grants" })
        {
            await reviewer.GotoAsync(path);
        }

        var visitor = await fixture.NewPageAsync();
        await visitor.GotoAsync("/public");
        await visitor.GetByRole(AriaRole.Searchbox).FillAsync("商贸");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await visitor.GotoAsync("/public/no-such-page");
        await visitor.GotoAsync("/kiosk");
        await Assertions.Expect(visitor.Locator("body")).ToBeVisibleAsync();
        await visitor.GotoAsync("/api-docs");
        await visitor.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.True(fixture.CspViolations.IsEmpty, string.Join('\n', fixture.CspViolations));
    }
}
