using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Accounts;

public partial class SignInTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    [GeneratedRegex("validation-summary-errors[^>]*>.*?<li>(.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex SummaryError();

    [Fact]
    public async Task Signs_in_with_password_then_totp_and_audits_it()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var client = await app.SignInAsync(staff);
        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(StaffRoles.Querier, await home.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.SignIn_Succeeded && a.Account == staff.UserName)));
    }

    [Fact]
    public async Task Unknown_account_and_wrong_password_get_the_same_answer_in_similar_time()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var client = app.Browser();
        async Task<(string Message, long Ms)> AttemptAsync(string user)
        {
            var watch = Stopwatch.StartNew();
            var response = await client.PasswordStepAsync(user, "Wrong-password-1");
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (SummaryError().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value, watch.ElapsedMilliseconds);
        }

        var wrong = await AttemptAsync(staff.UserName);
        var unknown = await AttemptAsync("nobody-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.False(string.IsNullOrEmpty(wrong.Message));
        Assert.Equal(wrong.Message, unknown.Message);

        // Both paths run a full PBKDF2 verification; without the dummy hash the unknown path would be ~100x faster.
        var wrongTimes = new List<long>();
        var unknownTimes = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            wrongTimes.Add((await AttemptAsync(staff.UserName + "x")).Ms);
            unknownTimes.Add((await AttemptAsync("ghost" + i)).Ms);
        }

        Assert.True(unknownTimes.Order().ElementAt(1) * 4 >= wrongTimes.Order().ElementAt(1), $"unknown {string.Join(",", unknownTimes)} vs wrong {string.Join(",", wrongTimes)}");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_thirty_minutes()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var client = app.Browser();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PasswordStepAsync(staff.UserName, $"Wrong-{i}-Password")).StatusCode);
        }

        // The right password no longer opens the account, and the answer does not say why.
        var locked = await client.PasswordStepAsync(staff.UserName, staff.Password);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("用户名或密码错误", await locked.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.SignIn_LockedOut && a.Account == staff.UserName)));

        app.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await client.PasswordStepAsync(staff.UserName, staff.Password)).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var released = await client.PasswordStepAsync(staff.UserName, staff.Password);
        Assert.Equal(HttpStatusCode.Redirect, released.StatusCode);
    }

    [Fact]
    public async Task A_totp_code_cannot_be_replayed()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var code = app.TotpNow(staff);
        await app.SignInAsync(staff);

        var attacker = app.Browser();
        await attacker.PasswordStepAsync(staff.UserName, staff.Password);
        var replay = await attacker.PostFormAsync("/SignIn/SecondFactor", ("Code", code));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("已使用过", await replay.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.SignIn_SecondFactorFailed && a.Account == staff.UserName)));

        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var fresh = await attacker.PostFormAsync("/SignIn/SecondFactor", ("Code", app.TotpNow(staff)));
        Assert.Equal(HttpStatusCode.Redirect, fresh.StatusCode);
    }

    [Fact]
    public async Task First_sign_in_enrols_the_authenticator_then_forces_a_password_change()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Reviewer, enrolled: false);
        await app.WithDbAsync(async db =>
            await db.Users.Where(u => u.Id == staff.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.MustChangePassword, true)));
        var client = app.Browser();
        var step = await client.PasswordStepAsync(staff.UserName, staff.Password);
        Assert.StartsWith("/SignIn/Enrol", step.Headers.Location!.OriginalString);

        var enrolPage = await client.GetStringAsync("/SignIn/Enrol");
        Assert.Contains("<svg", enrolPage);
        var key = Regex.Match(enrolPage, "id=\"shared-key\">([A-Z2-7]+)<").Groups[1].Value;
        var wrong = await client.PostFormAsync("/SignIn/Enrol", ("Code", "000000"));
        Assert.Contains("动态口令不正确", await wrong.Content.ReadAsStringAsync());

        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var enrolled = await client.PostFormAsync("/SignIn/Enrol", ("Code", CreditShare.Web.Features.Accounts.ReplayProtectedAuthenticator.CurrentCode(key, app.Clock.GetUtcNow())));
        Assert.Equal("/SignIn/RecoveryCodes", enrolled.Headers.Location!.OriginalString);
        var codesPage = await client.GetStringAsync("/SignIn/RecoveryCodes");
        var recovery = Regex.Match(codesPage, "id=\"recovery-codes\">([^<]+)<").Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, recovery.Length);

        // Everything but the password page is closed until the one-time password is changed.
        Assert.Equal("/SignIn/ChangePassword", (await client.GetAsync("/Units")).Headers.Location!.OriginalString);
        var api = await client.GetAsync("/api/v1/units");
        Assert.Equal("account.must_change_password", (await api.ProblemAsync(HttpStatusCode.Forbidden)).GetProperty("code").GetString());

        var weak = await client.PostFormAsync("/SignIn/ChangePassword",
            ("Input.CurrentPassword", staff.Password), ("Input.NewPassword", "alllowercase"), ("Input.ConfirmPassword", "alllowercase"));
        Assert.Contains("至少三类", await weak.Content.ReadAsStringAsync());
        var sameAsName = staff.UserName + "A1!";
        var named = await client.PostFormAsync("/SignIn/ChangePassword",
            ("Input.CurrentPassword", staff.Password), ("Input.NewPassword", sameAsName), ("Input.ConfirmPassword", sameAsName));
        Assert.Contains("不能与用户名相同", await named.Content.ReadAsStringAsync());
        var changed = await client.PostFormAsync("/SignIn/ChangePassword",
            ("Input.CurrentPassword", staff.Password), ("Input.NewPassword", "New-Secret-2026"), ("Input.ConfirmPassword", "New-Secret-2026"));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Units")).StatusCode);

        // A recovery code replaces the TOTP once, and only once.
        var other = app.Browser();
        await other.PasswordStepAsync(staff.UserName, "New-Secret-2026");
        Assert.Equal(HttpStatusCode.Redirect, (await other.PostFormAsync("/SignIn/SecondFactor", ("Code", recovery[0]), ("UseRecoveryCode", "true"))).StatusCode);
        var third = app.Browser();
        await third.PasswordStepAsync(staff.UserName, "New-Secret-2026");
        Assert.Equal(HttpStatusCode.OK, (await third.PostFormAsync("/SignIn/SecondFactor", ("Code", recovery[0]), ("UseRecoveryCode", "true"))).StatusCode);
    }
}
