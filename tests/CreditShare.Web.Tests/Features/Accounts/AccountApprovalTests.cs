using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Accounts;

/// <summary>The two-person rule for account changes, attacked through the HTTP API and the console pages.</summary>
public partial class AccountApprovalTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private async Task<(HttpClient Client, TestStaff Admin)> SecurityAdminAsync()
    {
        var admin = await app.CreateStaffAsync(StaffRoles.SecurityAdmin);
        return (await app.SignInAsync(admin), admin);
    }

    private static async Task<long> PendingIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var action = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", action.GetProperty("status").GetString());
        // The request's answer carries no secret: a one-time password exists only from the approval on.
        Assert.DoesNotContain("initialPassword", action.GetRawText());
        Assert.Equal($"/api/v1/accounts/actions/{action.GetProperty("id").GetInt64()}", response.Headers.Location!.OriginalString);
        return action.GetProperty("id").GetInt64();
    }

    private static async Task<string> ProblemCodeAsync(HttpResponseMessage response, HttpStatusCode status) =>
        (await response.ProblemAsync(status)).Code;

    private Task<int> AuditCountAsync(AuditEvent code, string target) =>
        app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EventCode == (int)code && a.Target == $"account:{target}"));

    [Theory]
    [InlineData(StaffRoles.Reviewer)]
    [InlineData(StaffRoles.AuditAdmin)]
    [InlineData(StaffRoles.SecurityAdmin)]
    public async Task One_security_administrator_cannot_create_a_reviewer_or_an_administrator_alone(string role)
    {
        var (first, firstAdmin) = await SecurityAdminAsync();
        var (second, secondAdmin) = await SecurityAdminAsync();
        var userName = $"n{Guid.NewGuid():N}"[..12];
        var id = await PendingIdAsync(await first.PostAsJsonAsync("/api/v1/accounts",
            new { userName, displayName = "新同事", unitId = app.UnitIds["center"], roles = new[] { role } }));
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.UserName == userName)));

        // The one who asked cannot approve it, nor reject it.
        Assert.Equal("account_action.self_review", await ProblemCodeAsync(await first.PostAsync($"/api/v1/accounts/actions/{id}/approve", null), HttpStatusCode.Forbidden));
        Assert.Equal("account_action.self_review", await ProblemCodeAsync(await first.PostAsJsonAsync($"/api/v1/accounts/actions/{id}/reject", new { reason = "撤回" }), HttpStatusCode.Forbidden));
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.UserName == userName)));

        var approved = await second.PostAsync($"/api/v1/accounts/actions/{id}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var body = await approved.Content.ReadFromJsonAsync<JsonElement>();
        var password = body.GetProperty("initialPassword").GetString()!;
        Assert.Equal([role], body.GetProperty("account").GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.Equal("approved", body.GetProperty("action").GetProperty("status").GetString());
        Assert.Equal(secondAdmin.UserName, body.GetProperty("action").GetProperty("reviewedBy").GetString());

        // Approving twice changes nothing more.
        Assert.Equal("account_action.not_pending", await ProblemCodeAsync(await second.PostAsync($"/api/v1/accounts/actions/{id}/approve", null), HttpStatusCode.Conflict));

        Assert.Equal(1, await AuditCountAsync(AuditEvent.Account_ActionRequested, userName));
        Assert.Equal(1, await AuditCountAsync(AuditEvent.Account_ActionApproved, userName));
        Assert.Equal(1, await AuditCountAsync(AuditEvent.Account_Created, userName));
        var decided = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.Target == $"account:{userName}"
            && (a.EventCode == (int)AuditEvent.Account_ActionApproved || a.EventCode == (int)AuditEvent.Account_Created)).OrderBy(a => a.Sequence).ToListAsync());
        Assert.Equal([(int)AuditEvent.Account_ActionApproved, (int)AuditEvent.Account_Created], decided.Select(a => a.EventCode));
        Assert.All(decided, a => Assert.Equal(secondAdmin.UserName, a.Account));
        Assert.Contains($"requested_by={firstAdmin.UserName}", decided[0].Detail);

        Assert.StartsWith("/SignIn/Enrol", (await app.Browser().PasswordStepAsync(userName, password)).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Resetting_another_persons_password_or_second_factor_needs_a_second_security_administrator()
    {
        var (first, _) = await SecurityAdminAsync();
        var (second, _) = await SecurityAdminAsync();
        var auditor = await app.CreateStaffAsync(StaffRoles.AuditAdmin);

        var passwordId = await PendingIdAsync(await first.PostAsync($"/api/v1/accounts/{auditor.Id}/reset-password", null));
        Assert.Equal("account_action.pending", await ProblemCodeAsync(await first.PostAsync($"/api/v1/accounts/{auditor.Id}/reset-password", null), HttpStatusCode.Conflict));
        Assert.Equal("account_action.self_review", await ProblemCodeAsync(await first.PostAsync($"/api/v1/accounts/actions/{passwordId}/approve", null), HttpStatusCode.Forbidden));
        // Until approved the old password still works: nothing was reset by the request alone.
        Assert.StartsWith("/SignIn/SecondFactor", (await app.Browser().PasswordStepAsync(auditor.UserName, auditor.Password)).Headers.Location!.OriginalString);

        var approved = await second.PostAsync($"/api/v1/accounts/actions/{passwordId}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var newPassword = (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("initialPassword").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await app.Browser().PasswordStepAsync(auditor.UserName, auditor.Password)).StatusCode);
        Assert.StartsWith("/SignIn/SecondFactor", (await app.Browser().PasswordStepAsync(auditor.UserName, newPassword)).Headers.Location!.OriginalString);
        Assert.Equal(1, await AuditCountAsync(AuditEvent.Account_PasswordReset, auditor.UserName));

        var factorId = await PendingIdAsync(await first.PostAsync($"/api/v1/accounts/{auditor.Id}/reset-second-factor", null));
        Assert.Equal("account_action.self_review", await ProblemCodeAsync(await first.PostAsync($"/api/v1/accounts/actions/{factorId}/approve", null), HttpStatusCode.Forbidden));
        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == auditor.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync($"/api/v1/accounts/actions/{factorId}/approve", null)).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Users.Where(u => u.Id == auditor.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(1, await AuditCountAsync(AuditEvent.Account_SecondFactorReset, auditor.UserName));
    }

    [Fact]
    public async Task The_account_concerned_cannot_decide_and_a_rejection_needs_a_reason()
    {
        var (first, _) = await SecurityAdminAsync();
        var (second, secondAdmin) = await SecurityAdminAsync();
        var (third, _) = await SecurityAdminAsync();

        var id = await PendingIdAsync(await first.PostAsync($"/api/v1/accounts/{secondAdmin.Id}/reset-second-factor", null));
        Assert.Equal("account_action.own_account", await ProblemCodeAsync(await second.PostAsync($"/api/v1/accounts/actions/{id}/approve", null), HttpStatusCode.Forbidden));
        Assert.Equal("account_action.own_account", await ProblemCodeAsync(await second.PostAsJsonAsync($"/api/v1/accounts/actions/{id}/reject", new { reason = "不需要" }), HttpStatusCode.Forbidden));

        var noReason = await third.PostAsJsonAsync($"/api/v1/accounts/actions/{id}/reject", new { reason = " " });
        Assert.Contains(("reason", "account_action.reason_required"), (await noReason.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        var rejected = await third.PostAsJsonAsync($"/api/v1/accounts/actions/{id}/reject", new { reason = "本人未提出重置" });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var action = await rejected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rejected", action.GetProperty("status").GetString());
        Assert.Equal("本人未提出重置", action.GetProperty("reviewNote").GetString());
        Assert.Equal("account_action.not_pending", await ProblemCodeAsync(await third.PostAsync($"/api/v1/accounts/actions/{id}/approve", null), HttpStatusCode.Conflict));

        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == secondAdmin.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(1, await AuditCountAsync(AuditEvent.Account_ActionRejected, secondAdmin.UserName));
        Assert.Equal(0, await AuditCountAsync(AuditEvent.Account_SecondFactorReset, secondAdmin.UserName));
        Assert.True(await AuditCountAsync(AuditEvent.Account_ChangeRefused, secondAdmin.UserName) >= 2);
    }

    [Fact]
    public async Task Taking_a_role_away_is_immediate_adding_one_waits_for_approval()
    {
        var (first, _) = await SecurityAdminAsync();
        var (second, _) = await SecurityAdminAsync();
        var target = await app.CreateStaffAsync(StaffRoles.Reviewer);
        Task<string[]> RolesAsync() => app.WithDbAsync(db =>
            db.UserRoles.Where(r => r.UserId == target.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).OrderBy(n => n).ToArrayAsync());

        Assert.Equal(HttpStatusCode.OK, (await first.PutAsJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = Array.Empty<string>() })).StatusCode);
        Assert.Empty(await RolesAsync());

        var id = await PendingIdAsync(await first.PutAsJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = new[] { StaffRoles.Querier } }));
        Assert.Empty(await RolesAsync());
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync($"/api/v1/accounts/actions/{id}/approve", null)).StatusCode);
        Assert.Equal([StaffRoles.Querier], await RolesAsync());
    }

    [GeneratedRegex("id=\"initial-password\">([^<]+)<")]
    private static partial Regex InitialPassword();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    /// <summary>Posts a page's form to one of its handlers, with the token the page gave.</summary>
    private static async Task<HttpResponseMessage> PostHandlerAsync(HttpClient client, string page, string handler, params (string Name, string Value)[] fields)
    {
        var token = Token().Match(await client.GetStringAsync(page)).Groups[1].Value;
        return await client.PostAsync($"{page}?handler={handler}", new FormUrlEncodedContent(
            fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token))));
    }

    [Fact]
    public async Task The_console_files_the_request_and_shows_the_password_only_to_the_approver()
    {
        var (first, _) = await SecurityAdminAsync();
        var (second, _) = await SecurityAdminAsync();
        var userName = $"c{Guid.NewGuid():N}"[..12];
        var created = await PostHandlerAsync(first, "/Accounts/Edit", "Create",
            ("Input.UserName", userName), ("Input.DisplayName", "控制台新人"), ("Input.UnitId", app.UnitIds["center"].ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Input.Roles", StaffRoles.Querier));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/Accounts/Pending", created.Headers.Location!.OriginalString);
        var asked = await first.GetStringAsync("/Accounts/Pending");
        Assert.Contains(userName, asked);
        Assert.Contains("待另一名安全管理员审批", asked);
        Assert.DoesNotMatch(InitialPassword(), asked);

        var id = await app.WithDbAsync(db => db.AccountActions.Where(a => a.UserName == userName).Select(a => a.Id).SingleAsync());
        var approved = await PostHandlerAsync(second, "/Accounts/Pending", "Approve", ("actionId", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var password = InitialPassword().Match(await second.GetStringAsync("/Accounts/Pending")).Groups[1].Value;
        Assert.Equal(16, password.Length);
        Assert.StartsWith("/SignIn/Enrol", (await app.Browser().PasswordStepAsync(userName, password)).Headers.Location!.OriginalString);
    }
}
