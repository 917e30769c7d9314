using System.Net;
using System.Net.Http.Json;
using CreditShare.Core.Accounts;

namespace CreditShare.Web.Tests.Features.Accounts;

public class SessionTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private static async Task<bool> IsSignedInAsync(HttpClient client) => (await client.GetAsync("/Units")).StatusCode == HttpStatusCode.OK;

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server_so_a_copied_cookie_is_dead()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var client = await app.SignInAsync(staff);
        var cookie = await CookieHeaderAsync(client);

        // The copied cookie works while the session is open...
        var thief = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        thief.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/Units")).StatusCode);

        var signedOut = await SignOutAsync(client);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        // ...and is refused once the owner signed out, although the cookie itself has not expired.
        var stolen = await thief.GetAsync("/Units");
        Assert.Equal(HttpStatusCode.Redirect, stolen.StatusCode);
        Assert.Contains("/SignIn", stolen.Headers.Location!.ToString());
    }

    private static async Task<HttpResponseMessage> SignOutAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.PostAsync("/SignIn/SignOut", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
    }

    [Fact]
    public async Task An_idle_session_ends_after_fifteen_minutes()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var client = await app.SignInAsync(staff);
        app.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.True(await IsSignedInAsync(client));
        app.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.False(await IsSignedInAsync(client));
    }

    [Fact]
    public async Task An_active_session_still_ends_after_eight_hours()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var client = await app.SignInAsync(staff);
        for (var minutes = 10; minutes < 8 * 60; minutes += 10)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(10));
            Assert.True(await IsSignedInAsync(client), $"signed out after {minutes} minutes");
        }

        app.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.False(await IsSignedInAsync(client));
    }

    [Fact]
    public async Task Suspending_an_account_ends_all_its_sessions_at_once()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var laptop = await app.SignInAsync(staff);
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var desktop = await app.SignInAsync(staff);
        var admin = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));

        var suspended = await admin.PostAsync($"/api/v1/accounts/{staff.Id}/suspend", null);
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.True((await suspended.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("isSuspended").GetBoolean());
        Assert.False(await IsSignedInAsync(laptop));
        Assert.False(await IsSignedInAsync(desktop));

        var again = app.Browser();
        var refused = await again.PasswordStepAsync(staff.UserName, staff.Password);
        Assert.Contains("账号已停用", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Suspending_a_unit_ends_the_sessions_of_its_staff()
    {
        var unitId = await app.CreateUnitAsync("将被暂停的报送单位", "11640400", ["source"]);
        app.UnitIds["suspended-source"] = unitId;
        var reporter = await app.CreateStaffAsync(StaffRoles.Reporter, unit: "suspended-source");
        var client = await app.SignInAsync(reporter);
        Assert.True(await IsSignedInAsync(client));
        var sysadmin = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SystemAdmin));
        Assert.Equal(HttpStatusCode.OK, (await sysadmin.PostAsync($"/api/v1/units/{unitId}/suspend", null)).StatusCode);
        Assert.False(await IsSignedInAsync(client));
        var refused = await app.Browser().PasswordStepAsync(reporter.UserName, reporter.Password);
        Assert.Contains("账号已停用", await refused.Content.ReadAsStringAsync());
    }

    private static async Task<string> CookieHeaderAsync(HttpClient client)
    {
        // The test client keeps cookies in its handler; a page that echoes nothing still lets us read them back via a request.
        var probe = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        var response = await client.SendAsync(probe);
        response.EnsureSuccessStatusCode();
        var handlerCookies = probe.Headers.TryGetValues("Cookie", out var values) ? string.Join("; ", values) : "";
        Assert.Contains("creditshare.session", handlerCookies);
        return handlerCookies;
    }
}
