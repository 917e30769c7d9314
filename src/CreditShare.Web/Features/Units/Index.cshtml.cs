using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Units;

public sealed class IndexModel(UnitRegistry units) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public UnitPage Result { get; private set; } = new([], 1, 20, 0);

    public Pager Pager => new(Result.Page, Result.PageSize, Result.Total, Pager.Keep(("q", Q)));

    public async Task OnGetAsync() => Result = await units.SearchAsync(User, Q, PageNumber);
}
