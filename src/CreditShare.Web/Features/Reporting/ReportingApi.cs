using System.Globalization;
using CreditShare.Core;
using CreditShare.Core.Contract;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Reporting;

/// <summary>The "data interface" channel (art. 7): a source unit's system reports over mutual TLS.</summary>
public static class ReportingApi
{
    public static RouteGroupBuilder MapReporting(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("数据报送").RequireAuthorization(Policies.UnitSystem).ProducesProblems(401, 403);
        group.MapPost("/reports/{categoryCode}", SubmitAsync)
            // Both media types: the framework answers 415 itself for a type not listed here, before the handler's reasons.
            .Accepts<List<Dictionary<string, string>>>("application/json", "text/csv", Workbook)
            .DocumentRawBody("text/csv", "application/json：记录数组，每条以字段代码为键；text/csv：首行为字段代码或中文名称，UTF-8 或 GBK", binary: false)
            .DocumentHeader("Idempotency-Key", "批次的幂等键：同一键重发返回首次的结果（replayed），用于另一内容的批次则 409", maxLength: 100)
            .WithName("submitReport").WithSummary("报送一批信用记录（JSON 记录数组或 CSV），逐条返回结果；响应头 CreditShare-Receipt 为平台签名回执")
            .ProducesProblems(400, 404, 409, 413, 415);
        group.MapGet("/reports/batches/{id:guid}", async Task<Results<Ok<BatchResult>, ProblemHttpResult>> (Guid id, HttpContext http, ReportingService reporting) =>
            (await reporting.FindBatchAsync(UnitId(http), id)).ToOk())
            .WithName("getBatch").WithSummary("查看本单位已报送批次的结果").ProducesProblems(404);
        group.MapGet("/reports/batches/{id:guid}/receipt", async Task<Results<Ok<SignedReceipt>, ProblemHttpResult>> (Guid id, HttpContext http, BatchReceipts receipts) =>
            await receipts.FindAsync(UnitId(http), id, http.RequestAborted) is { } receipt
                ? TypedResults.Ok(receipt)
                : Problems.NotFound("batch.not_found", "批次不存在，或不属于本单位"))
            .WithName("getBatchReceipt").WithSummary("本单位批次的平台签名回执（可凭平台 CA 证书离线验证）").ProducesProblems(404);
        group.MapPost("/reports/{categoryCode}/withdrawals", async Task<Results<Ok<RecordSummary>, ProblemHttpResult>> (string categoryCode, WithdrawRequest body, HttpContext http, ReportingService reporting) =>
            (await reporting.WithdrawAsync(Machine(http), categoryCode, body.SourceKey ?? "", body.Reason)).ToOk())
            .WithName("withdrawRecord").WithSummary("撤销本单位报送的一条记录（按业务主键）").ProducesProblems(400, 404, 409);
        group.MapGet("/abnormal", ListAbnormalAsync).WithName("listAbnormal").WithSummary("本单位未处理的异常数据（被拒绝的记录及原因，每页100条）");
        // What this unit may report and in whose name, as the center assigned it.
        group.MapGet("/reports/assignments", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (HttpContext http, ReportingAssignments assignments) =>
            await assignments.ForUnitAsync(UnitId(http)) is { } view ? TypedResults.Ok(view) : Problems.NotFound("unit.not_found", "单位不存在"))
            .WithName("getReportingAssignments").WithSummary("本单位可报送的类别与可代报的机关").ProducesProblems(404);
        return group;
    }

    public const string Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static int UnitId(HttpContext http) => int.Parse(http.User.FindFirst(CurrentUser.UnitIdClaim)!.Value, CultureInfo.InvariantCulture);

    /// <summary>A unit's system reports through channel <c>api</c>, its gateway (前置机) through <c>gateway</c>.</summary>
    private static Submitter Machine(HttpContext http) =>
        new(UnitId(http), http.User.UnitCode()!, http.User.IsGateway() ? "gateway" : "api", $"cert:{http.User.FindFirst(CurrentUser.CertificateSerialClaim)!.Value}");

    private static async Task<Results<Ok<BatchResult>, ProblemHttpResult>> SubmitAsync(
        string categoryCode, HttpContext http, ReportingService reporting, BatchReceipts receipts, Catalog.CatalogService catalog, AppDbContext db,
        IOptions<ReportingOptions> options)
    {
        var unitId = UnitId(http);
        if (!await db.Units.AnyAsync(u => u.Id == unitId && (u.Roles & UnitRoles.Source) != 0))
        {
            return Problems.Forbidden("report.not_source_unit", "本单位不是数据源单位，不能报送信用信息");
        }

        var category = await catalog.GetAsync(categoryCode);
        if (category is null)
        {
            return Problems.NotFound("catalog.not_found", $"信息类别“{categoryCode}”不存在");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxBodyBytes;
        }

        if (http.Request.ContentLength > options.Value.MaxBodyBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "request.too_large", "请求内容过大",
                $"单次报送不超过 {options.Value.MaxBodyBytes / 1024 / 1024} MB，请拆分批次");
        }

        // Batches are megabytes: a pooled buffer keeps each one from becoming a fresh large-object allocation.
        using var buffer = await PooledBody.ReadAsync(http.Request, options.Value.MaxBodyBytes, http.RequestAborted);
        var body = buffer.Memory;
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var (rows, errors, read) = mediaType switch
        {
            "application/json" => ReportParsing.ParseJson(body),
            "text/csv" => ReportParsing.ParseCsv(body, category),
            // A department's workbook as it is (the gateway sends .xlsx files whole), read with the portal's zip-bomb limits.
            Workbook => Documents.Workbooks.Read(new MemoryStream(body.ToArray(), writable: false), category),
            _ => (null, [new FieldError("Content-Type", "report.media_type", "请以 application/json（记录数组）、text/csv（首行为字段代码或名称）或 Excel 工作簿（.xlsx）报送")], null),
        };
        if (rows is null)
        {
            return mediaType is "application/json" or "text/csv" or Workbook
                ? Problems.Validation(errors, "批次无法解析，未保存任何记录")
                : Problems.Create(StatusCodes.Status415UnsupportedMediaType, "report.media_type", "不支持的内容类型", errors[0].Message, errors);
        }

        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var outcome = await reporting.SubmitAsync(Machine(http), categoryCode, rows, key, ReportingService.HashBody(body.Span), read, http.RequestAborted);
        if (outcome.IsOk)
        {
            // Every answer for a stored batch, first or replayed, carries the platform's signed receipt for it.
            http.Response.Headers[SignedReceipt.Header] = ReceiptDigest.ToHeader(await receipts.ForAnswerAsync(unitId, outcome.Value!, http.RequestAborted));
        }

        return outcome.ToOk();
    }

    private static async Task<Ok<List<AbnormalView>>> ListAbnormalAsync(string? category, int? page, HttpContext http, AppDbContext db)
    {
        var unitId = UnitId(http);
        var query = db.AbnormalEntries.AsNoTracking().Where(a => a.UnitId == unitId && a.ClosedAt == null);
        if (!string.IsNullOrWhiteSpace(category))
        {
            query = query.Where(a => a.CategoryCode == category);
        }

        var rows = await query.OrderBy(a => a.Id).Skip((Math.Max(page ?? 1, 1) - 1) * 100).Take(100).ToListAsync();
        return TypedResults.Ok(rows.Select(a => new AbnormalView(a.Id, a.CategoryCode, a.BatchId, a.RowIndex, a.SourceKey.Length == 0 ? null : a.SourceKey,
            System.Text.Json.JsonSerializer.Deserialize<List<FieldError>>(a.ErrorsJson, System.Text.Json.JsonSerializerOptions.Web)!, a.CreatedAt, a.Annotation)).ToList());
    }
}
