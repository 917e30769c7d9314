using CreditShare.Web.Features.Public;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Kiosk;

public sealed class KioskSubjectModel(PublicRegister register) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public PublicSubject? Subject { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Subject = await register.FindAsync(Code);
        return Subject is null ? NotFound() : Page();
    }
}
