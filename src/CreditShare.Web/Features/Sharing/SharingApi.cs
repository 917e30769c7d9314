using CreditShare.Core;
using CreditShare.Core.Codes;
using CreditShare.Core.Contract;
using CreditShare.Core.Sharing;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

public sealed record GrantView(long Id, string Category, IReadOnlyList<string> Fields, string Purpose, DateOnly ValidFrom, DateOnly ValidTo, string Status)
{
    public static GrantView From(SharingGrant g) => new(g.Id, g.CategoryCode, g.Fields, g.Purpose, g.ValidFrom, g.ValidTo, Grants.StatusName(g.Status));
}

/// <summary>
/// The sharing interface (art. 10) for data-user units' systems, over mutual TLS. Every call states its purpose; every
/// answer is audited with the ids of the records it carried.
/// </summary>
public static class SharingApi
{
    public static RouteGroupBuilder MapSharing(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/shared").WithTags("数据共享").RequireAuthorization(Policies.UnitSystem).ProducesProblems(401, 403);
        // Before anything else a route does (purpose checks, name resolution, queries): only data users get further.
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var unitId = http.User.UnitId();
            var db = http.RequestServices.GetRequiredService<AppDbContext>();
            var roles = await db.Units.Where(u => u.Id == unitId).Select(u => (UnitRoles?)u.Roles).FirstOrDefaultAsync(http.RequestAborted);
            if (roles is { } r && UnitKinds.IsDataUser(r))
            {
                return await next(context);
            }

            return await RefusedAsync(http.RequestServices.GetRequiredService<AuditWriter>(), $"route:{Clip(http.Request.Path.Value ?? "")}",
                http.Request.Query["purpose"].FirstOrDefault(), "not_data_user",
                Problems.Forbidden("sharing.not_data_user", "本单位不是数据使用单位，不能调用共享接口"));
        });
        group.MapGet("/subjects/{code}", SubjectAsync).WithName("getSharedSubject").WithSummary("按主体查询共享信息（统一社会信用代码或身份证号）")
            .DocumentQuery("purpose", "调用用途（2至200字），如“行政许可审查”；每次调用都记入审计", required: true).ProducesProblems(400, 404);
        group.MapGet("/changes", ChangesAsync).WithName("listSharedChanges").WithSummary("增量变更（按游标顺序读取新增、更正、撤销、到期）")
            .DocumentQuery("purpose", "调用用途（2至200字），如“行政许可审查”；每次调用都记入审计", required: true)
            .DocumentQuery("after", "上一页返回的 next 游标；不填从头读")
            .DocumentQuery("limit", $"每页条数（1至{SharedData.MaxChanges}，默认100）").ProducesProblems(400);
        group.MapGet("/grants", async (HttpContext http, AppDbContext db, SharedData data) =>
        {
            var today = data.Today;
            var unitId = http.User.UnitId();
            var grants = await db.SharingGrants.AsNoTracking()
                .Where(g => g.UnitId == unitId && g.Status == GrantStatus.Approved && g.ValidTo >= today).OrderBy(g => g.CategoryCode).ToListAsync();
            return TypedResults.Ok(grants.Select(GrantView.From).ToList());
        }).WithName("listSharedGrants").WithSummary("本单位的有效共享授权");
        group.MapWebhooks();
        // Webhooks.cs maps the webhook endpoints; their names and problem answers are given here, by route, until it is split.
        ((IEndpointConventionBuilder)group).Add(DescribeWebhook);
        return group;
    }

    private static readonly Dictionary<(string Method, string Route), (string Name, int[] Problems)> WebhookOperations = new()
    {
        [("POST", "/webhooks")] = ("registerWebhook", [400]),
        [("GET", "/webhooks")] = ("listWebhooks", []),
        [("GET", "/webhooks/{id:int}/deliveries")] = ("listWebhookDeliveries", [404]),
        [("POST", "/webhooks/{id:int}/resume")] = ("resumeWebhook", [404]),
        [("DELETE", "/webhooks/{id:int}")] = ("deleteWebhook", [404]),
    };

    private static void DescribeWebhook(EndpointBuilder endpoint)
    {
        var route = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText ?? "";
        var method = endpoint.Metadata.OfType<IHttpMethodMetadata>().FirstOrDefault()?.HttpMethods is [var first, ..] ? first : "";
        var prefix = "/api/v1/shared";
        if (!route.StartsWith(prefix, StringComparison.Ordinal) || !WebhookOperations.TryGetValue((method, route[prefix.Length..]), out var operation))
        {
            return;
        }

        endpoint.Metadata.Add(new EndpointNameMetadata(operation.Name));
        endpoint.Metadata.Add(new RouteNameMetadata(operation.Name));
        foreach (var status in operation.Problems)
        {
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ApiProblem), [ApiProblem.MediaType]));
        }
    }

    private static FieldError? CheckPurpose(string? purpose) =>
        string.IsNullOrWhiteSpace(purpose) || purpose.Trim().Length < 2
            ? new FieldError("purpose", "sharing.purpose_required", "每次调用须说明查询用途（purpose 参数，如“行政许可审查”）")
            : purpose.Length > 200 ? new FieldError("purpose", "sharing.purpose_too_long", "查询用途不超过200字") : null;

    private static async Task<Results<Ok<SharedSubject>, ProblemHttpResult>> SubjectAsync(string code, string? purpose, HttpContext http, SharedData data,
        AppDbContext db, AuditWriter audit)
    {
        var refusal = await RefuseAsync(purpose, audit, $"subject:{Clip(code)}");
        if (refusal is not null)
        {
            return refusal;
        }

        var share = await data.ShareAsync(http.User.UnitId(), http.RequestAborted);
        if (share.Fields.Count == 0)
        {
            return await RefusedAsync(audit, $"subject:{Clip(code)}", purpose, "no_grant",
                Problems.Forbidden("sharing.no_grant", "本单位没有在有效期内的共享授权，请向信用中心申请"));
        }

        var subject = await data.FindSubjectAsync(code, http.RequestAborted);
        if (subject is null)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Data_SharedSubject, AuditOutcome.Success)
            { Target = $"subject:{Clip(code)}", Purpose = purpose!.Trim(), ResultCount = 0, Detail = Certificate(http) });
            return Problems.NotFound("subject.not_found", "平台中没有该代码对应的主体");
        }

        if (subject.Type == Core.Catalog.SubjectType.NaturalPerson && !share.NaturalPersons)
        {
            return await RefusedAsync(audit, $"subject:{subject.Id}", purpose, "natural_person_market",
                Problems.Forbidden("sharing.natural_person_consent_required", UnitShare.NaturalPersonRefusal));
        }

        var result = await data.SubjectAsync(subject, PersonalMask.Scrub(code.Trim()), share, http.RequestAborted);
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_SharedSubject, AuditOutcome.Success)
        {
            Target = $"subject:{subject.Id}",
            Purpose = purpose!.Trim(),
            ResultCount = result.Records.Count,
            Detail = Certificate(http),
            Shared = new SharedRecords(share.UnitId, "api", [.. result.Records.Select(r => r.Id)]),
        });
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<ChangePage>, ProblemHttpResult>> ChangesAsync(string? after, int? limit, string? purpose, HttpContext http,
        SharedData data, AppDbContext db, PersonalDataProtector protector, AuditWriter audit)
    {
        var refusal = await RefuseAsync(purpose, audit, "changes");
        if (refusal is not null)
        {
            return refusal;
        }

        var unitId = http.User.UnitId();
        var position = FeedPosition.Parse(after, unitId, protector);
        if (!position.IsOk)
        {
            if (position.Errors[0].Code is "cursor.forged" or "cursor.other_unit")
            {
                http.RequestServices.GetRequiredService<Security.TrafficCounter>().Record(http, Core.Security.AccessSignal.ForgedCursor);
            }

            return await RefusedAsync(audit, "changes", purpose, position.Errors[0].Code, position.ToProblem());
        }

        if (limit is < 1 or > SharedData.MaxChanges)
        {
            return Problems.Validation([new FieldError("limit", "feed.limit", $"limit 须在 1 到 {SharedData.MaxChanges} 之间")]);
        }

        var share = await data.ShareAsync(unitId, http.RequestAborted);
        var (changes, next, hasMore) = await data.ChangesAsync(share, position.Value, limit ?? 100, null, http.RequestAborted);
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_SharedChanges, AuditOutcome.Success)
        {
            Target = "changes",
            Purpose = purpose!.Trim(),
            ResultCount = changes.Count,
            Detail = $"{Certificate(http)};after={Clip(after ?? "")};next={next.Tx}-{next.Id}",
            Shared = new SharedRecords(unitId, "feed", [.. changes.Where(c => c.Change.Record is not null).Select(c => c.Change.RecordId)]),
        });
        return TypedResults.Ok(new ChangePage([.. changes.Select(c => c.Change)], next.Format(unitId, protector), hasMore));
    }

    /// <summary>Refuses a call without a purpose (audited); the group's filter has already refused units that are not data users.</summary>
    private static async Task<ProblemHttpResult?> RefuseAsync(string? purpose, AuditWriter audit, string target) =>
        CheckPurpose(purpose) is { } missing
            ? await RefusedAsync(audit, target, purpose, missing.Code, Problems.Validation([missing], "未说明查询用途，未返回任何数据"))
            : null;

    private static async Task<ProblemHttpResult> RefusedAsync(AuditWriter audit, string target, string? purpose, string reason, ProblemHttpResult problem)
    {
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_SharingRefused, AuditOutcome.Refused) { Target = target, Purpose = purpose?.Trim(), Detail = reason });
        return problem;
    }

    private static string Certificate(HttpContext http) => $"cert={http.User.FindFirst(CurrentUser.CertificateSerialClaim)?.Value}";

    private static string Clip(string value) => PersonalMask.Scrub(value.Length > 40 ? value[..40] : value);
}
