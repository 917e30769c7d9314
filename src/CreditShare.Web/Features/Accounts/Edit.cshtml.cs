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

/// <summary>
/// New account, or one account's roles and state. All rules are AccountAdministration's and AccountRequests', shared
/// with the API: what needs a second 安全管理员 is filed as a request and appears under 待审批.
/// </summary>
public sealed class EditModel(AccountAdministration admin, AccountRequests requests, AppDbContext db) : PageModel
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
        var outcome = await requests.CreateAsync(User, new NewAccount(Input.UserName ?? "", Input.DisplayName ?? "", Input.UnitId, Input.Roles));
        if (!outcome.IsOk)
        {
            outcome.CopyTo(ModelState);
            await LoadAsync();
            return Page();
        }

        if (outcome.Value!.Pending is not null)
        {
            TempData["Notice"] = PendingNotice;
            return RedirectToPage("/Accounts/Pending");
        }

        TempData["Secret"] = outcome.Value.Done!.InitialPassword;
        TempData["Notice"] = "账号已创建。请把一次性初始密码当面或经安全渠道交给本人，首次登录须修改密码并绑定动态口令。";
        return RedirectToPage(new { id = outcome.Value.Done.Account.Id });
    }

    public async Task<IActionResult> OnPostRolesAsync() => Done(await requests.SetRolesAsync(User, Id!, Input.Roles), "角色已更新，该账号的会话已结束，重新登录后生效");

    public async Task<IActionResult> OnPostSuspendAsync() => Done(await admin.SetSuspendedAsync(User, Id!, suspend: true), "账号已停用，其所有会话已立即结束");

    public async Task<IActionResult> OnPostResumeAsync() => Done(await admin.SetSuspendedAsync(User, Id!, suspend: false), "账号已启用");

    public async Task<IActionResult> OnPostResetSecondFactorAsync() => Done(await requests.ResetSecondFactorAsync(User, Id!), "");

    public async Task<IActionResult> OnPostResetPasswordAsync() => Done(await requests.ResetPasswordAsync(User, Id!), "");

    private const string PendingNotice = "申请已提交，须由另一名安全管理员在“待审批”中批准后生效；新的一次性密码只在批准时显示给审批人。";

    private RedirectToPageResult Done<T>(Outcome<AccountSubmission<T>> outcome, string notice)
        where T : class
    {
        TempData["Notice"] = outcome switch
        {
            { IsOk: false } => outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message)),
            { Value.Pending: not null } => PendingNotice,
            _ => notice,
        };
        return RedirectToPage(new { id = Id });
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
