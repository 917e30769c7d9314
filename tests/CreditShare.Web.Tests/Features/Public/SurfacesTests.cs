using System.Net;

namespace CreditShare.Web.Tests.Features.Public;

public class SurfacesTests(PublicOnlyApp app) : IClassFixture<PublicOnlyApp>
{
    [Fact]
    public async Task A_public_only_instance_has_no_console_or_unit_api_not_even_a_sign_in_page()
    {
        var browser = app.Browser();
        foreach (var path in new[] { "/SignIn", "/Units", "/Audit", "/Reporting/Upload", "/api/v1/units", "/api/v1/reports/XZCF", "/api/v1/machine/whoami" })
        {
            var response = await browser.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }

        var home = await browser.GetAsync("/");
        Assert.Equal("/public", home.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Too_many_public_requests_from_one_address_get_429_with_retry_after_and_then_recover()
    {
        var browser = app.Browser();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6 && refused is null; i++)
        {
            var response = await browser.GetAsync("/api/public/v1/subjects?q=商贸");
            statuses.Add(response.StatusCode);
            refused = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(refused);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
        Assert.Equal("rate_limited", (await refused.ProblemAsync(HttpStatusCode.TooManyRequests)).Code);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.GetAsync("/public?q=商贸")).StatusCode);

        // The window slides on the app's clock (counts are kept in 10-second buckets shared by every instance).
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/public/v1/subjects?q=商贸")).StatusCode);
    }
}
