using System.Net;
using System.Net.Http.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Core.Security;
using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Security;

/// <summary>A platform whose lockout was loosened to ten attempts: its self-check must say so.</summary>
public sealed class LaxLockoutApp : CreditShareApp
{
    public LaxLockoutApp() => ExtraSettings["Accounts:MaxFailedAttempts"] = "10";
}

public class SelfCheckApiTests(LaxLockoutApp app) : IClassFixture<LaxLockoutApp>
{
    private sealed record Item(string Key, string ControlPoint, string Requirement, Verdict Verdict, string Evidence);

    private sealed record Result(DateTimeOffset At, List<Item> Items);

    [Fact]
    public async Task The_self_check_answers_every_item_from_the_running_system_and_a_loosened_setting_fails_its_item()
    {
        var admin = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        var result = await admin.GetFromJsonAsync<Result>("/api/v1/security/self-check", WireJson.Options);
        var items = result!.Items.ToDictionary(i => i.Key);
        Assert.True(items.Count >= 19);

        Assert.Equal(Verdict.NotMet, items["8.1.4.1-b"].Verdict);
        Assert.Contains("连续失败 10 次锁定", items["8.1.4.1-b"].Evidence);
        // This test host: detection off, cookies over plain HTTP, no restore drill yet, one security admin.
        Assert.Equal(Verdict.NotMet, items["8.1.4.4-f"].Verdict);
        Assert.Equal(Verdict.NotMet, items["8.1.4.1-c"].Verdict);
        Assert.Equal(Verdict.NotMet, items["8.1.4.9-a"].Verdict);
        // What holds here: unique names, the password policy, the intact keyed chain, encrypted personal data, 2FA for all.
        foreach (var key in new[] { "8.1.4.1-a", "8.1.4.3-c", "8.1.4.8-b", "8.1.4.2-d", "8.1.4.1-d" })
        {
            Assert.True(items[key].Verdict != Verdict.NotMet, $"{key}: {items[key].Evidence}");
        }

        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.Security_SelfCheckRun)));
        var reviewer = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/api/v1/security/self-check")).StatusCode);
    }
}
