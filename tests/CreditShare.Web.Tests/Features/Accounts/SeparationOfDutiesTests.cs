using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Accounts;

/// <summary>Art. 17 attacked through the HTTP API, not through the pages that hide the buttons.</summary>
public class SeparationOfDutiesTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private async Task<(HttpClient Client, TestStaff Admin)> SecurityAdminAsync()
    {
        var admin = await app.CreateStaffAsync(StaffRoles.SecurityAdmin);
        return (await app.SignInAsync(admin), admin);
    }

    private Task<string[]> RolesOfAsync(string userId) => app.WithDbAsync(db =>
        db.UserRoles.Where(r => r.UserId == userId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).OrderBy(n => n).ToArrayAsync());

    [Fact]
    public async Task A_security_administrator_cannot_grant_roles_to_themselves()
    {
        var (client, admin) = await SecurityAdminAsync();
        var response = await client.PutAsJsonAsync($"/api/v1/accounts/{admin.Id}/roles", new { roles = new[] { StaffRoles.SecurityAdmin, StaffRoles.Querier } });
        Assert.Equal("account.self_change", (await response.ProblemAsync(HttpStatusCode.Forbidden)).Code);
        Assert.Equal([StaffRoles.SecurityAdmin], await RolesOfAsync(admin.Id));

        var reset = await client.PostAsync($"/api/v1/accounts/{admin.Id}/reset-second-factor", null);
        Assert.Equal("account.self_change", (await reset.ProblemAsync(HttpStatusCode.Forbidden)).Code);
        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == admin.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));
    }

    [Theory]
    [InlineData(StaffRoles.SecurityAdmin, StaffRoles.Querier, "role.separation_of_duties")]
    [InlineData(StaffRoles.SystemAdmin, StaffRoles.AuditAdmin, "role.admins_exclusive")]
    [InlineData(StaffRoles.Querier, "超级管理员", "role.unknown")]
    [InlineData(StaffRoles.Querier, StaffRoles.Reporter, "role.unit_mismatch")]
    public async Task Forbidden_role_sets_are_refused_and_change_nothing(string first, string second, string expectedCode)
    {
        var (client, _) = await SecurityAdminAsync();
        var target = await app.CreateStaffAsync(StaffRoles.Reviewer);
        var response = await client.PutAsJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = new[] { first, second } });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(("roles", expectedCode), problem.FieldErrors());
        Assert.Equal([StaffRoles.Reviewer], await RolesOfAsync(target.Id));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.Account_ChangeRefused && a.Target == $"account:{target.UserName}")));
    }

    [Fact]
    public async Task Creating_an_account_with_forbidden_roles_creates_nothing()
    {
        var (client, _) = await SecurityAdminAsync();
        var response = await client.PostAsJsonAsync("/api/v1/accounts",
            new { userName = "mixed.roles", displayName = "兼任者", unitId = app.UnitIds["center"], roles = new[] { StaffRoles.AuditAdmin, StaffRoles.Reviewer } });
        Assert.Contains(("roles", "role.separation_of_duties"), (await response.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.UserName == "mixed.roles")));

        var bad = await client.PostAsJsonAsync("/api/v1/accounts", new { userName = "a", displayName = "", unitId = 99999, roles = Array.Empty<string>() });
        var fields = (await bad.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors().Select(e => e.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "userName", "displayName", "unitId" }, fields);
    }

    /// <summary>A request that waits for a second 安全管理员 (202), approved by another one; the approval's answer.</summary>
    private async Task<HttpResponseMessage> ApprovedByAnotherAsync(HttpResponseMessage requested)
    {
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var pending = await requested.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(pending.TryGetProperty("initialPassword", out _));
        var action = pending.GetProperty("id").GetInt64();
        var (second, _) = await SecurityAdminAsync();
        return await second.PostAsync($"/api/v1/accounts/actions/{action}/approve", null);
    }

    [Fact]
    public async Task Grants_and_revocations_are_audited_and_end_the_target_sessions()
    {
        var (client, _) = await SecurityAdminAsync();
        var target = await app.CreateStaffAsync(StaffRoles.Reviewer);
        var targetClient = await app.SignInAsync(target);
        var response = await ApprovedByAnotherAsync(await client.PutAsJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = new[] { StaffRoles.Querier } }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([StaffRoles.Querier], await RolesOfAsync(target.Id));
        var events = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.Target == $"account:{target.UserName}").Select(a => new { a.EventCode, a.Detail, a.Account }).ToListAsync());
        Assert.Contains(events, e => e.EventCode == (int)AuditEvent.Account_RoleGranted && e.Detail == $"role={StaffRoles.Querier}");
        Assert.Contains(events, e => e.EventCode == (int)AuditEvent.Account_RoleRevoked && e.Detail == $"role={StaffRoles.Reviewer}");
        // The session ended: the next page sends the target back to sign in, not to a refusal of a live session.
        var afterwards = await targetClient.GetAsync("/Units");
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.Equal("/SignIn", afterwards.Headers.Location!.AbsolutePath);
        Assert.Equal("?ReturnUrl=%2FUnits", afterwards.Headers.Location.Query);
    }

    [Fact]
    public async Task Only_security_administrators_reach_the_accounts_api()
    {
        var querier = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Querier));
        Assert.Equal("forbidden", (await (await querier.GetAsync("/api/v1/accounts")).ProblemAsync(HttpStatusCode.Forbidden)).Code);
        var audit = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.AuditAdmin));
        var attempt = await audit.PutAsJsonAsync($"/api/v1/accounts/{Guid.NewGuid()}/roles", new { roles = new[] { StaffRoles.Querier } });
        await attempt.ProblemAsync(HttpStatusCode.Forbidden);
        var anonymous = app.Browser();
        Assert.Equal("unauthenticated", (await (await anonymous.GetAsync("/api/v1/accounts")).ProblemAsync(HttpStatusCode.Unauthorized)).Code);
    }

    [Fact]
    public async Task A_new_account_gets_a_one_time_password_that_meets_the_policy()
    {
        var (client, _) = await SecurityAdminAsync();
        var requested = await client.PostAsJsonAsync("/api/v1/accounts",
            new { userName = "new.reporter", displayName = "新报送员", unitId = app.UnitIds["source"], roles = new[] { StaffRoles.Reporter } });
        var response = await ApprovedByAnotherAsync(requested);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var password = body.GetProperty("initialPassword").GetString()!;
        Assert.True(password.Length >= 12);
        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.UserName == "new.reporter").Select(u => u.MustChangePassword).SingleAsync()));
        var signIn = await app.Browser().PasswordStepAsync("new.reporter", password);
        Assert.StartsWith("/SignIn/Enrol", signIn.Headers.Location!.OriginalString);
    }
}
