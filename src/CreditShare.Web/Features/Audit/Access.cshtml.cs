using CreditShare.Core;
using CreditShare.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Audit;

public sealed record AccessRow(DateTimeOffset At, string Unit, string Channel, string Account, long RecordId, string? Category, string? Purpose, long AuditSequence);

/// <summary>
/// Leak tracing (art. 23) for the 审计管理员: who received a record, what a unit received between two dates, and whose
/// export a trace code belongs to — answered from the access rows the audit trail vouches for.
/// </summary>
public sealed class AccessModel(AppDbContext db, AuditWriter audit) : PageModel
{
    public const int MaxRows = 1000;

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string? Trace { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public long? RecordId { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public int? UnitId { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    public (ShareExport Export, string UnitName, List<long> RecordIds)? Export { get; private set; }

    public bool TraceNotFound { get; private set; }

    public List<AccessRow>? Rows { get; private set; }

    public int Total { get; private set; }

    public List<(int Id, string Name)> Units { get; private set; } = [];

    public static string ChannelLabel(string channel) => channel switch
    {
        "api" => "共享接口（按主体）",
        "feed" => "共享接口（增量）",
        "webhook" => "实时推送",
        "console" => "查询控制台",
        "export" => "导出文件",
        "request" => "书面查询结果",
        _ => channel,
    };

    public async Task OnGetAsync()
    {
        Units = [.. (await db.Units.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.Name }).ToListAsync()).Select(u => (u.Id, u.Name))];
        if (!string.IsNullOrWhiteSpace(Trace))
        {
            Export = await AccessTrail.TraceAsync(db, Trace);
            TraceNotFound = Export is null;
            await audit.WriteAsync(new AuditRecord(AuditEvent.Data_ExportTraced, AuditOutcome.Success) { Target = $"export:{Trace.Trim().ToUpperInvariant()}", ResultCount = Export is null ? 0 : 1 });
            return;
        }

        IQueryable<SharedRecordAccess> query;
        string target;
        if (RecordId is { } record)
        {
            query = db.SharedRecordAccesses.Where(a => a.RecordId == record);
            target = $"record:{record}";
        }
        else if (UnitId is { } unit)
        {
            var from = ProvincialTime.StartOfDay(From ?? DateOnly.MinValue);
            var to = ProvincialTime.StartOfDay((To ?? DateOnly.MaxValue.AddDays(-1)).AddDays(1));
            query = db.SharedRecordAccesses.Where(a => a.UnitId == unit && a.At >= from && a.At < to);
            target = $"unit:{unit}:{From}..{To}";
        }
        else
        {
            return;
        }

        Total = await query.CountAsync();
        var rows = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(MaxRows)
            .Select(a => new
            {
                Access = a,
                Category = db.CreditRecords.Where(r => r.Id == a.RecordId).Select(r => r.CategoryCode).FirstOrDefault(),
                Purpose = db.AuditEntries.Where(e => e.Sequence == a.AuditSequence).Select(e => e.Purpose).FirstOrDefault(),
            }).ToListAsync();
        var names = Units.ToDictionary(u => u.Id, u => u.Name);
        Rows = [.. rows.Select(r => new AccessRow(r.Access.At, names.GetValueOrDefault(r.Access.UnitId) ?? "", r.Access.Channel, r.Access.Account, r.Access.RecordId,
            r.Category, r.Purpose, r.Access.AuditSequence))];
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_AccessTraced, AuditOutcome.Success) { Target = target, ResultCount = Total });
    }
}
