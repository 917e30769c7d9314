using System.Net;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Accounts;

/// <summary>
/// The app with the production sign-in limits (20 per address and minute) and a total of 30 per minute, and a test-only
/// way to choose the peer address: the in-memory test server has none of its own.
/// </summary>
public sealed class SignInLimitApp : CreditShareApp
{
    public const string PeerHeader = "X-Test-Peer";

    public SignInLimitApp()
    {
        ExtraSettings["Accounts:SignInAttemptsPerMinute"] = "20";
        ExtraSettings["Accounts:SignInAttemptsPerMinuteTotal"] = "30";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, PeerFromHeader>());
    }

    public HttpClient BrowserFrom(string address)
    {
        var client = Browser();
        client.DefaultRequestHeaders.Add(PeerHeader, address);
        return client;
    }

    /// <summary>Sets the connection's peer address as a real socket would, before anything else runs.</summary>
    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (context.Request.Headers.TryGetValue(PeerHeader, out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                }

                return following(context);
            });
            next(app);
        };
    }
}

public class SignInRateLimitTests(SignInLimitApp app) : IClassFixture<SignInLimitApp>
{
    [Fact]
    public async Task The_twenty_first_attempt_from_one_address_within_a_minute_is_refused_and_the_total_is_capped()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier);
        var attacker = app.BrowserFrom("203.0.113.7");
        for (var i = 0; i < 20; i++)
        {
            // 20 user names, as in the review's spray: each answered normally.
            var tried = await attacker.PasswordStepAsync($"user{i:D2}", "Guess-Password-1");
            Assert.Equal(HttpStatusCode.OK, tried.StatusCode);
            Assert.Contains("用户名或密码错误", await tried.Content.ReadAsStringAsync());
        }

        // The 21st is refused before any account is looked at: the right password gets the same refusal.
        var limited = await attacker.PasswordStepAsync(staff.UserName, staff.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Contains("登录尝试过于频繁", await limited.Content.ReadAsStringAsync());
        var other = await attacker.PasswordStepAsync("someone-else", "Other-Password-2");
        Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode);
        Assert.DoesNotContain("someone-else", await other.Content.ReadAsStringAsync());

        // The second step counts against the same address; showing the page does not.
        var code = await attacker.PostAsync("/SignIn/SecondFactor", new FormUrlEncodedContent([new("Code", "123456")]));
        Assert.Equal(HttpStatusCode.TooManyRequests, code.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await attacker.GetAsync("/SignIn")).StatusCode);

        // Another address is not held up by this one (20 used of the total of 30 so far)...
        var colleague = app.BrowserFrom("198.51.100.20");
        Assert.StartsWith("/SignIn/SecondFactor", (await colleague.PasswordStepAsync(staff.UserName, staff.Password)).Headers.Location!.OriginalString);
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.BrowserFrom($"192.0.2.{i + 1}").PasswordStepAsync($"spray{i}", "Guess-Password-1")).StatusCode);
        }

        // ...but all addresses together stop at 30 a minute.
        var thirtyFirst = await app.BrowserFrom("192.0.2.200").PasswordStepAsync(staff.UserName, staff.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, thirtyFirst.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:bbbb::2", "2001:db8:1:2::/64")]
    public void An_address_is_counted_as_itself_or_by_its_ipv6_64(string address, string key) =>
        Assert.Equal(key, SignInRateLimitPolicy.AddressKey(IPAddress.Parse(address)));
}
