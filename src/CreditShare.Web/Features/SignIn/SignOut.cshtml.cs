using CreditShare.Web.Features.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.SignIn;

public sealed class SignOutModel(SignInFlow flow) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/SignIn/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            await flow.SignOutAsync();
        }

        TempData["Notice"] = "已安全退出";
        return RedirectToPage("/SignIn/Index");
    }
}
