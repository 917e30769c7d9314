using System.ComponentModel.DataAnnotations;
using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace CreditShare.Web.Features.SignIn;

[EnableRateLimiting(SignInRateLimitPolicy.Name)]
public sealed class ChangePasswordModel(StaffUserManager users, AuditWriter audit) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public bool Forced { get; private set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "请输入当前密码")]
        [DataType(DataType.Password)]
        [Display(Name = "当前密码")]
        public string CurrentPassword { get; set; } = "";

        [Required(ErrorMessage = "请输入新密码")]
        [StringLength(128, MinimumLength = 8, ErrorMessage = "新密码至少8位")]
        [DataType(DataType.Password)]
        [Display(Name = "新密码")]
        public string NewPassword { get; set; } = "";

        [Required(ErrorMessage = "请再次输入新密码")]
        [Compare(nameof(NewPassword), ErrorMessage = "两次输入的新密码不一致")]
        [DataType(DataType.Password)]
        [Display(Name = "确认新密码")]
        public string ConfirmPassword { get; set; } = "";
    }

    public async Task OnGetAsync() => Forced = (await users.GetUserAsync(User))?.MustChangePassword == true;

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return RedirectToPage("/SignIn/Index");
        }

        Forced = user.MustChangePassword;
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (Input.NewPassword == Input.CurrentPassword)
        {
            ModelState.AddModelError("Input.NewPassword", "新密码不能与当前密码相同");
            return Page();
        }

        // The current password is a credential too: a stolen session must not become a way to guess it unlimited.
        if (await users.IsLockedOutAsync(user))
        {
            ModelState.AddModelError("Input.CurrentPassword", "输入错误次数过多，账号已锁定，请稍后再试");
            return Page();
        }

        var result = await users.ChangePasswordAsync(user, Input.CurrentPassword, Input.NewPassword);
        if (result.Errors.Any(e => e.Code == "PasswordMismatch"))
        {
            await users.AccessFailedAsync(user);
            await audit.WriteAsync(new AuditRecord(await users.IsLockedOutAsync(user) ? AuditEvent.SignIn_LockedOut : AuditEvent.SignIn_PasswordFailed, AuditOutcome.Failure)
            { Account = user.UserName, Detail = "factor=change_password" });
        }

        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                var field = error.Code == "PasswordMismatch" ? "Input.CurrentPassword" : "Input.NewPassword";
                ModelState.AddModelError(field, error.Code == "PasswordMismatch" ? "当前密码不正确" : error.Description);
            }

            return Page();
        }

        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await audit.WriteAsync(AuditEvent.Password_Changed, AuditOutcome.Success, $"account:{user.UserName}");
        TempData["Notice"] = "密码已修改";
        return Redirect("/");
    }
}
