using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Public;

/// <summary>Search on the public site and on the query kiosk (both pages use this model).</summary>
public sealed class SearchModel(PublicRegister register) : PageModel
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
            // Shown back as the register echoed it: an ID number typed into the box is not printed in full.
            Q = Result.Query;
        }
    }
}
