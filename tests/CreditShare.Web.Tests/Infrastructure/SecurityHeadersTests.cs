using System.Net;

namespace CreditShare.Web.Tests.Infrastructure;

public class SecurityHeadersTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    [Theory]
    [InlineData("/SignIn")] // a page with a form
    [InlineData("/public")] // the public site
    [InlineData("/api/public/v1/subjects?q=商贸")] // the public API
    [InlineData("/css/site.css")] // a static file
    [InlineData("/no-such-page")] // a 404
    [InlineData("/api/v1/units")] // a refusal (no session)
    [InlineData("/health/ready")]
    public async Task Every_answer_carries_the_security_headers_and_no_server_banner(string path)
    {
        using var client = app.MachineClient(null);
        var response = await client.GetAsync(path);
        string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
            : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : "";

        Assert.Contains("default-src 'self'", Header("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", Header("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", Header("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("same-origin", Header("Referrer-Policy"));
        Assert.Contains("camera=()", Header("Permissions-Policy"), StringComparison.Ordinal);
        Assert.StartsWith("max-age=31536000", Header("Strict-Transport-Security"), StringComparison.Ordinal);
        Assert.Empty(Header("Server"));
    }

    [Fact]
    public async Task An_error_page_keeps_the_headers_too()
    {
        using var client = app.MachineClient(null);
        var response = await client.PostAsync("/api/public/v1/subjects/91110000710925462X/reports", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
        Assert.False(response.Headers.Contains("Server"));
    }
}
