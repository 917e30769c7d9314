using System.ComponentModel.DataAnnotations;
using CreditShare.Web.Features.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace CreditShare.Web.Features.SignIn;

[EnableRateLimiting(SignInRateLimitPolicy.Name)]
public sealed class IndexModel(SignInFlow flow) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "请输入用户名")]
        [StringLength(64, ErrorMessage = "用户名过长")]
        [Display(Name = "用户名")]
        public string UserName { get; set; } = "";

        [Required(ErrorMessage = "请输入密码")]
        [StringLength(128, ErrorMessage = "密码过长")]
        [DataType(DataType.Password)]
        [Display(Name = "密码")]
        public string Password { get; set; } = "";
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var (step, error) = await flow.CheckPasswordAsync(Input.UserName, Input.Password);
        var returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null;
        return step switch
        {
            PasswordStep.NeedsSecondFactor => RedirectToPage("/SignIn/SecondFactor", new { returnUrl }),
            PasswordStep.NeedsEnrolment => RedirectToPage("/SignIn/Enrol", new { returnUrl }),
            PasswordStep.SignedIn => LocalRedirect(returnUrl ?? "/"),
            _ => Failed(error!),
        };
    }

    private PageResult Failed(string error)
    {
        ModelState.AddModelError(string.Empty, error);
        return Page();
    }
}
