using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Accounts;

/// <summary>待审批: account changes one 安全管理员 asked for, decided here by another (AccountRequests, shared with the API).</summary>
public sealed class PendingModel(AccountRequests requests) : PageModel
{
    public IReadOnlyList<AccountActionView> Pending { get; private set; } = [];

    public IReadOnlyList<AccountActionView> Decided { get; private set; } = [];

    public string? Me => User.Identity?.Name;

    public async Task OnGetAsync()
    {
        Pending = await requests.ListAsync(AccountActionStatus.Pending);
        Decided = [.. (await requests.ListAsync(status: null)).Where(a => a.Status != "pending").Take(20)];
    }

    public async Task<IActionResult> OnPostApproveAsync(long actionId)
    {
        var outcome = await requests.ApproveAsync(User, actionId);
        if (outcome.IsOk && outcome.Value!.InitialPassword is { } password)
        {
            // Shown once, to the approver only, who hands it to the person (they must change it at first sign-in).
            TempData["Secret"] = password;
            TempData["SecretFor"] = outcome.Value.Account.UserName;
        }

        return Done(outcome, outcome.Value is { } approved ? $"已批准：{approved.Action.KindLabel} {approved.Action.UserName}" : "");
    }

    public async Task<IActionResult> OnPostRejectAsync(long actionId, string? reason) =>
        Done(await requests.RejectAsync(User, actionId, reason), "已驳回该申请");

    private RedirectToPageResult Done<T>(Outcome<T> outcome, string notice)
    {
        TempData["Notice"] = outcome.IsOk ? notice : outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message));
        return RedirectToPage();
    }
}
