using System.Net;
using System.Net.Http.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Security;

public class KillSwitchTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private async Task<(HttpClient Client, TestStaff Staff)> SecurityAdminAsync()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.SecurityAdmin);
        return (await app.SignInAsync(staff), staff);
    }

    // The sign-in used the current code, which an authenticator never accepts twice: the next one is 30 s on.
    private string NextCode(TestStaff staff)
    {
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        return app.TotpNow(staff);
    }

    [Fact]
    public async Task Sharing_closes_with_a_second_factor_the_console_stays_up_and_a_second_person_reopens_it()
    {
        var (a, alice) = await SecurityAdminAsync();
        var (b, bob) = await SecurityAdminAsync();
        var reviewer = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        var anonymous = app.Browser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/shared/changes")).StatusCode);

        var wrongCode = await a.PostAsJsonAsync("/api/v1/security/switches/Sharing/close", new SwitchChange("遭受大规模攻击，先行关闭", "000000"));
        Assert.Contains(("code", "switch.second_factor"), (await wrongCode.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        var noReason = await a.PostAsJsonAsync("/api/v1/security/switches/Sharing/close", new SwitchChange("", NextCode(alice)));
        Assert.Contains(("reason", "switch.reason_required"), (await noReason.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        Assert.Equal(HttpStatusCode.NotFound, (await a.PostAsJsonAsync("/api/v1/security/switches/Console/close", new SwitchChange("不存在的服务", NextCode(alice)))).StatusCode);

        var closed = await a.PostAsJsonAsync("/api/v1/security/switches/Sharing/close", new SwitchChange("遭受大规模攻击，先行关闭", NextCode(alice)));
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var shared = await anonymous.GetAsync("/api/v1/shared/changes");
        Assert.Equal("service.closed", (await shared.ProblemAsync(HttpStatusCode.ServiceUnavailable)).Code);
        Assert.True(shared.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await reviewer.GetAsync("/Sharing/Query")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await reviewer.GetAsync("/Sharing/Request?id=1")).StatusCode);

        // What stays up: the console, health, audit; other services.
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync("/Units")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/public")).StatusCode);
        var auditor = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.AuditAdmin));
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/audit")).StatusCode);

        var byCloser = await a.PostAsJsonAsync("/api/v1/security/switches/Sharing/reopen", new SwitchChange("攻击已处置完毕", NextCode(alice)));
        Assert.Equal("switch.same_person", (await byCloser.ProblemAsync(HttpStatusCode.Forbidden)).Code);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/api/v1/shared/changes")).StatusCode);
        var reopened = await b.PostAsJsonAsync("/api/v1/security/switches/Sharing/reopen", new SwitchChange("攻击已处置完毕，恢复共享", NextCode(bob)));
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/shared/changes")).StatusCode);

        var events = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == "Sharing" && e.EventCode >= 2105 && e.EventCode <= 2107)
            .OrderBy(e => e.Sequence).Select(e => new { e.EventCode, e.Account }).ToListAsync());
        Assert.Equal(
            [(2107, alice.UserName), (2105, alice.UserName), (2107, alice.UserName), (2106, bob.UserName)],
            events.Select(e => (e.EventCode, e.Account!)));
    }

    [Fact]
    public async Task Closed_public_queries_show_a_maintenance_notice_and_closed_intake_refuses_reports()
    {
        var (a, alice) = await SecurityAdminAsync();
        var (b, bob) = await SecurityAdminAsync();
        var anonymous = app.Browser();
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync("/api/v1/security/switches/PublicQueries/close", new SwitchChange("公共查询遭受抓取", NextCode(alice)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync("/api/v1/security/switches/ReportingIntake/close", new SwitchChange("报送接口遭受攻击", NextCode(alice)))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await a.PostAsJsonAsync("/api/v1/security/switches/ReportingIntake/close", new SwitchChange("重复关闭", NextCode(alice)))).StatusCode);

        foreach (var path in new[] { "/public", "/public/subjects/91640100MA7000001X", "/kiosk" })
        {
            var page = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Contains("系统维护中", await page.Content.ReadAsStringAsync());
        }

        Assert.Equal("service.closed", (await (await anonymous.GetAsync("/api/public/v1/subjects?q=商贸")).ProblemAsync(HttpStatusCode.ServiceUnavailable)).Code);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.PostAsync("/api/v1/reports/XZCF", JsonContent.Create(new { records = Array.Empty<object>() }))).StatusCode);
        // Reading what was reported is no intake.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/reports/assignments")).StatusCode);

        var switches = await b.GetFromJsonAsync<List<SwitchView>>("/api/v1/security/switches", WireJson.Options);
        Assert.Equal([false, true, true], switches!.Select(s => s.Closed));
        foreach (var service in new[] { "PublicQueries", "ReportingIntake" })
        {
            Assert.Equal(HttpStatusCode.OK, (await b.PostAsJsonAsync($"/api/v1/security/switches/{service}/reopen", new SwitchChange("处置完毕，恢复服务", NextCode(bob)))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/public")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await b.PostAsJsonAsync("/api/v1/security/switches/PublicQueries/reopen", new SwitchChange("再次开放", NextCode(bob)))).StatusCode);
    }

    [Fact]
    public async Task Guessing_the_second_factor_at_the_switch_locks_the_account_as_at_sign_in()
    {
        var (client, staff) = await SecurityAdminAsync();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/security/switches/Sharing/close", new SwitchChange("猜测动态口令", $"{i:D6}"));
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        var locked = await client.PostAsJsonAsync("/api/v1/security/switches/Sharing/close", new SwitchChange("猜测动态口令", NextCode(staff)));
        Assert.Equal("switch.locked_out", (await locked.ProblemAsync(HttpStatusCode.Forbidden)).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Browser().GetAsync("/api/v1/shared/changes")).StatusCode);
    }
}
