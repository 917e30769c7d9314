using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Reporting;

/// <summary>The unit's own abnormal-data queue (art. 8): every rejected row with its reasons, until it is fixed.</summary>
public sealed class AbnormalModel(AppDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<AbnormalEntry> Entries { get; private set; } = [];

    public Pager Pager { get; private set; } = new(1, 50, 0);

    public async Task OnGetAsync()
    {
        var query = db.AbnormalEntries.AsNoTracking().Where(a => a.UnitId == User.UnitId() && a.ClosedAt == null);
        var total = await query.CountAsync();
        Pager = new Pager(Math.Max(PageNumber, 1), 50, total);
        Entries = await query.OrderBy(a => a.Id).Skip((Pager.Page - 1) * 50).Take(50).ToListAsync();
    }
}
