using CreditShare.Core.Sharing;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Sharing;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Reporting;

/// <summary>共享范围: a source unit keeps a category of its own records to named units (art. 9).</summary>
public sealed class SharingScopeModel(AppDbContext db, Grants grants, CatalogService catalog) : PageModel
{
    public List<(string Code, string Name, List<int>? Only)> Categories { get; private set; } = [];

    public List<(int Id, string Name)> DataUsers { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync(string category, bool restrict, List<int> units)
    {
        var outcome = await grants.RestrictAsync(User, category, restrict ? units : null);
        if (!outcome.IsOk)
        {
            foreach (var message in outcome.Errors.Select(e => e.Message).Prepend(outcome.Message).OfType<string>())
            {
                ModelState.AddModelError(string.Empty, message);
            }

            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = restrict ? $"{category} 仅共享给指定的 {units.Count} 个单位" : $"{category} 按目录和授权共享";
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        var own = User.UnitId();
        var restrictions = await db.SharingRestrictions.AsNoTracking().Where(r => r.SourceUnitId == own).ToDictionaryAsync(r => r.CategoryCode, r => r.AllowedUnitIds);
        Categories = [.. (await catalog.CurrentDefinitionsAsync()).Select(c => (c.Code, c.Name, restrictions.GetValueOrDefault(c.Code)))];
        DataUsers = [.. (await db.Units.AsNoTracking().ToListAsync()).Where(u => UnitKinds.IsDataUser(u.Roles)).Select(u => (u.Id, u.Name))];
    }
}
