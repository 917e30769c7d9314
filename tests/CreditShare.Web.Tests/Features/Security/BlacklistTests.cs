using System.Net;
using System.Net.Http.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Security;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Security;

/// <summary>
/// A real server with the blacklist on and small windows: more than 20 public queries, 8 distinct subjects or 8 failed
/// sign-ins from one address within the window is abnormal. Clients come from their own loopback addresses
/// (127.0.x.y), one range per test; 127.0.3.0/24 is allow-listed.
/// </summary>
public sealed class BlacklistApp : KestrelApp
{
    public BlacklistApp()
    {
        ExtraSettings["Security:Mode"] = "Enforce";
        ExtraSettings["Security:Detection:PublicQuery:Threshold"] = "20";
        ExtraSettings["Security:Detection:PublicQuery:WindowSeconds"] = "60";
        ExtraSettings["Security:Detection:DistinctSubject:Threshold"] = "8";
        ExtraSettings["Security:Detection:SignInFailure:Threshold"] = "8";
        // The test runner's own address (127.0.0.1) makes many 4xx on purpose.
        ExtraSettings["Security:Detection:ClientError:Threshold"] = "1000000";
        ExtraSettings["Security:AllowList:0"] = "127.0.3.0/24";
        ExtraSettings["PublicSite:RequestsPerMinute"] = "100000";
    }

    public Task SyncAsync() => Services.GetRequiredService<SecuritySync>().SyncOnceAsync();

    public async Task<List<HttpStatusCode>> QueriesAsync(string from, int count, string path = "/api/public/v1/subjects?q=商贸")
    {
        using var client = ClientFrom(from);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add((await client.GetAsync(path)).StatusCode);
        }

        return statuses;
    }

    public async Task<HttpStatusCode> StatusFromAsync(string from, string path = "/api/public/v1/subjects?q=商贸")
    {
        using var client = ClientFrom(from);
        return (await client.GetAsync(path)).StatusCode;
    }

    public Task<List<AddressBlock>> BlocksOfAsync(string address) =>
        WithDbAsync(db => db.AddressBlocks.Where(b => b.Address == address).OrderBy(b => b.Id).ToListAsync());

    public Task<HttpClient> SecurityAdminAsync() => StaffAsync(StaffRoles.SecurityAdmin);

    /// <summary>Signed in over the real port from 127.0.0.1, sending Origin as a browser does with its API calls.</summary>
    public async Task<HttpClient> StaffAsync(string role)
    {
        var client = await this.SignInOverTlsAsync(await CreateStaffAsync(role));
        client.DefaultRequestHeaders.Add("Origin", BaseAddress.GetLeftPart(UriPartial.Authority));
        return client;
    }
}

public sealed class SimulatedBlacklistApp : KestrelApp
{
    public SimulatedBlacklistApp()
    {
        ExtraSettings["Security:Mode"] = "Simulate";
        ExtraSettings["Security:Detection:PublicQuery:Threshold"] = "20";
        ExtraSettings["PublicSite:RequestsPerMinute"] = "100000";
    }
}

public class BlacklistTests(BlacklistApp app) : IClassFixture<BlacklistApp>
{
    [Fact]
    public async Task An_abusive_address_among_fifty_normal_ones_is_blocked_with_its_attack_record_and_no_normal_one_is()
    {
        for (var i = 2; i <= 51; i++)
        {
            Assert.All(await app.QueriesAsync($"127.0.1.{i}", 3), s => Assert.Equal(HttpStatusCode.OK, s));
        }

        Assert.All(await app.QueriesAsync("127.0.1.99", 25), s => Assert.Equal(HttpStatusCode.OK, s));
        var decidedAt = app.Clock.GetUtcNow();
        await app.SyncAsync();

        using var abuser = app.ClientFrom("127.0.1.99");
        var refused = await abuser.GetAsync("/api/public/v1/subjects?q=商贸");
        var problem = await refused.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("address.blocked", problem.Code);
        Assert.Contains("如认为系被误拦截", problem.Detail);
        for (var i = 2; i <= 51; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await app.StatusFromAsync($"127.0.1.{i}"));
        }

        var block = Assert.Single(await app.BlocksOfAsync("127.0.1.99"));
        Assert.Equal(("短时间内大量公共查询", "公共信用信息查询", BlockReviews.Pending, false), (block.AttackType, block.Target, block.Review, block.Simulated));
        Assert.Contains("公共查询 25 次（阈值 20）", block.Evidence);
        Assert.Equal(decidedAt.AddMinutes(30), block.ExpiresAt);
        Assert.Empty(await app.WithDbAsync(db => db.AddressBlocks.Where(b => b.Address.StartsWith("127.0.1.") && b.Address != "127.0.1.99").ToListAsync()));
        var audited = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EventCode == (int)AuditEvent.Security_AddressBlocked && a.Target == "127.0.1.99").ToListAsync());
        Assert.Contains("攻击类型：短时间内大量公共查询", Assert.Single(audited).Detail);

        // The page says the same in Chinese, with the number to quote; the block's own refusals do not extend it.
        var page = await abuser.GetAsync("/public?q=商贸");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("访问已被限制", html);
        Assert.Contains($"<strong id=\"block-id\">{block.Id}</strong>", html);
        await app.SyncAsync();
        Assert.Single(await app.BlocksOfAsync("127.0.1.99"));

        // Health checks still answer a blocked address (a load balancer may share it).
        Assert.Equal(HttpStatusCode.OK, (await abuser.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task A_lifted_block_is_not_triggered_again_by_the_same_burst_and_a_repeat_offender_is_blocked_twice_as_long()
    {
        const string address = "127.0.2.9";
        await app.QueriesAsync(address, 25);
        await app.SyncAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await app.StatusFromAsync(address));
        var first = Assert.Single(await app.BlocksOfAsync(address));

        var admin = await app.SecurityAdminAsync();
        var pending = await admin.GetFromJsonAsync<List<BlockView>>("/api/v1/security/blocks?filter=pending", WireJson.Options);
        Assert.Contains(pending!, b => b.Id == first.Id && b.InForce);

        var noReason = await admin.PostAsJsonAsync($"/api/v1/security/blocks/{first.Id}/lift", new ReviewInput(""));
        Assert.Contains(("reason", "block.reason_required"), (await noReason.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        var lifted = await admin.PostAsJsonAsync($"/api/v1/security/blocks/{first.Id}/lift", new ReviewInput("核查为某单位批量核验，已电话确认"));
        Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await app.StatusFromAsync(address));

        // The burst is still in the window: without the allowance this would block it again at once.
        await app.QueriesAsync(address, 5);
        await app.SyncAsync();
        Assert.Equal(HttpStatusCode.OK, await app.StatusFromAsync(address));
        Assert.Single(await app.BlocksOfAsync(address));
        var again = await admin.PostAsJsonAsync($"/api/v1/security/blocks/{first.Id}/lift", new ReviewInput("再次解除"));
        Assert.Equal("block.already_lifted", (await again.ProblemAsync(HttpStatusCode.Conflict)).Code);

        // After the allowance, a new burst blocks it again, for twice as long (the second block in 30 days).
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        await app.QueriesAsync(address, 25);
        await app.SyncAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await app.StatusFromAsync(address));
        var second = (await app.BlocksOfAsync(address))[^1];
        Assert.Equal(TimeSpan.FromMinutes(60), second.ExpiresAt - second.CreatedAt);
        Assert.Contains("30 天内第 2 次", second.Evidence);

        var audited = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EventCode == (int)AuditEvent.Security_BlockLifted && a.Target == address).ToListAsync());
        Assert.Contains("核查为某单位批量核验", Assert.Single(audited).Detail);
    }

    [Fact]
    public async Task Confirming_a_block_after_review_extends_it_to_thirty_days()
    {
        const string address = "127.0.4.9";
        await app.QueriesAsync(address, 25);
        await app.SyncAsync();
        var block = Assert.Single(await app.BlocksOfAsync(address));
        var admin = await app.SecurityAdminAsync();
        var confirmed = await admin.PostAsJsonAsync($"/api/v1/security/blocks/{block.Id}/confirmation", new ReviewInput("核查确认为境外爬虫"));
        var view = await confirmed.Content.ReadFromJsonAsync<BlockView>(WireJson.Options);
        Assert.Equal(BlockReviews.Confirmed, view!.Review);
        Assert.Equal(app.Clock.GetUtcNow().AddDays(30), view.ExpiresAt);
        Assert.Equal(HttpStatusCode.Forbidden, await app.StatusFromAsync(address));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/v1/security/blocks/999999/confirmation", new ReviewInput("没有这条"))).StatusCode);
    }

    [Fact]
    public async Task An_allow_listed_address_is_never_blocked_and_a_decision_in_force_against_one_is_cleared()
    {
        Assert.All(await app.QueriesAsync("127.0.3.5", 40), s => Assert.Equal(HttpStatusCode.OK, s));
        await app.SyncAsync();
        Assert.Empty(await app.BlocksOfAsync("127.0.3.5"));

        // Decided before the address was allow-listed: cleared at the next synchronisation, and audited.
        await app.WithDbAsync(async db =>
        {
            db.AddressBlocks.Add(new AddressBlock
            {
                Address = "127.0.3.6",
                AttackType = "短时间内大量公共查询",
                Target = "公共信用信息查询",
                Evidence = "旧记录",
                CreatedAt = app.Clock.GetUtcNow(),
                ExpiresAt = app.Clock.GetUtcNow().AddDays(1),
            });
            return await db.SaveChangesAsync();
        });
        await app.SyncAsync();
        Assert.Equal(HttpStatusCode.OK, await app.StatusFromAsync("127.0.3.6"));
        var cleared = Assert.Single(await app.BlocksOfAsync("127.0.3.6"));
        Assert.Equal((BlockReviews.Lifted, "system"), (cleared.Review, cleared.ReviewedBy));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.Security_BlockClearedByAllowList && a.Target == "127.0.3.6")));
    }

    [Fact]
    public async Task A_manual_network_block_refuses_every_address_in_it_and_bad_entries_get_their_reasons()
    {
        var admin = await app.SecurityAdminAsync();
        var created = await admin.PostAsJsonAsync("/api/v1/security/blocks", new ManualBlockInput("127.0.5.0/24", "监测发现该网段扫描接口", 2));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<BlockView>(WireJson.Options);
        Assert.Equal((BlockSources.Manual, BlockReviews.Confirmed, true), (view!.Source, view.Review, view.InForce));

        Assert.Equal(HttpStatusCode.Forbidden, await app.StatusFromAsync("127.0.5.77", "/public"));
        Assert.Equal(HttpStatusCode.Forbidden, await app.StatusFromAsync("127.0.5.1", "/SignIn"));
        Assert.Equal(HttpStatusCode.OK, await app.StatusFromAsync("127.0.6.77", "/public"));

        foreach (var (input, field, code) in new[]
        {
            (new ManualBlockInput("10.0.0.0/8", "太宽的网段", 2), "address", "block.address_invalid"),
            (new ManualBlockInput("not-an-ip", "写错的地址", 2), "address", "block.address_invalid"),
            (new ManualBlockInput("127.0.3.9", "白名单内的地址", 2), "address", "block.allow_listed"),
            (new ManualBlockInput("198.51.100.7", "", 2), "reason", "block.reason_required"),
            (new ManualBlockInput("198.51.100.7", "没有时长的封禁", 0), "hours", "block.hours_invalid"),
            (new ManualBlockInput("198.51.100.7", "没有时长的封禁", null), "hours", "block.hours_invalid"),
        })
        {
            var refused = await admin.PostAsJsonAsync("/api/v1/security/blocks", input);
            Assert.Contains((field, code), (await refused.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        }

        // The blacklist is the 安全管理员's: a 业务审核员 neither sees nor changes it.
        var reviewer = await app.StaffAsync(StaffRoles.Reviewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/api/v1/security/blocks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsJsonAsync("/api/v1/security/blocks", new ManualBlockInput("198.51.100.8", "越权尝试", 1))).StatusCode);
    }

    [Fact]
    public async Task Looking_up_many_distinct_subjects_is_scraping_and_reading_one_subject_often_is_not()
    {
        using (var scraper = app.ClientFrom("127.0.6.9"))
        {
            for (var i = 0; i < 9; i++)
            {
                await scraper.GetAsync($"/api/public/v1/subjects/91640100MA7{i:D6}X");
            }
        }

        Assert.All(await app.QueriesAsync("127.0.6.10", 15, "/api/public/v1/subjects/91640100MA7000001X"), s => Assert.Equal(HttpStatusCode.NotFound, s));
        await app.SyncAsync();
        Assert.Equal("批量抓取主体信息", Assert.Single(await app.BlocksOfAsync("127.0.6.9")).AttackType);
        Assert.Empty(await app.BlocksOfAsync("127.0.6.10"));
        Assert.DoesNotContain("91640100MA7", string.Join(",", await app.WithDbAsync(db => db.TrafficSubjects.Select(t => t.SubjectHash).ToListAsync())));
    }

    [Fact]
    public async Task Failed_sign_ins_spread_over_many_accounts_block_the_address()
    {
        using var guesser = app.ClientFrom("127.0.7.9");
        var real = await app.CreateStaffAsync(StaffRoles.Reviewer);
        for (var i = 0; i < 9; i++)
        {
            var userName = i % 3 == 0 ? real.UserName : $"guess{i}";
            var answer = await guesser.PostFormAsync("/SignIn", ("Input.UserName", userName), ("Input.Password", "Wrong-password-1"));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        await app.SyncAsync();
        Assert.Equal("登录口令猜测（暴力破解）", Assert.Single(await app.BlocksOfAsync("127.0.7.9")).AttackType);
        Assert.Equal(HttpStatusCode.Forbidden, (await guesser.GetAsync("/SignIn")).StatusCode);
    }
}

public class SimulatedBlacklistTests(SimulatedBlacklistApp app) : IClassFixture<SimulatedBlacklistApp>
{
    [Fact]
    public async Task In_simulation_a_decision_is_recorded_and_nobody_is_refused()
    {
        using var client = app.ClientFrom("127.0.8.9");
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/public/v1/subjects?q=商贸")).StatusCode);
        }

        await app.Services.GetRequiredService<SecuritySync>().SyncOnceAsync();
        var block = await app.WithDbAsync(db => db.AddressBlocks.SingleAsync(b => b.Address == "127.0.8.9"));
        Assert.True(block.Simulated);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/public/v1/subjects?q=商贸")).StatusCode);
        var audited = await app.WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.EventCode == (int)AuditEvent.Security_AddressBlocked && a.Target == "127.0.8.9"));
        Assert.Contains("模拟模式，未执行", audited.Detail);
    }
}
