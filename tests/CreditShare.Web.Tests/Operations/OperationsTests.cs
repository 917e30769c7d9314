using System.Net;
using System.Text.Json;

namespace CreditShare.Web.Tests.Operations;

public class OperationsTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(path)).StatusCode);

    [Fact]
    public async Task The_openapi_document_describes_every_api_group()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/units", paths);
        Assert.Contains("/api/v1/catalog/{code}", paths);
        Assert.Contains("/api/v1/accounts/{id}/roles", paths);
        Assert.Contains("/api/v1/certificates", paths);
        Assert.Contains("/api/v1/audit/verify", paths);
        Assert.Contains("/api/public/v1/subjects", paths);
        Assert.Contains("/api/public/v1/subjects/{code}/reports", paths);
        Assert.Contains("/api/public/v1/reports/{number}/verify", paths);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/api-docs")).StatusCode);
    }

    [Fact]
    public async Task Unknown_api_routes_answer_with_problem_json()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/no-such-thing");
        Assert.Equal("not_found", (await response.ProblemAsync(HttpStatusCode.NotFound)).Code);
    }
}
