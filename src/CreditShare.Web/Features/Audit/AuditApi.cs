using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Audit;

public sealed record AuditQuery(DateTimeOffset? From, DateTimeOffset? To, int? EventCode, string? Account, string? Outcome, int Page = 1, int PageSize = 50);

public sealed record AuditRow(long Sequence, DateTimeOffset OccurredAt, int EventCode, string EventName, string? Account, string? UnitCode, string? ClientIp,
    string? Target, string? Purpose, string Outcome, int? ResultCount, string? Detail, string Hash);

public sealed record AuditPage(IReadOnlyList<AuditRow> Items, int Page, int PageSize, int Total);

public static class AuditApi
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/audit").WithTags("审计").RequireAuthorization(Policies.AuditAdmin).ProducesProblems(401, 403);
        group.MapGet("/", async ([AsParameters] AuditQuery query, AppDbContext db, AuditWriter audit) => TypedResults.Ok(await SearchAsync(db, audit, query)))
            .WithName("searchAudit").WithSummary("查询审计日志（按时间、事件、账号、结果筛选，分页）");
        group.MapGet("/verify", async (AuditVerifier verifier, AuditWriter audit) =>
        {
            var result = await verifier.VerifyAsync();
            await audit.WriteAsync(new AuditRecord(AuditEvent.Audit_Verified, result.Intact ? AuditOutcome.Success : AuditOutcome.Failure)
            { ResultCount = (int)Math.Min(result.EntriesChecked, int.MaxValue), Detail = result.FirstBreak is { } b ? $"broken_at={b.Sequence};{b.Reason}" : null });
            return TypedResults.Ok(result);
        }).WithName("verifyAuditTrail").WithSummary("校验审计日志链的完整性（校验点、归档与逐条哈希）");
        return group;
    }

    public static async Task<AuditPage> SearchAsync(AppDbContext db, AuditWriter audit, AuditQuery query)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var page = Math.Max(query.Page, 1);
        var rows = db.AuditEntries.AsNoTracking();
        if (query.From is { } from)
        {
            rows = rows.Where(a => a.OccurredAt >= from.ToUniversalTime());
        }

        if (query.To is { } to)
        {
            rows = rows.Where(a => a.OccurredAt < to.ToUniversalTime());
        }

        if (query.EventCode is { } code)
        {
            rows = rows.Where(a => a.EventCode == code);
        }

        if (!string.IsNullOrWhiteSpace(query.Account))
        {
            rows = rows.Where(a => a.Account != null && a.Account.Contains(query.Account));
        }

        if (!string.IsNullOrWhiteSpace(query.Outcome))
        {
            rows = rows.Where(a => a.Outcome == query.Outcome);
        }

        var total = await rows.CountAsync();
        var items = await rows.OrderByDescending(a => a.Sequence).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync();
        // Reading the trail is itself an access to non-public data.
        await audit.WriteAsync(new AuditRecord(AuditEvent.Audit_Viewed, AuditOutcome.Success) { ResultCount = items.Count, Detail = $"page={page}" });
        return new AuditPage([.. items.Select(a => new AuditRow(a.Sequence, a.OccurredAt, a.EventCode, AuditEventNames.Label(a.EventCode), a.Account, a.UnitCode,
            a.ClientIp, a.Target, a.Purpose, a.Outcome, a.ResultCount, a.Detail, a.Hash))], page, pageSize, total);
    }
}
