using CreditShare.Core;
using CreditShare.Core.Accounts;
using CreditShare.Core.Catalog;
using CreditShare.Core.Sharing;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

public sealed class GrantForm
{
    public int UnitId { get; set; }

    public string? Category { get; set; }

    public List<string> Fields { get; set; } = [];

    public string? Purpose { get; set; }

    public DateOnly? ValidFrom { get; set; }

    public DateOnly? ValidTo { get; set; }
}

/// <summary>共享授权: ask for a grant, and (业务审核员) approve, reject or revoke grants asked for by others.</summary>
public sealed class GrantsModel(AppDbContext db, Grants grants, CatalogService catalog, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>The category whose fields the request form lists.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    [BindProperty]
    public GrantForm Input { get; set; } = new();

    public List<(SharingGrant Grant, string Unit)> List { get; private set; } = [];

    public List<(int Id, string Name)> DataUsers { get; private set; } = [];

    public IReadOnlyList<CategoryDefinition> Categories { get; private set; } = [];

    public CategoryDefinition? Definition { get; private set; }

    public bool IsReviewer => User.IsInRole(StaffRoles.Reviewer);

    /// <summary>A data-user unit's querier sees and asks for the own unit only.</summary>
    public bool OwnUnitOnly => User.IsInRole(StaffRoles.UserUnitQuerier) && !User.IsInRole(StaffRoles.Reviewer) && !User.IsInRole(StaffRoles.Querier);

    public async Task OnGetAsync()
    {
        var today = ProvincialTime.Today(time);
        Input = new GrantForm { Category = Category, ValidFrom = today, ValidTo = today.AddYears(1).AddDays(-1), UnitId = OwnUnitOnly ? User.UnitId() : 0 };
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostRequestAsync()
    {
        if (OwnUnitOnly)
        {
            Input.UnitId = User.UnitId();
        }

        var outcome = await grants.RequestAsync(User, new GrantInput(Input.UnitId, Input.Category, Input.Fields, Input.Purpose, Input.ValidFrom, Input.ValidTo));
        if (!outcome.IsOk)
        {
            outcome.CopyTo(ModelState);
            Category = Input.Category;
            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = $"授权申请已提交（编号 {outcome.Value!.Id}），待业务审核员审核";
        return RedirectToPage(new { status = "pending" });
    }

    public async Task<IActionResult> OnPostReviewAsync(long id, bool approve, string? note)
    {
        var outcome = await grants.ReviewAsync(User, id, approve, note);
        return await AfterAsync(outcome, approve ? $"授权 {id} 已批准" : $"授权 {id} 已驳回");
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id, string? note)
    {
        var outcome = await grants.RevokeAsync(User, id, note);
        return await AfterAsync(outcome, $"授权 {id} 已撤销");
    }

    private async Task<IActionResult> AfterAsync(Outcome<SharingGrant> outcome, string notice)
    {
        if (!outcome.IsOk)
        {
            ModelState.AddModelError(string.Empty, outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message)));
            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = notice;
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        var query = db.SharingGrants.AsNoTracking();
        if (OwnUnitOnly)
        {
            var own = User.UnitId();
            query = query.Where(g => g.UnitId == own);
        }

        query = Status switch
        {
            "pending" => query.Where(g => g.Status == GrantStatus.Pending),
            "approved" => query.Where(g => g.Status == GrantStatus.Approved),
            _ => query,
        };
        var units = await db.Units.AsNoTracking().ToListAsync();
        var names = units.ToDictionary(u => u.Id, u => u.Name);
        List = [.. (await query.OrderByDescending(g => g.Id).Take(200).ToListAsync()).Select(g => (g, names.GetValueOrDefault(g.UnitId) ?? ""))];
        DataUsers = [.. units.Where(u => UnitKinds.IsDataUser(u.Roles) && (!OwnUnitOnly || u.Id == User.UnitId())).Select(u => (u.Id, u.Name))];
        Categories = await catalog.CurrentDefinitionsAsync();
        Definition = Categories.FirstOrDefault(c => c.Code == Category);
    }
}
