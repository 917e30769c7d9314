using CreditShare.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Subjects;

public sealed record NameReview(long Id, long SubjectId, string KnownName, string ReportedName, string Unit, DateTimeOffset At);

/// <summary>Records accepted with a name that differs from the one known for the code: the center checks them.</summary>
public sealed class ReviewModel(AppDbContext db, TimeProvider time) : PageModel
{
    public IReadOnlyList<NameReview> Pending { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Pending = await db.SubjectNames.AsNoTracking().Where(n => n.NeedsReview && n.ReviewedAt == null).OrderBy(n => n.Id).Take(200)
            .Join(db.Subjects, n => n.SubjectId, s => s.Id, (n, s) => new { n, s.Name })
            .Join(db.Units, x => x.n.SourceUnitId, u => u.Id, (x, u) => new NameReview(x.n.Id, x.n.SubjectId, x.Name, x.n.Name, u.Name, x.n.FirstSeenAt))
            .ToListAsync();
    }

    public async Task<IActionResult> OnPostAsync(long id)
    {
        await db.SubjectNames.Where(n => n.Id == id).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReviewedAt, time.GetUtcNow()));
        TempData["Notice"] = "已核对";
        return RedirectToPage();
    }
}
