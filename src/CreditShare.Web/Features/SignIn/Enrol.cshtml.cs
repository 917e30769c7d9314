using System.ComponentModel.DataAnnotations;
using CreditShare.Web.Features.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using QRCoder;

namespace CreditShare.Web.Features.SignIn;

/// <summary>First sign-in: the second factor is mandatory, so the account binds an authenticator before anything else.</summary>
[EnableRateLimiting(SignInRateLimitPolicy.Name)]
public sealed class EnrolModel(SignInFlow flow) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "请输入验证器显示的6位动态口令")]
    [StringLength(8, ErrorMessage = "口令过长")]
    [Display(Name = "动态口令")]
    public string Code { get; set; } = "";

    public string SharedKey { get; private set; } = "";

    public string QrSvg { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await flow.PendingUserAsync();
        if (user is null || user.TwoFactorEnabled)
        {
            return RedirectToPage("/SignIn/Index");
        }

        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await flow.PendingUserAsync();
        if (user is null || user.TwoFactorEnabled)
        {
            return RedirectToPage("/SignIn/Index");
        }

        if (ModelState.IsValid)
        {
            var (ok, codes) = await flow.EnrolAsync(user, Code);
            if (ok)
            {
                TempData["RecoveryCodes"] = string.Join(' ', codes);
                return RedirectToPage("/SignIn/RecoveryCodes");
            }

            ModelState.AddModelError(nameof(Code), "动态口令不正确，请确认手机时间准确后重试");
        }

        await LoadAsync(user);
        return Page();
    }

    private async Task LoadAsync(StaffUser user)
    {
        SharedKey = await flow.EnsureAuthenticatorKeyAsync(user);
        var uri = $"otpauth://totp/{Uri.EscapeDataString("公共信用信息共享平台")}:{Uri.EscapeDataString(user.UserName!)}?secret={SharedKey}&issuer={Uri.EscapeDataString("公共信用信息共享平台")}&digits=6";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        QrSvg = new SvgQRCode(data).GetGraphic(4);
    }
}
