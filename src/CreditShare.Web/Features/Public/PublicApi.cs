using System.Text.Json;
using CreditShare.Web.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace CreditShare.Web.Features.Public;

/// <summary>The public JSON API for the mobile app and the WeChat mini-program (art. 12): no sign-in, rate limited.</summary>
public static class PublicApi
{
    public const string RateLimitPolicy = "public";

    public static RouteGroupBuilder MapPublicApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/public/v1").WithTags("公共查询").AllowAnonymous().RequireRateLimiting(RateLimitPolicy).ProducesProblems(429);
        group.MapGet("/subjects", async (string? q, int? page, HttpContext http, PublicRegister register) =>
            Cached(http, await register.SearchAsync(q, page ?? 1)))
            .WithName("searchPublicSubjects").WithSummary("按名称关键字（至少两个字）或统一社会信用代码查询主体")
            .DocumentQuery("q", "名称关键字（至少两个字）或统一社会信用代码").Produces<PublicSearchResult>().Produces(StatusCodes.Status304NotModified);
        group.MapGet("/subjects/{code}", async Task<IResult> (string code, HttpContext http, PublicRegister register) =>
            await register.FindAsync(code) is { } subject
                ? Cached(http, subject)
                : Problems.NotFound("subject.not_found", "未找到该统一社会信用代码对应的主体"))
            .WithName("getPublicSubject").WithSummary("主体的公示信息：基本信息及公示期内各类别记录")
            .Produces<PublicSubject>().Produces(StatusCodes.Status304NotModified).ProducesProblems(404);
        group.MapPost("/subjects/{code}/reports", async Task<IResult> (string code, HttpContext http, CreditReports reports) =>
        {
            var issued = await reports.IssueAsync(code, PublicRateLimits.BaseUrl(http));
            if (issued is null)
            {
                return Problems.NotFound("subject.not_found", "未找到该统一社会信用代码对应的主体");
            }

            http.Response.Headers["X-Report-Number"] = issued.Number;
            http.Response.Headers["X-Verification-Code"] = issued.VerificationCode;
            http.Response.Headers.Location = $"/api/public/v1/reports/{issued.Number}";
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.File(issued.Pdf, "application/pdf", issued.FileName);
        }).WithName("issueCreditReport").WithSummary("出具信用报告（PDF），响应头给出报告编号和验证码")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf").ProducesProblems(404)
            .DocumentResponseHeader(StatusCodes.Status200OK, "X-Report-Number", "报告编号")
            .DocumentResponseHeader(StatusCodes.Status200OK, "X-Verification-Code", "验证码（与报告编号一起核验）");
        group.MapGet("/reports/{number}", async Task<IResult> (string number, string? code, CreditReports reports) =>
            await reports.VerifyAsync(number, code) is { } found ? TypedResults.Ok(found) : NotGenuine())
            .WithName("verifyCreditReport").WithSummary("按报告编号和验证码核验信用报告：出具时间、主体和文件指纹（SHA-256）")
            .DocumentQuery("code", "报告上印的验证码", required: true).Produces<ReportVerification>().ProducesProblems(404);
        group.MapPost("/reports/{number}/verify", async Task<IResult> (string number, string? code, HttpContext http, CreditReports reports) =>
        {
            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxReportBytes;
            }

            using var body = await PooledBody.ReadAsync(http.Request, MaxReportBytes, http.RequestAborted);
            return await reports.VerifyAsync(number, code, body.Memory.ToArray()) is { } found ? TypedResults.Ok(found) : NotGenuine();
        }).WithName("verifyCreditReportFile").WithSummary("核验信用报告文件：正文为 PDF 文件，fileMatches 说明是否与出具时一致")
            .DocumentQuery("code", "报告上印的验证码", required: true)
            .DocumentRawBody("application/pdf", "待核验的报告文件（不超过 20 MB）", binary: true)
            .Produces<ReportVerification>().ProducesProblems(404, 413);
        return group;
    }

    private const long MaxReportBytes = 20 * 1024 * 1024;

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotGenuine() => Problems.NotFound("report.not_found", "报告编号或验证码不正确，该报告不是本平台出具的");

    /// <summary>
    /// A short public cache lifetime (records appear and leave by the day) and an ETag over the body, so an app asking
    /// again gets 304 without the body.
    /// </summary>
    private static IResult Cached<T>(HttpContext http, T value)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
        var etag = new EntityTagHeaderValue($"\"{Core.Crypto.ContentDigest.Hex(body)[..32]}\"");
        http.Response.Headers.CacheControl = "public, max-age=300";
        http.Response.Headers.ETag = etag.ToString();
        var sent = http.Request.GetTypedHeaders().IfNoneMatch;
        if (sent.Any(t => t.Compare(etag, useStrongComparison: false) || t.Equals(EntityTagHeaderValue.Any)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }
}
