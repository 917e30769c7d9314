using System.Diagnostics;
using System.Net;
using System.Security.Claims;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Security;
using CreditShare.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CreditShare.Web.Tests.Features.Security;

/// <summary>
/// Two real server processes on one database (and the test app as a third instance, for setting up): limits,
/// decisions and switches hold across them.
/// </summary>
public class AcrossInstancesTests(CreditShareApp app, ITestOutputHelper output) : IClassFixture<CreditShareApp>
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Security:Mode"] = "Enforce",
        ["Security:SyncIntervalMilliseconds"] = "200",
        ["Security:Detection:PublicQuery:Threshold"] = "20",
        ["Security:Detection:ClientError:Threshold"] = "1000000",
        ["PublicSite:RequestsPerMinute"] = "10",
    };

    [Fact]
    public async Task Two_instances_share_one_limit_one_blacklist_and_one_kill_switch()
    {
        var first = await ServerProcess.StartAsync(app, Settings);
        var second = await ServerProcess.StartAsync(app, Settings);
        try
        {
            // One limit of 10 a minute over both: 6 through the first, then (once it has synchronised) only 4 through the second.
            var accepted = await OkCountAsync(first, "127.0.11.2", 6);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            accepted += await OkCountAsync(second, "127.0.11.2", 6);
            Assert.Equal(10, accepted);

            // 12 queries on each instance (under the threshold of 20 on either alone) among 50 normal clients: blocked on both.
            for (var i = 2; i <= 51; i++)
            {
                await OkCountAsync(i % 2 == 0 ? first : second, $"127.0.12.{i}", 2);
            }

            await OkCountAsync(first, "127.0.12.99", 12);
            await OkCountAsync(second, "127.0.12.99", 12);
            var blocked = await SecondsUntilAsync(() => BothAsync(first, second, "127.0.12.99", "/api/public/v1/subjects?q=x", HttpStatusCode.Forbidden), 10);
            output.WriteLine($"abusive address refused by both instances {blocked:F2} s after its last request");
            for (var i = 2; i <= 51; i++)
            {
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(i % 2 == 0 ? second : first, $"127.0.12.{i}", "/api/public/v1/subjects?q=x"));
            }

            // The kill switch, thrown on a third instance: both obey.
            var alice = await app.CreateStaffAsync(StaffRoles.SecurityAdmin);
            var bob = await app.CreateStaffAsync(StaffRoles.SecurityAdmin);
            var clock = Stopwatch.StartNew();
            await SwitchAsync(alice, close: true);
            var closed = await SecondsUntilAsync(() => BothAsync(first, second, "127.0.13.2", "/api/v1/shared/changes", HttpStatusCode.ServiceUnavailable), 10);
            output.WriteLine($"sharing closed on both instances {closed:F3} s after the switch ({clock.Elapsed.TotalSeconds:F3} s including the switch itself)");
            Assert.True(closed < 3, $"the instances took {closed:F2} s to obey the kill switch");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(first, "127.0.13.2", "/health/ready"));
            await SwitchAsync(bob, close: false);
            await SecondsUntilAsync(() => BothAsync(first, second, "127.0.13.2", "/api/v1/shared/changes", HttpStatusCode.Unauthorized), 10);

            // Blocks live in the database: a restarted instance refuses the address from its first request.
            var port = second.Address.Port;
            second.Dispose();
            second = await ServerProcess.StartAsync(app, Settings, port);
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(second, "127.0.12.99", "/public"));
        }
        finally
        {
            first.Dispose();
            second.Dispose();
        }
    }

    private async Task SwitchAsync(TestStaff staff, bool close)
    {
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        await using var scope = app.Services.CreateAsyncScope();
        var switches = scope.ServiceProvider.GetRequiredService<ServiceSwitches>();
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, staff.UserName), new Claim(ClaimTypes.NameIdentifier, staff.Id), new Claim(CurrentUser.SessionClaim, "test-session")], "test"));
        var change = new SwitchChange(close ? "演练：关闭信息共享" : "演练结束：恢复信息共享", app.TotpNow(staff));
        var outcome = close ? await switches.CloseAsync(user, "Sharing", change) : await switches.ReopenAsync(user, "Sharing", change);
        Assert.True(outcome.IsOk, outcome.Message ?? string.Join("; ", outcome.Errors.Select(e => e.Message)));
    }

    private async Task<int> OkCountAsync(ServerProcess server, string from, int count)
    {
        using var client = Client(server, from);
        var ok = 0;
        for (var i = 0; i < count; i++)
        {
            ok += (await client.GetAsync("/api/public/v1/subjects?q=商贸")).StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        return ok;
    }

    private async Task<HttpStatusCode> StatusAsync(ServerProcess server, string from, string path)
    {
        using var client = Client(server, from);
        return (await client.GetAsync(path)).StatusCode;
    }

    private async Task<bool> BothAsync(ServerProcess first, ServerProcess second, string from, string path, HttpStatusCode expected) =>
        await StatusAsync(first, from, path) == expected && await StatusAsync(second, from, path) == expected;

    private HttpClient Client(ServerProcess server, string from) => new ServerProcess.KestrelProbe(app, server.Address, null, IPAddress.Parse(from)).Client;

    private static async Task<double> SecondsUntilAsync(Func<Task<bool>> condition, int timeoutSeconds)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(timeoutSeconds), $"not within {timeoutSeconds} s");
            await Task.Delay(25);
        }

        return watch.Elapsed.TotalSeconds;
    }
}
