using CreditShare.Core.Accounts;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Schedules;

public sealed class OnBehalfForm
{
    public string? Uscc { get; set; }

    public string? Name { get; set; }
}

/// <summary>
/// The categories each source unit reports and the units it reports for (art. 5, 6). Center data staff read it; a
/// 业务审核员 changes it (the service refuses anyone else too).
/// </summary>
public sealed class AssignmentsModel(ReportingAssignments assignments, CatalogService catalog, AppDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? UnitId { get; set; }

    [BindProperty]
    public string? CategoryCode { get; set; }

    [BindProperty]
    public OnBehalfForm OnBehalf { get; set; } = new();

    public IReadOnlyList<(int Id, string Name)> SourceUnits { get; private set; } = [];

    public IReadOnlyList<CategorySummary> Categories { get; private set; } = [];

    public UnitReportingView? Reporting { get; private set; }

    public bool CanChange => User.IsInRole(StaffRoles.Reviewer);

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostAssignAsync() => ChangeAsync(id => assignments.AssignAsync(User, id, CategoryCode), "CategoryCode", "已分配");

    public Task<IActionResult> OnPostUnassignAsync() => ChangeAsync(id => assignments.UnassignAsync(User, id, CategoryCode), "CategoryCode", "已取消该类别（其报送频次一并删除）");

    public Task<IActionResult> OnPostAddOnBehalfAsync() =>
        ChangeAsync(id => assignments.AddOnBehalfAsync(User, id, OnBehalf.Uscc, OnBehalf.Name), "OnBehalf", "代报单位已登记");

    public Task<IActionResult> OnPostRemoveOnBehalfAsync() =>
        ChangeAsync(id => assignments.RemoveOnBehalfAsync(User, id, OnBehalf.Uscc), "OnBehalf", "代报单位已取消");

    private async Task<IActionResult> ChangeAsync(Func<int, Task<Outcome<UnitReportingView>>> change, string prefix, string notice)
    {
        if (!CanChange || UnitId is not { } id)
        {
            return Forbid();
        }

        var outcome = await change(id);
        if (!outcome.IsOk)
        {
            if (outcome.Message is not null)
            {
                ModelState.AddModelError(prefix == "OnBehalf" ? "" : prefix, outcome.Message);
            }

            foreach (var error in outcome.Errors)
            {
                ModelState.AddModelError(error.Field switch { "uscc" => "OnBehalf.Uscc", "name" => "OnBehalf.Name", "categoryCode" => "CategoryCode", _ => prefix == "OnBehalf" ? "" : prefix }, error.Message);
            }

            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = notice;
        return RedirectToPage(new { unitId = id });
    }

    private async Task LoadAsync()
    {
        SourceUnits = (await db.Units.AsNoTracking().Where(u => (u.Roles & UnitRoles.Source) != 0).OrderBy(u => u.Id).Select(u => new { u.Id, u.Name }).ToListAsync())
            .Select(u => (u.Id, u.Name)).ToList();
        UnitId ??= SourceUnits.Count > 0 ? SourceUnits[0].Id : null;
        Categories = await catalog.ListCurrentAsync();
        Reporting = UnitId is { } id ? await assignments.ForUnitAsync(id) : null;
    }
}
