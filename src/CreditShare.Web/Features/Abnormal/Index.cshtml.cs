using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Reporting;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Abnormal;

public sealed record ErrorFrequency(string UnitName, string Code, int Count);

/// <summary>
/// The center's view of every unit's abnormal-data queue (art. 8: the center helps find the cause): filters, an
/// annotation per entry, and the most frequent error codes per unit.
/// </summary>
public sealed class IndexModel(AppDbContext db, AuditWriter audit, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? UnitId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ErrorCode { get; set; }

    /// <summary>Only entries open for at least this many days.</summary>
    [BindProperty(SupportsGet = true)]
    public int? MinAgeDays { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<(AbnormalEntry Entry, string UnitName)> Entries { get; private set; } = [];

    public IReadOnlyList<ErrorFrequency> Frequencies { get; private set; } = [];

    public Dictionary<int, string> Units { get; private set; } = [];

    public Pager Pager { get; private set; } = new(1, 50, 0);

    public async Task OnGetAsync()
    {
        Units = await db.Units.AsNoTracking().OrderBy(u => u.Id).ToDictionaryAsync(u => u.Id, u => u.Name);
        var query = db.AbnormalEntries.AsNoTracking().Where(a => a.ClosedAt == null);
        if (UnitId is { } unit)
        {
            query = query.Where(a => a.UnitId == unit);
        }

        if (!string.IsNullOrWhiteSpace(Category))
        {
            query = query.Where(a => a.CategoryCode == Category);
        }

        if (!string.IsNullOrWhiteSpace(ErrorCode))
        {
            var pattern = $"% {ErrorCode.Trim()} %";
            query = query.Where(a => EF.Functions.Like(a.ErrorCodes, pattern));
        }

        if (MinAgeDays is { } days)
        {
            var before = time.GetUtcNow().AddDays(-days);
            query = query.Where(a => a.CreatedAt <= before);
        }

        var total = await query.CountAsync();
        Pager = new Pager(Math.Max(PageNumber, 1), 50, total, Pager.Keep(
            ("unitId", UnitId?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("category", Category), ("errorCode", ErrorCode),
            ("minAgeDays", MinAgeDays?.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var page = await query.OrderBy(a => a.CreatedAt).Skip((Pager.Page - 1) * 50).Take(50).ToListAsync();
        Entries = [.. page.Select(e => (e, Units.GetValueOrDefault(e.UnitId) ?? ""))];

        // The codes of the newest 10,000 open entries are enough to see what each unit keeps getting wrong.
        var codes = await db.AbnormalEntries.AsNoTracking().Where(a => a.ClosedAt == null).OrderByDescending(a => a.Id).Take(10_000)
            .Select(a => new { a.UnitId, a.ErrorCodes }).ToListAsync();
        Frequencies = [.. codes.SelectMany(c => c.ErrorCodes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(code => (c.UnitId, code)))
            .GroupBy(x => x).Select(g => new ErrorFrequency(Units.GetValueOrDefault(g.Key.UnitId) ?? "", g.Key.code, g.Count()))
            .OrderByDescending(f => f.Count).Take(20)];
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_AbnormalViewed, AuditOutcome.Success) { ResultCount = page.Count, Detail = Pager.Query });
    }

    public async Task<IActionResult> OnPostAnnotateAsync(long id, string? annotation)
    {
        var text = annotation?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 1000)
        {
            TempData["Notice"] = "批注不能为空，且不超过1000字";
            return RedirectToPage();
        }

        var updated = await db.AbnormalEntries.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Annotation, text));
        if (updated == 1)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Report_AbnormalAnnotated, AuditOutcome.Success) { Target = $"abnormal:{id}", Detail = text });
            TempData["Notice"] = "批注已保存，报送单位可在其异常数据中看到";
        }

        return RedirectToPage(new { UnitId, Category, ErrorCode, MinAgeDays });
    }
}
