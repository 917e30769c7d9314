using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Accounts;

public sealed class AccountForm
{
    public string? UserName { get; set; }

    public string? DisplayName { get; set; }

    public int UnitId { get; set; }

    public List<string> Roles { get; set; } = [];
}

/// <summary>New account, or one account's roles and state. All rules are AccountAdministration's, shared with the API.</summary>
public sealed class EditModel(AccountAdministration admin, AppDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty]
    public AccountForm Input { get; set; } = new();

    public AccountSummary? Account { get; private set; }

    public IReadOnlyList<(int Id, string Name)> Units { get; private set; } = [];

    public bool IsSelf => Account is not null && Account.Id == User.UserId();

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        if (Id is not null && Account is null)
        {
            return NotFound();
        }

        if (Account is not null)
        {
            Input = new AccountForm { UserName = Account.UserName, DisplayName = Account.DisplayName, UnitId = Account.UnitId, Roles = [.. Account.Roles] };
        }

        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var outcome = await admin.CreateAsync(User, new NewAccount(Input.UserName ?? "", Input.DisplayName ?? "", Input.UnitId, Input.Roles));
        if (!outcome.IsOk)
        {
            outcome.CopyTo(ModelState);
            await LoadAsync();
            return Page();
        }

        TempData["Secret"] = outcome.Value!.InitialPassword;
        TempData["Notice"] = "账号已创建。请把一次性初始密码当面或经安全渠道交给本人，首次登录须修改密码并绑定动态口令。";
        return RedirectToPage(new { id = outcome.Value.Account.Id });
    }

    public async Task<IActionResult> OnPostRolesAsync() => Done(await admin.SetRolesAsync(User, Id!, Input.Roles), "角色已更新，该账号的会话已结束，重新登录后生效");

    public async Task<IActionResult> OnPostSuspendAsync() => Done(await admin.SetSuspendedAsync(User, Id!, suspend: true), "账号已停用，其所有会话已立即结束");

    public async Task<IActionResult> OnPostResumeAsync() => Done(await admin.SetSuspendedAsync(User, Id!, suspend: false), "账号已启用");

    public async Task<IActionResult> OnPostResetSecondFactorAsync() => Done(await admin.ResetSecondFactorAsync(User, Id!), "动态口令已重置，本人下次登录时重新绑定");

    public async Task<IActionResult> OnPostResetPasswordAsync()
    {
        var outcome = await admin.ResetPasswordAsync(User, Id!);
        if (outcome.IsOk)
        {
            TempData["Secret"] = outcome.Value!.InitialPassword;
        }

        return Done(outcome, "密码已重置，新的一次性密码见下方");
    }

    private RedirectToPageResult Done<T>(Outcome<T> outcome, string notice)
    {
        TempData["Notice"] = outcome.IsOk ? notice : outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message));
        return RedirectToPage(new { id = Id });
    }

    private async Task LoadAsync()
    {
        Units = (await db.Units.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.Name }).ToListAsync()).Select(u => (u.Id, u.Name)).ToList();
        if (Id is not null)
        {
            Account = await admin.FindAsync(Id);
        }
    }
}
