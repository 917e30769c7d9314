using CreditShare.Web.Features.Public;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Kiosk;

/// <summary>The query kiosk (查询一体机): the public register in large type for a touch screen in a service hall.</summary>
public sealed class KioskSearchModel(PublicRegister register) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public PublicSearchResult? Result { get; private set; }

    public async Task OnGetAsync()
    {
        if (!string.IsNullOrWhiteSpace(Q))
        {
            Result = await register.SearchAsync(Q, PageNumber);
            Q = Result.Query;
        }
    }
}
