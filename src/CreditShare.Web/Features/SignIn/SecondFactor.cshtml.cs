using System.ComponentModel.DataAnnotations;
using CreditShare.Web.Features.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace CreditShare.Web.Features.SignIn;

[EnableRateLimiting(SignInRateLimitPolicy.Name)]
public sealed class SecondFactorModel(SignInFlow flow) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "请输入动态口令或恢复码")]
    [StringLength(32, ErrorMessage = "口令过长")]
    [Display(Name = "动态口令")]
    public string Code { get; set; } = "";

    [BindProperty]
    public bool UseRecoveryCode { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await flow.PendingUserAsync() is null ? RedirectToPage("/SignIn/Index") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await flow.PendingUserAsync();
        if (user is null)
        {
            return RedirectToPage("/SignIn/Index");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var error = await flow.CheckSecondFactorAsync(user, Code, UseRecoveryCode);
        if (error is not null)
        {
            ModelState.AddModelError(nameof(Code), error);
            return Page();
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
