using System.Net;
using CreditShare.Core.Accounts;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Infrastructure;

public class CrossSiteRequestTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private static HttpRequestMessage Post(string path, string? origin, string? referer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (referer is not null)
        {
            request.Headers.Referrer = new Uri(referer);
        }

        return request;
    }

    [Theory]
    [InlineData("http://evil.example", null)]
    [InlineData("null", null)]
    [InlineData(null, null)]
    [InlineData(null, "http://evil.example/page")]
    [InlineData("http://localhost.evil.example", null)]
    public async Task Body_less_staff_api_posts_with_the_session_cookie_from_another_site_are_refused(string? origin, string? referer)
    {
        var admin = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        var system = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SystemAdmin));
        var victim = await app.CreateStaffAsync(StaffRoles.Querier);
        admin.DefaultRequestHeaders.Remove("Origin");
        system.DefaultRequestHeaders.Remove("Origin");

        foreach (var (client, path) in new[]
        {
            (admin, $"/api/v1/accounts/{victim.Id}/suspend"),
            (admin, $"/api/v1/accounts/{victim.Id}/reset-password"),
            (system, $"/api/v1/units/{app.UnitIds["source"]}/suspend"),
        })
        {
            var problem = await (await client.SendAsync(Post(path, origin, referer))).ProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal("csrf.cross_origin", problem.Code);
        }

        Assert.False(await app.WithDbAsync(db => db.Users.Where(u => u.Id == victim.Id).Select(u => u.IsSuspended).SingleAsync()));
    }

    [Fact]
    public async Task The_same_call_from_the_site_itself_goes_through()
    {
        var admin = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        admin.DefaultRequestHeaders.Remove("Origin");
        var victim = await app.CreateStaffAsync(StaffRoles.Querier);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(Post($"/api/v1/accounts/{victim.Id}/suspend", "http://localhost"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(Post($"/api/v1/accounts/{victim.Id}/resume", null, "http://localhost/Accounts"))).StatusCode);

        // Without the cookie the guard is not involved: the call is simply unauthenticated.
        var anonymous = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        Assert.NotEqual(HttpStatusCode.Forbidden, (await anonymous.SendAsync(Post($"/api/v1/accounts/{victim.Id}/suspend", "http://evil.example"))).StatusCode);
    }
}
