using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Security;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace CreditShare.Web.Tests.Infrastructure;

/// <summary>The app reaches its PostgreSQL through a relay the test cuts: the database is gone for this app alone.</summary>
public sealed class OutageApp : CreditShareApp
{
    public OutageApp()
    {
        if (!Database.IsPostgres)
        {
            return;
        }

        var direct = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        Relay = new TcpRelay(direct.Host!, direct.Port);
        // The test's own loop asks several times a second for a minute: the public limit is not what is tested here.
        ExtraSettings["PublicSite:RequestsPerMinute"] = "100000";
        ExtraSettings["ConnectionStrings:CreditShare"] = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Host = "127.0.0.1", Port = Relay.Port, Timeout = 3 }.ConnectionString;
    }

    public TcpRelay? Relay { get; }

    public override async Task DisposeAsync()
    {
        Relay?.Restore();
        await base.DisposeAsync();
        Relay?.Dispose();
    }
}

public class DatabaseOutageTests(OutageApp app, ITestOutputHelper output) : IClassFixture<OutageApp>
{
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(60);

    [PostgresFact]
    public async Task While_the_database_is_unreachable_every_surface_answers_503_with_retry_after_and_recovers_by_itself()
    {
        var console = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        var anonymous = app.Browser();
        var accepted = await console.PostAsJsonAsync("/api/v1/security/blocks", new ManualBlockInput("198.51.100.40", "停库前登记的封禁", 1));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);

        app.Relay!.Cut();
        var answers = new Dictionary<string, int>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < OutageLength)
        {
            foreach (var (name, send, page) in Requests(console, anonymous))
            {
                using var response = await send();
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{name} answered {(int)response.StatusCode} during the outage");
                Assert.True(response.Headers.RetryAfter?.Delta == TimeSpan.FromSeconds(30), $"{name} answered 503 without Retry-After");
                var body = await response.Content.ReadAsStringAsync();
                Assert.Contains(page ? "服务暂时不可用" : "database.unavailable", body);
                answers[name] = answers.GetValueOrDefault(name) + 1;
            }

            await Task.Delay(200);
        }

        app.Relay.Restore();
        var restored = Stopwatch.StartNew();
        while ((await anonymous.GetAsync("/api/public/v1/subjects?q=商贸")).StatusCode != HttpStatusCode.OK || (await console.GetAsync("/Units")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(restored.Elapsed < TimeSpan.FromSeconds(30), "the app did not recover within 30 s of the database coming back");
            await Task.Delay(250);
        }

        output.WriteLine($"{OutageLength.TotalSeconds:F0} s outage: {string.Join(", ", answers.Select(a => $"{a.Key} {a.Value}×503"))}; recovered {restored.Elapsed.TotalSeconds:F2} s after the database came back");
        foreach (var (name, send, _) in Requests(console, anonymous).Where(r => r.Name != "staff write"))
        {
            using var response = await send();
            Assert.True(response.IsSuccessStatusCode, $"{name} answered {(int)response.StatusCode} after recovery");
        }

        // What was accepted before is there once; what was refused during the outage is not there at all.
        var reasons = await app.WithDbAsync(db => db.AddressBlocks.Where(b => b.Address.StartsWith("198.51.100.")).Select(b => b.Evidence).ToListAsync());
        Assert.Single(reasons, r => r == "停库前登记的封禁");
        Assert.DoesNotContain("停库期间登记的封禁", reasons);
    }

    private static IEnumerable<(string Name, Func<Task<HttpResponseMessage>> Send, bool Page)> Requests(HttpClient console, HttpClient anonymous) =>
    [
        ("public API", () => anonymous.GetAsync("/api/public/v1/subjects?q=商贸"), false),
        ("public page", () => anonymous.GetAsync("/public?q=商贸"), true),
        ("console page", () => console.GetAsync("/Units"), true),
        ("staff API", () => console.GetAsync("/api/v1/units"), false),
        ("staff write", () => console.PostAsJsonAsync("/api/v1/security/blocks", new ManualBlockInput("198.51.100.41", "停库期间登记的封禁", 1)), false),
    ];
}
