using System.Text.Json;

namespace CreditShare.Web.Tests.Operations;

/// <summary>
/// What a client generator needs from /openapi/v1.json, checked on the live document (fast; GeneratedClientTests
/// generates and compiles a real client once).
/// </summary>
public class OpenApiDocumentTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private async Task<JsonElement> DocumentAsync() =>
        JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement.Clone();

    private static List<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        [.. document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)).Select(m => (p.Name, m.Name, m.Value)))];

    private static JsonElement Operation(JsonElement document, string path, string method) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method);

    [Fact]
    public async Task Every_operation_has_a_unique_id_a_summary_security_and_problem_answers()
    {
        var operations = Operations(await DocumentAsync());
        Assert.True(operations.Count > 50, $"{operations.Count} operations");
        var ids = operations.Select(o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() : null).ToList();
        Assert.DoesNotContain(null, ids);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var (path, method, operation) in operations)
        {
            var name = $"{method} {path}";
            Assert.False(string.IsNullOrWhiteSpace(operation.TryGetProperty("summary", out var s) ? s.GetString() : null), name);
            Assert.True(operation.TryGetProperty("security", out var security) && security.GetArrayLength() == 1, name);
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            Assert.Contains(responses, r => r.Name.StartsWith('2'));
            foreach (var problem in responses.Where(r => r.Name.StartsWith('4')))
            {
                Assert.Equal("#/components/schemas/ApiProblem",
                    problem.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
            }

            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                Assert.True(responses.Any(r => r.Name.StartsWith('4')), $"{name} names no 4xx answer");
            }
        }
    }

    [Fact]
    public async Task Unit_apis_ask_for_mutual_tls_staff_apis_for_the_session_and_public_ones_for_nothing()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("mutualTLS", schemes.GetProperty("mutualTLS").GetProperty("type").GetString());
        Assert.Equal(("apiKey", "cookie", "creditshare.session"), (schemes.GetProperty("staffSession").GetProperty("type").GetString(),
            schemes.GetProperty("staffSession").GetProperty("in").GetString(), schemes.GetProperty("staffSession").GetProperty("name").GetString()));

        string[] Schemes(string path, string method) =>
            [.. Operation(document, path, method).GetProperty("security")[0].EnumerateObject().Select(p => p.Name)];
        Assert.Equal(["mutualTLS"], Schemes("/api/v1/reports/{categoryCode}", "post"));
        Assert.Equal(["mutualTLS"], Schemes("/api/v1/shared/webhooks", "post"));
        Assert.Equal(["staffSession"], Schemes("/api/v1/accounts", "get"));
        Assert.Equal([], Schemes("/api/public/v1/subjects", "get"));
        Assert.Equal([], Schemes("/pki/crl", "get"));
    }

    [Fact]
    public async Task Parameters_headers_and_bodies_are_as_the_handlers_read_them()
    {
        var document = await DocumentAsync();
        JsonElement Parameter(string path, string method, string name) =>
            Operation(document, path, method).GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

        Assert.True(Parameter("/api/v1/shared/changes", "get", "purpose").GetProperty("required").GetBoolean());
        Assert.True(Parameter("/api/v1/shared/subjects/{code}", "get", "purpose").GetProperty("required").GetBoolean());
        Assert.True(Parameter("/api/public/v1/reports/{number}", "get", "code").GetProperty("required").GetBoolean());
        Assert.False(Parameter("/api/v1/shared/changes", "get", "after").TryGetProperty("required", out var after) && after.GetBoolean());
        var key = Parameter("/api/v1/reports/{categoryCode}", "post", "Idempotency-Key");
        Assert.Equal(("header", 100), (key.GetProperty("in").GetString(), key.GetProperty("schema").GetProperty("maxLength").GetInt32()));

        var report = Operation(document, "/api/v1/reports/{categoryCode}", "post").GetProperty("requestBody").GetProperty("content");
        Assert.Equal("array", report.GetProperty("application/json").GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal("string", report.GetProperty("text/csv").GetProperty("schema").GetProperty("type").GetString());
        var file = Operation(document, "/api/public/v1/reports/{number}/verify", "post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/pdf").GetProperty("schema");
        Assert.Equal(("string", "binary"), (file.GetProperty("type").GetString(), file.GetProperty("format").GetString()));

        var issued = Operation(document, "/api/public/v1/subjects/{code}/reports", "post").GetProperty("responses").GetProperty("200");
        Assert.True(issued.GetProperty("headers").TryGetProperty("X-Verification-Code", out _));
        Assert.True(issued.GetProperty("content").TryGetProperty("application/pdf", out _));
        Assert.Equal("#/components/schemas/PublicSearchResult", Operation(document, "/api/public/v1/subjects", "get").GetProperty("responses")
            .GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var accepted = document.GetProperty("components").GetProperty("schemas").GetProperty("BatchResult").GetProperty("properties").GetProperty("accepted");
        Assert.Equal(("integer", false), (accepted.GetProperty("type").GetString(), accepted.TryGetProperty("pattern", out _)));
        Assert.DoesNotContain(document.GetProperty("servers").EnumerateArray(), s => s.GetProperty("url").GetString()!.EndsWith('/'));
    }
}
