using CreditShare.Web.Data;
using CreditShare.Web.Documents;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Reporting;

/// <summary>The reporting portal's start page: what can be reported, the unit's recent batches and open abnormal rows.</summary>
public sealed class IndexModel(CatalogService catalog, AppDbContext db) : PageModel
{
    public IReadOnlyList<CategorySummary> Categories { get; private set; } = [];

    public IReadOnlyList<ReportBatch> Batches { get; private set; } = [];

    public int OpenAbnormal { get; private set; }

    public async Task OnGetAsync()
    {
        var unitId = User.UnitId();
        // Only the categories the center assigned this unit: the others would be refused anyway.
        var assigned = await db.ReportingAssignments.AsNoTracking().Where(a => a.UnitId == unitId).Select(a => a.CategoryCode).ToListAsync();
        Categories = [.. (await catalog.ListCurrentAsync()).Where(c => assigned.Contains(c.Code))];
        Batches = await db.ReportBatches.AsNoTracking().Where(b => b.UnitId == unitId).OrderByDescending(b => b.ReceivedAt).Take(20).ToListAsync();
        OpenAbnormal = await db.AbnormalEntries.CountAsync(a => a.UnitId == unitId && a.ClosedAt == null);
    }

    public async Task<IActionResult> OnGetTemplateAsync(string category)
    {
        var definition = await catalog.GetAsync(category);
        return definition is null
            ? NotFound()
            : File(Workbooks.Template(definition), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{definition.Name}-报送模板-第{definition.Version}版.xlsx");
    }
}
