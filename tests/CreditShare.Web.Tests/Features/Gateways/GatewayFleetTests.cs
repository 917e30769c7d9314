using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Gateways;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Gateways;

/// <summary>Gateways' heartbeats over real mutual TLS, and the center's fleet view on the platform's clock.</summary>
public partial class GatewayFleetTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private GatewayHeartbeat Beat(string name, int queue = 0, long? oldestSeconds = null, string? error = null) =>
        new(name, "1.2.0", queue, oldestSeconds, app.Clock.GetUtcNow().AddMinutes(-1), error, 600, 4096, app.Clock.GetUtcNow());

    [GeneratedRegex("<tr class=\"(?<class>[^\"]*)\" data-serial=\"(?<serial>[0-9A-F]+)\">(?<row>.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    private static Dictionary<string, (string Class, string Text)> Rows(string html) =>
        Row().Matches(html).ToDictionary(m => m.Groups["serial"].Value, m => (m.Groups["class"].Value, m.Groups["row"].Value));

    [Fact]
    public async Task A_heartbeat_through_a_system_certificate_is_refused_with_a_stable_code_and_stores_nothing()
    {
        using var system = app.Unit("source");
        var response = await system.PostAsJsonAsync("/api/v1/gateway/heartbeat", Beat("冒充的前置机"), WireJson.Options);
        var problem = await response.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("gateway.certificate_required", problem.Code);
        Assert.Contains("前置机证书", problem.Detail);
        Assert.False(await app.WithDbAsync(db => db.GatewayStatuses.AnyAsync(g => g.Name == "冒充的前置机")));

        using var none = app.MachineClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await none.PostAsJsonAsync("/api/v1/gateway/heartbeat", Beat("无证书"), WireJson.Options)).StatusCode);
    }

    [Fact]
    public async Task A_heartbeat_without_a_name_is_invalid_and_a_long_error_is_kept_shortened()
    {
        var (certificate, serial) = await app.IssueAsync("source2", gateway: true);
        using var gateway = app.MachineClient(certificate);
        var invalid = await gateway.PostAsJsonAsync("/api/v1/gateway/heartbeat", Beat(" ") with { QueueDepth = -1 }, WireJson.Options);
        Assert.Equal(["gateway.name", "gateway.negative"], (await invalid.ProblemAsync(HttpStatusCode.BadRequest)).Errors.Select(e => e.Code));

        var ok = await gateway.PostAsJsonAsync("/api/v1/gateway/heartbeat", Beat("二号前置机", error: new string('错', 3000)), WireJson.Options);
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.NotNull(ok.Headers.Date);
        var stored = await app.WithDbAsync(db => db.GatewayStatuses.SingleAsync(g => g.CertificateSerial == serial));
        Assert.Equal(GatewayFleet.MaxErrorLength, stored.LastError!.Length);
    }

    [Fact]
    public async Task The_fleet_shows_every_units_gateways_with_silent_backed_up_and_expiring_ones_highlighted()
    {
        var (healthyCertificate, healthy) = await app.IssueAsync("source", gateway: true);
        var (backedUpCertificate, backedUp) = await app.IssueAsync("source2", gateway: true);
        var (_, expiring) = await app.IssueAsync("source", gateway: true, notAfter: app.Clock.GetUtcNow().AddDays(20));
        var (_, neverHeard) = await app.IssueAsync("source2", gateway: true);
        var start = app.Clock.GetUtcNow();

        async Task BeatAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, GatewayHeartbeat beat)
        {
            using var client = app.MachineClient(certificate);
            var response = await client.PostAsJsonAsync("/api/v1/gateway/heartbeat", beat, WireJson.Options);
            Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
        }

        await BeatAsync(healthyCertificate, Beat("健康前置机", queue: 2, oldestSeconds: 30));
        // Waiting 58 minutes when it reported; over an hour by the time anyone looks.
        await BeatAsync(backedUpCertificate, Beat("积压前置机", queue: 120, oldestSeconds: 58 * 60, error: "平台暂时不可达（HTTP 503）"));
        // A certificate that ends 20 days after the app's fixed date ended months ago on the machine's clock, and a real
        // handshake checks that one (ASP.NET Core's certificate handler takes no TimeProvider). So its heartbeat goes to
        // the service the endpoint calls, with what the endpoint passes; the other gateways' come over real mutual TLS.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var recorded = await scope.ServiceProvider.GetRequiredService<GatewayFleet>().RecordAsync(app.UnitIds["source"], expiring, Beat("将到期前置机"), "127.0.0.1");
            Assert.True(recorded.IsOk, string.Join("; ", recorded.Errors.Select(e => e.Message)));
        }

        // A second heartbeat replaces the first: one row per gateway certificate.
        await BeatAsync(healthyCertificate, Beat("健康前置机", queue: 0, oldestSeconds: null));
        Assert.Equal(1, await app.WithDbAsync(db => db.GatewayStatuses.CountAsync(g => g.CertificateSerial == healthy)));
        var row = await app.WithDbAsync(db => db.GatewayStatuses.SingleAsync(g => g.CertificateSerial == healthy));
        Assert.Equal((app.UnitIds["source"], "1.2.0", 0, 4096L, "127.0.0.1"), (row.UnitId, row.Version, row.QueueDepth, row.SpoolBytes, row.RemoteAddress));

        app.Clock.Advance(TimeSpan.FromMinutes(3));
        var admin = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.SystemAdmin));
        var html = await admin.GetStringAsync("/Gateways");
        Assert.Contains("href=\"/Gateways\">前置机</a>", html);
        var rows = Rows(html);
        Assert.Equal("", rows[healthy].Class);
        Assert.Contains("正常", rows[healthy].Text);
        Assert.Contains("健康前置机", rows[healthy].Text);
        Assert.Equal("attention", rows[backedUp].Class);
        Assert.Contains("积压", rows[backedUp].Text);
        Assert.DoesNotContain("静默", rows[backedUp].Text);
        Assert.Contains("平台暂时不可达（HTTP 503）", rows[backedUp].Text);
        Assert.Contains("最早 1小时1分钟", rows[backedUp].Text);
        Assert.Equal("attention", rows[expiring].Class);
        Assert.Contains("证书即将到期", rows[expiring].Text);
        Assert.Contains("剩余 19 天", rows[expiring].Text);
        Assert.Equal("attention", rows[neverHeard].Class);
        Assert.Contains("静默", rows[neverHeard].Text);
        Assert.Contains("（尚未上报）", rows[neverHeard].Text);
        // Beijing time: the heartbeat received at start shows eight hours ahead of UTC.
        Assert.Contains(Core.ProvincialTime.ToBeijing(start).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), rows[healthy].Text);
        // Those needing attention come first.
        var order = rows.Keys.ToList();
        Assert.True(order.IndexOf(healthy) > order.IndexOf(backedUp) && order.IndexOf(healthy) > order.IndexOf(neverHeard));

        // Just under five minutes without a heartbeat is not yet silence; just over is (the exact edge: GatewayHealthTests).
        app.Clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.DoesNotContain("静默", Rows(await admin.GetStringAsync("/Gateways"))[healthy].Text);
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        var later = Rows(await admin.GetStringAsync("/Gateways"));
        Assert.Equal("attention", later[healthy].Class);
        Assert.Contains("静默", later[healthy].Text);

        var json = await admin.GetFromJsonAsync<JsonElement>("/api/v1/gateways");
        var views = json.EnumerateArray().ToDictionary(g => g.GetProperty("certificateSerial").GetString()!);
        Assert.True(views[healthy].GetProperty("silent").GetBoolean());
        Assert.True(views[backedUp].GetProperty("backlogged").GetBoolean());
        Assert.True(views[expiring].GetProperty("certificateExpiring").GetBoolean());
        Assert.Equal(600, views[expiring].GetProperty("reportedCertificateDaysLeft").GetInt32());
    }

    [Fact]
    public async Task Only_the_system_and_security_administrators_see_the_fleet()
    {
        var security = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        Assert.Equal(HttpStatusCode.OK, (await security.GetAsync("/Gateways")).StatusCode);

        var reviewer = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        var page = await reviewer.GetAsync("/Gateways");
        Assert.StartsWith("/SignIn/Denied", page.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain("href=\"/Gateways\"", await reviewer.GetStringAsync("/"));
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/api/v1/gateways")).StatusCode);
    }
}

/// <summary>The fleet's rules on their own, at their edges.</summary>
public class GatewayHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Silence_backlog_and_expiry_are_judged_at_their_edges()
    {
        Assert.True(GatewayHealth.Silent(null, Now));
        Assert.False(GatewayHealth.Silent(Now.AddMinutes(-5), Now));
        Assert.True(GatewayHealth.Silent(Now.AddMinutes(-5).AddTicks(-1), Now));

        Assert.Equal(TimeSpan.FromMinutes(61), GatewayHealth.OldestItemAge(3600, Now.AddMinutes(-1), Now));
        Assert.Null(GatewayHealth.OldestItemAge(null, Now, Now));
        Assert.False(GatewayHealth.Backlogged(5, TimeSpan.FromHours(1)));
        Assert.True(GatewayHealth.Backlogged(5, TimeSpan.FromHours(1).Add(TimeSpan.FromSeconds(1))));
        Assert.False(GatewayHealth.Backlogged(0, TimeSpan.FromHours(5)));

        Assert.Equal(30, GatewayHealth.DaysLeft(Now.AddDays(30).AddHours(5), Now));
        Assert.True(GatewayHealth.Expiring(30));
        Assert.False(GatewayHealth.Expiring(31));
        Assert.Equal(-1, GatewayHealth.DaysLeft(Now.AddHours(-1), Now));
    }
}
