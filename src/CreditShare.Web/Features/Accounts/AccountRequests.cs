using System.Security.Claims;
using CreditShare.Core;
using CreditShare.Core.Accounts;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Accounts;

public sealed record AccountActionView(long Id, string Kind, string KindLabel, string Status, string UserName, string? DisplayName, int? UnitId,
    string? UnitName, IReadOnlyList<string> Roles, string? TargetUserId, string RequestedBy, DateTimeOffset RequestedAt, string? ReviewedBy,
    DateTimeOffset? ReviewedAt, string? ReviewNote);

/// <summary>What an approval did; the one-time password (new account, password reset) is shown to the approver only.</summary>
public sealed record ApprovedAccountAction(AccountActionView Action, AccountSummary Account, string? InitialPassword);

/// <summary>A change made at once (<paramref name="Done"/>), or filed for a second 安全管理员 (<paramref name="Pending"/>).</summary>
public sealed record AccountSubmission<T>(T? Done, AccountActionView? Pending)
    where T : class;

public sealed record RejectRequest(string? Reason);

/// <summary>
/// The two-person rule for account changes (<see cref="AccountApproval"/>): what a 安全管理员 asks for that needs a second
/// one is stored as a pending <see cref="AccountAction"/>; another 安全管理员, who is not the account concerned,
/// approves it (the change is made then, in the same transaction as the approval) or rejects it with a reason. The
/// console pages and the API both come through here.
/// </summary>
public sealed class AccountRequests(AccountAdministration admin, AppDbContext db, StaffUserManager users, AuditWriter audit, TimeProvider time)
{
    public async Task<Outcome<AccountSubmission<CreatedAccount>>> CreateAsync(ClaimsPrincipal actor, NewAccount request)
    {
        var (account, errors) = await admin.CheckNewAsync(request);
        if (account is null)
        {
            return Outcome<AccountSubmission<CreatedAccount>>.Invalid(errors);
        }

        if (!AccountApproval.NeedsSecondApprover(AccountActionKind.Create, account.Roles))
        {
            return Done(await admin.CreateAsync(actor, request));
        }

        if (await db.AccountActions.AnyAsync(a => a.Kind == AccountActionKind.Create && a.Status == AccountActionStatus.Pending && a.UserName == account.UserName))
        {
            return Outcome<AccountSubmission<CreatedAccount>>.Invalid(new FieldError("userName", "account.user_name_pending", "已有新建该用户名的申请在等待审批"));
        }

        return await FileAsync<CreatedAccount>(actor, new AccountAction
        {
            Kind = AccountActionKind.Create,
            UserName = account.UserName,
            DisplayName = account.DisplayName,
            UnitId = account.Unit.Id,
            Roles = account.Roles,
        });
    }

    public async Task<Outcome<AccountSubmission<AccountSummary>>> SetRolesAsync(ClaimsPrincipal actor, string userId, IReadOnlyList<string> requested)
    {
        var (user, roles, refusal) = await admin.CheckRolesChangeAsync(actor, userId, requested);
        if (refusal is not null)
        {
            return Fail<AccountSummary, AccountSubmission<AccountSummary>>(refusal);
        }

        var granted = roles.Except(await users.GetRolesAsync(user!)).ToList();
        if (!AccountApproval.NeedsSecondApprover(AccountActionKind.GrantRoles, granted))
        {
            return Done(await admin.SetRolesAsync(actor, userId, roles));
        }

        return await FileAsync<AccountSummary>(actor, new AccountAction { Kind = AccountActionKind.GrantRoles, TargetUserId = user!.Id, UserName = user.UserName!, Roles = roles });
    }

    public Task<Outcome<AccountSubmission<AccountSummary>>> ResetSecondFactorAsync(ClaimsPrincipal actor, string userId) =>
        FileResetAsync(actor, userId, AccountActionKind.ResetSecondFactor);

    public Task<Outcome<AccountSubmission<AccountSummary>>> ResetPasswordAsync(ClaimsPrincipal actor, string userId) =>
        FileResetAsync(actor, userId, AccountActionKind.ResetPassword);

    private async Task<Outcome<AccountSubmission<AccountSummary>>> FileResetAsync(ClaimsPrincipal actor, string userId, AccountActionKind kind)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Outcome<AccountSubmission<AccountSummary>>.NotFound("account.not_found", "账号不存在");
        }

        if (await admin.RefuseSelfAsync(actor, user, AccountApproval.Name(kind)) is { } refused)
        {
            return Outcome<AccountSubmission<AccountSummary>>.Forbidden(refused.Code, refused.Message);
        }

        return await FileAsync<AccountSummary>(actor, new AccountAction { Kind = kind, TargetUserId = user.Id, UserName = user.UserName! });
    }

    private async Task<Outcome<AccountSubmission<T>>> FileAsync<T>(ClaimsPrincipal actor, AccountAction action)
        where T : class
    {
        // One open request per account and kind: a second would only be a second chance to slip one through.
        if (action.TargetUserId is not null
            && await db.AccountActions.AnyAsync(a => a.TargetUserId == action.TargetUserId && a.Kind == action.Kind && a.Status == AccountActionStatus.Pending))
        {
            return Outcome<AccountSubmission<T>>.Conflict("account_action.pending", $"该账号已有“{AccountApproval.Label(action.Kind)}”申请在等待审批");
        }

        action.Status = AccountActionStatus.Pending;
        action.RequestedById = actor.UserId() ?? throw new InvalidOperationException("Only a staff account files an account request.");
        action.RequestedBy = actor.Actor();
        action.RequestedAt = time.GetUtcNow();
        db.AccountActions.Add(action);
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Account_ActionRequested, AuditOutcome.Success)
        { Target = $"account:{action.UserName}", Detail = $"action={action.Id};kind={AccountApproval.Name(action.Kind)}{RolesDetail(action)}" });
        return Outcome<AccountSubmission<T>>.Ok(new AccountSubmission<T>(null, await ViewAsync(action)));
    }

    public async Task<IReadOnlyList<AccountActionView>> ListAsync(AccountActionStatus? status = AccountActionStatus.Pending)
    {
        var query = db.AccountActions.AsNoTracking();
        if (status is { } wanted)
        {
            query = query.Where(a => a.Status == wanted);
        }

        var actions = await query.OrderByDescending(a => a.Id).Take(200).ToListAsync();
        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Name }).ToDictionaryAsync(u => u.Id, u => u.Name);
        return [.. actions.Select(a => View(a, a.UnitId is { } id ? units.GetValueOrDefault(id) : null))];
    }

    public async Task<AccountActionView?> FindAsync(long id) =>
        await db.AccountActions.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id) is { } action ? await ViewAsync(action) : null;

    /// <summary>Makes the change the request describes, as the approver, in the same transaction that marks it approved.</summary>
    public async Task<Outcome<ApprovedAccountAction>> ApproveAsync(ClaimsPrincipal actor, long id)
    {
        var (action, refusal) = await ReviewableAsync<ApprovedAccountAction>(actor, id);
        if (refusal is not null)
        {
            return refusal;
        }

        AccountAdministration.CheckedAccount? account = null;
        if (action!.Kind == AccountActionKind.Create)
        {
            // Every rule again, as of now: the name may have been taken or the unit changed since the request.
            (account, _) = await admin.CheckNewAsync(new NewAccount(action.UserName, action.DisplayName ?? "", action.UnitId ?? 0, action.Roles));
            if (account is null)
            {
                return Outcome<ApprovedAccountAction>.Invalid(new FieldError("", "account_action.no_longer_valid",
                    "该申请已不符合账号规则（用户名已被占用，或单位、角色不再适用），请驳回后重新申请"));
            }
        }

        var applied = await admin.InTransactionAsync<Applied>(async records =>
        {
            if (!await ClaimAsync(actor, id, AccountActionStatus.Approved, note: null))
            {
                return NotPending<Applied>();
            }

            var outcome = await ApplyAsync(action, account, records);
            if (outcome.IsOk)
            {
                var targetId = outcome.Value!.Account.Id;
                await db.AccountActions.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.TargetUserId, targetId));
                // Written first, so the entries of the change itself (by the approver) follow the approval that names the requester.
                records.Insert(0, new AuditRecord(AuditEvent.Account_ActionApproved, AuditOutcome.Success)
                { Target = $"account:{action.UserName}", Detail = $"action={id};kind={AccountApproval.Name(action.Kind)};requested_by={action.RequestedBy}{RolesDetail(action)}" });
            }

            return outcome;
        });
        return applied.IsOk
            ? Outcome<ApprovedAccountAction>.Ok(new ApprovedAccountAction((await FindAsync(id))!, applied.Value!.Account, applied.Value.Password))
            : Fail<Applied, ApprovedAccountAction>(applied);
    }

    private sealed record Applied(AccountSummary Account, string? Password);

    public async Task<Outcome<AccountActionView>> RejectAsync(ClaimsPrincipal actor, long id, string? reason)
    {
        var (action, refusal) = await ReviewableAsync<AccountActionView>(actor, id);
        if (refusal is not null)
        {
            return refusal;
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return Outcome<AccountActionView>.Invalid(new FieldError("reason", "account_action.reason_required", "驳回须说明理由"));
        }

        var note = reason.Trim()[..Math.Min(reason.Trim().Length, 500)];
        if (!await ClaimAsync(actor, id, AccountActionStatus.Rejected, note))
        {
            return NotPending<AccountActionView>();
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Account_ActionRejected, AuditOutcome.Success)
        { Target = $"account:{action!.UserName}", Detail = $"action={id};kind={AccountApproval.Name(action.Kind)};requested_by={action.RequestedBy};reason={note}" });
        return Outcome<AccountActionView>.Ok((await FindAsync(id))!);
    }

    /// <summary>The pending request, or why this 安全管理员 may not decide it (their own request, their own account; audited).</summary>
    private async Task<(AccountAction? Action, Outcome<T>? Refusal)> ReviewableAsync<T>(ClaimsPrincipal actor, long id)
    {
        var action = await db.AccountActions.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id);
        if (action is null)
        {
            return (null, Outcome<T>.NotFound("account_action.not_found", "没有该账号变更申请"));
        }

        if (action.Status != AccountActionStatus.Pending)
        {
            return (null, NotPending<T>());
        }

        if (AccountApproval.CheckReviewer(actor.UserId() ?? "", actor.IsInRole(StaffRoles.SecurityAdmin), action.RequestedById, action.TargetUserId) is { } refused)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Account_ChangeRefused, AuditOutcome.Refused)
            { Target = $"account:{action.UserName}", Detail = $"action={id};{refused.Code}" });
            return (null, Outcome<T>.Forbidden(refused.Code, refused.Message));
        }

        return (action, null);
    }

    /// <summary>Decides the request only if it is still pending: of two approvers at once, one wins and the other is told.</summary>
    private async Task<bool> ClaimAsync(ClaimsPrincipal actor, long id, AccountActionStatus decision, string? note)
    {
        var now = time.GetUtcNow();
        var reviewerId = actor.UserId();
        var reviewer = actor.Actor();
        return await db.AccountActions.Where(a => a.Id == id && a.Status == AccountActionStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Status, decision)
                .SetProperty(a => a.ReviewedById, reviewerId)
                .SetProperty(a => a.ReviewedBy, reviewer)
                .SetProperty(a => a.ReviewedAt, now)
                .SetProperty(a => a.ReviewNote, note)) == 1;
    }

    private async Task<Outcome<Applied>> ApplyAsync(AccountAction action, AccountAdministration.CheckedAccount? account, List<AuditRecord> records)
    {
        if (action.Kind == AccountActionKind.Create)
        {
            var created = await admin.ApplyCreateAsync(account!, records);
            return created.IsOk ? Outcome<Applied>.Ok(new(created.Value!.Account, created.Value.InitialPassword)) : Fail<CreatedAccount, Applied>(created);
        }

        var user = await users.FindByIdAsync(action.TargetUserId!);
        if (user is null)
        {
            return Outcome<Applied>.NotFound("account.not_found", "账号不存在");
        }

        if (action.Kind == AccountActionKind.ResetPassword)
        {
            var reset = await admin.ApplyPasswordResetAsync(user, records);
            return reset.IsOk ? Outcome<Applied>.Ok(new(reset.Value!.Account, reset.Value.InitialPassword)) : Fail<CreatedAccount, Applied>(reset);
        }

        var changed = action.Kind == AccountActionKind.GrantRoles
            ? await admin.ApplyRolesAsync(user, action.Roles, records)
            : await admin.ApplySecondFactorResetAsync(user, records);
        return changed.IsOk ? Outcome<Applied>.Ok(new(changed.Value!, null)) : Fail<AccountSummary, Applied>(changed);
    }

    private async Task<AccountActionView> ViewAsync(AccountAction action) =>
        View(action, action.UnitId is { } unitId ? await db.Units.Where(u => u.Id == unitId).Select(u => u.Name).FirstOrDefaultAsync() : null);

    private static AccountActionView View(AccountAction a, string? unitName) => new(a.Id, AccountApproval.Name(a.Kind), AccountApproval.Label(a.Kind),
        a.Status switch { AccountActionStatus.Pending => "pending", AccountActionStatus.Approved => "approved", _ => "rejected" },
        a.UserName, a.DisplayName, a.UnitId, unitName, a.Roles, a.TargetUserId, a.RequestedBy, a.RequestedAt, a.ReviewedBy, a.ReviewedAt, a.ReviewNote);

    public static string StatusLabel(string status) => status switch
    {
        "pending" => "待审批",
        "approved" => "已批准",
        _ => "已驳回",
    };

    private static string RolesDetail(AccountAction action) => action.Roles.Count == 0 ? "" : $";roles={string.Join(",", action.Roles)}";

    private static Outcome<T> NotPending<T>() => Outcome<T>.Conflict("account_action.not_pending", "该申请已审批或已驳回");

    private static Outcome<AccountSubmission<T>> Done<T>(Outcome<T> outcome)
        where T : class =>
        outcome.IsOk ? Outcome<AccountSubmission<T>>.Ok(new AccountSubmission<T>(outcome.Value, null)) : Fail<T, AccountSubmission<T>>(outcome);

    private static Outcome<TOut> Fail<TIn, TOut>(Outcome<TIn> failed) => new(failed.Kind, default, failed.Errors, failed.Code, failed.Message);
}
