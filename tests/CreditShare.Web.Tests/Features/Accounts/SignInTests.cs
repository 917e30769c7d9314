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
    internal static partial Regex SummaryError();

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

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    internal static partial Regex TokenPattern();

    /// <summary>The sign-in form's antiforgery token; it stays valid for every later post of the same client.</summary>
    internal static async Task<string> FormTokenAsync(HttpClient client) => TokenPattern().Match(await client.GetStringAsync("/SignIn")).Groups[1].Value;

    internal static FormUrlEncodedContent PasswordForm(string userName, string password, string token) =>
        new([new("Input.UserName", userName), new("Input.Password", password), new("__RequestVerificationToken", token)]);

    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    public async Task Wrong_passwords_sent_at_once_lock_the_account_at_the_fifth_and_are_all_audited(int burst)
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var clients = Enumerable.Range(0, burst).Select(_ => app.Browser()).ToList();
        var tokens = await Task.WhenAll(clients.Select(FormTokenAsync));

        // All at the same moment: each request has its form and token ready before any is sent.
        var responses = await Task.WhenAll(clients.Select((client, i) => client.PostAsync("/SignIn", PasswordForm(staff.UserName, $"Wrong-{i}-Password", tokens[i]))));
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("用户名或密码错误", await response.Content.ReadAsStringAsync());
        }

        var lockedUntil = await app.WithDbAsync(db => db.Users.Where(u => u.Id == staff.Id).Select(u => u.LockoutEnd).SingleAsync());
        Assert.True(lockedUntil > app.Clock.GetUtcNow(), $"not locked after {burst} parallel failures (lockout end {lockedUntil})");
        var failures = await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Account == staff.UserName
            && (a.EventCode == (int)AuditEvent.SignIn_PasswordFailed || a.EventCode == (int)AuditEvent.SignIn_LockedOut)));
        Assert.Equal(burst, failures);

        var right = await app.Browser().PasswordStepAsync(staff.UserName, staff.Password);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("用户名或密码错误", await right.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Five_wrong_second_factor_codes_sent_at_once_lock_the_account()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var clients = new List<(HttpClient Client, string Token)>();
        for (var i = 0; i < 5; i++)
        {
            var client = app.Browser();
            Assert.StartsWith("/SignIn/SecondFactor", (await client.PasswordStepAsync(staff.UserName, staff.Password)).Headers.Location!.OriginalString);
            clients.Add((client, TokenPattern().Match(await client.GetStringAsync("/SignIn/SecondFactor")).Groups[1].Value));
        }

        var wrongCode = app.TotpNow(staff) == "000000" ? "111111" : "000000";
        await Task.WhenAll(clients.Select(c => c.Client.PostAsync("/SignIn/SecondFactor",
            new FormUrlEncodedContent([new("Code", wrongCode), new("__RequestVerificationToken", c.Token)]))));

        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == staff.Id).Select(u => u.LockoutEnd).SingleAsync()) > app.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, (await app.Browser().PasswordStepAsync(staff.UserName, staff.Password)).StatusCode);
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
    public async Task First_sign_in_enrols_the_authenticator_then_forces_a_password_change_then_the_terms_of_use()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Reviewer, enrolled: false, acceptedTerms: false);
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
        Assert.Equal("account.must_change_password", (await api.ProblemAsync(HttpStatusCode.Forbidden)).Code);

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

        // Then the terms of use (art. 4, 23): nothing else until they are accepted.
        Assert.Equal("/SignIn/Terms", (await client.GetAsync("/Units")).Headers.Location!.OriginalString);
        Assert.Equal("account.must_accept_terms", (await (await client.GetAsync("/api/v1/units")).ProblemAsync(HttpStatusCode.Forbidden)).Code);
        Assert.Contains("第二十三条", await client.GetStringAsync("/SignIn/Terms"));
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/SignIn/Terms", ("Accept", "true"))).StatusCode);
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

/// <summary>
/// The timing comparison runs alone (after the parallel tests): it compares means within 20 %, and other test classes
/// hashing passwords on the same two cores at the same moment would measure them rather than the server.
/// </summary>
[CollectionDefinition(nameof(TimingSensitive), DisableParallelization = true)]
public sealed class TimingSensitive;

[Collection(nameof(TimingSensitive))]
public class SignInTimingTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private static Regex SummaryError() => SignInTests.SummaryError();

    private static Task<string> FormTokenAsync(HttpClient client) => SignInTests.FormTokenAsync(client);

    private static FormUrlEncodedContent PasswordForm(string userName, string password, string token) => SignInTests.PasswordForm(userName, password, token);

    [Fact]
    public async Task A_locked_account_a_wrong_password_and_an_unknown_name_take_the_same_time()
    {
        var locked = await app.CreateStaffAsync(StaffRoles.Querier);
        var locker = app.Browser();
        for (var i = 0; i < 5; i++)
        {
            await locker.PasswordStepAsync(locked.UserName, $"Wrong-{i}-Password");
        }

        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == locked.Id).Select(u => u.LockoutEnd).SingleAsync()) > app.Clock.GetUtcNow());

        // Four wrong passwords each on five accounts (none of them locks), a sixth for the warm-up.
        var wrong = new List<TestStaff>();
        for (var i = 0; i < 6; i++)
        {
            wrong.Add(await app.CreateStaffAsync(StaffRoles.Querier));
        }

        var client = app.Browser();
        var token = await FormTokenAsync(client);
        async Task<double> TimeAsync(string userName)
        {
            var watch = Stopwatch.StartNew();
            var response = await client.PostAsync("/SignIn", PasswordForm(userName, "Wrong-password-1", token));
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(CreditShare.Web.Features.Accounts.SignInFlow.GenericFailure, SummaryError().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value);
            return watch.Elapsed.TotalMilliseconds;
        }

        await TimeAsync(locked.UserName);
        await TimeAsync(wrong[5].UserName);
        await TimeAsync("ghost-warm-up");

        // Interleaved, and in a rotating order, so a busy moment of the machine falls on all three alike.
        var kinds = new[] { "locked", "wrong", "unknown" };
        var times = kinds.ToDictionary(k => k, _ => new List<double>());
        for (var round = 0; round < 20; round++)
        {
            for (var k = 0; k < kinds.Length; k++)
            {
                var kind = kinds[(k + round) % kinds.Length];
                var userName = kind switch
                {
                    "locked" => locked.UserName,
                    "wrong" => wrong[round % 5].UserName,
                    _ => $"ghost{round}-{Guid.NewGuid():N}"[..16],
                };
                times[kind].Add(await TimeAsync(userName));
            }
        }

        // The mean of each without its two fastest and two slowest tries (a pause of the machine is not the server's answer).
        var means = times.ToDictionary(t => t.Key, t => t.Value.Order().Skip(2).SkipLast(2).Average());
        var report = string.Join("; ", means.Select(m => $"{m.Key} {m.Value:F1} ms [{string.Join(",", times[m.Key].Select(x => x.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}]"));
        Assert.True(means.Values.Max() <= means.Values.Min() * 1.2, report);
        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == wrong[0].Id).Select(u => u.LockoutEnd).SingleAsync()) is null, "four failures must not lock");
    }
}
