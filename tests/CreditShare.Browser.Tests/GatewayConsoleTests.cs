using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CreditShare.Browser.Tests;

/// <summary>The 前置机 page as a 安全管理员 sees it, after two gateways reported: one fine, one backed up for two hours.</summary>
public class GatewayConsoleTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_security_administrator_sees_a_backed_up_gateway_highlighted_in_chinese()
    {
        var app = fixture.App;
        var now = app.Clock.GetUtcNow();
        await BeatAsync("市场监管厅前置机01", new GatewayHeartbeat("市场监管厅前置机01", "1.0.0", 0, null, now.AddSeconds(-20), null, 700, 0, now));
        await BeatAsync("市场监管厅前置机02", new GatewayHeartbeat("市场监管厅前置机02", "1.0.0", 37, 7200, now.AddHours(-2), "无法连接平台：连接被拒绝", 700, 52_428_800, now));

        var page = await fixture.SignedInAsync(StaffRoles.SecurityAdmin);
        await page.GotoAsync("/Gateways");

        var backedUp = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "市场监管厅前置机02" });
        await Assertions.Expect(backedUp).ToContainTextAsync("积压");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "市场监管厅前置机01" })).Not.ToContainTextAsync("积压");
        await BrowserFixture.ScreenshotAsync(page, "gateway-fleet");
    }

    private async Task BeatAsync(string name, GatewayHeartbeat beat)
    {
        X509Certificate2 certificate;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>()
                .IssueAsync(Web.Tests.CreditShareApp.System, new IssueRequest(fixture.App.UnitIds["source"], 24, Gateway: true));
            certificate = X509CertificateLoader.LoadPkcs12(issued.Value!.Pkcs12, issued.Value.Pkcs12Password);
        }

        using var client = fixture.App.MachineClient(certificate);
        var response = await client.PostAsJsonAsync("/api/v1/gateway/heartbeat", beat, WireJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{name}: {response.StatusCode}");
    }
}
