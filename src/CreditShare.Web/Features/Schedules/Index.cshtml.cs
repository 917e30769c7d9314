using CreditShare.Core.Reporting;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Schedules;

public sealed class ScheduleForm
{
    public int UnitId { get; set; }

    public string CategoryCode { get; set; } = "";

    public ReportingFrequency Frequency { get; set; } = ReportingFrequency.Monthly;

    public int DeadlineDay { get; set; } = 10;
}

/// <summary>Reporting schedules per unit and category, the overdue list and every source unit's scorecard.</summary>
public sealed class IndexModel(Scorecards scorecards, AppDbContext db, CatalogService catalog) : PageModel
{
    [BindProperty]
    public ScheduleForm Input { get; set; } = new();

    public IReadOnlyList<ScheduleStatus> Statuses { get; private set; } = [];

    public IReadOnlyList<Scorecard> Cards { get; private set; } = [];

    public IReadOnlyList<(int Id, string Name)> SourceUnits { get; private set; } = [];

    public IReadOnlyList<CategorySummary> Categories { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        var outcome = await scorecards.SaveAsync(User, Input.UnitId, Input.CategoryCode, Input.Frequency, Input.DeadlineDay);
        if (!outcome.IsOk)
        {
            outcome.CopyTo(ModelState);
            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = "报送频次已保存";
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        Statuses = await scorecards.StatusesAsync();
        Cards = await scorecards.ScorecardsAsync();
        Categories = await catalog.ListCurrentAsync();
        SourceUnits = (await db.Units.AsNoTracking().Where(u => (u.Roles & UnitRoles.Source) != 0).OrderBy(u => u.Id).Select(u => new { u.Id, u.Name }).ToListAsync())
            .Select(u => (u.Id, u.Name)).ToList();
    }

    public static string FrequencyLabel(ReportingFrequency frequency, int day) => frequency switch
    {
        ReportingFrequency.RealTime => "实时",
        ReportingFrequency.Daily => "每日（次日前）",
        ReportingFrequency.Weekly => $"每周（次周周{"一二三四五六日"[day - 1]}前）",
        _ => $"每月（次月{day}日前）",
    };
}
