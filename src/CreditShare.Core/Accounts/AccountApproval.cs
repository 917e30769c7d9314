namespace CreditShare.Core.Accounts;

/// <summary>The account changes a 安全管理员 asks for that wait for a second 安全管理员 (stored as numbers: keep them).</summary>
public enum AccountActionKind
{
    Create = 1,
    GrantRoles = 2,
    ResetPassword = 3,
    ResetSecondFactor = 4,
}

/// <summary>
/// The two-person rule for account administration, as grants and formal requests already follow it: one 安全管理员 asks,
/// a different one approves. Without it one person could create a 业务审核员 and approve their own grants through it,
/// or reset the 审计管理员's password and second factor and sign in as them.
/// </summary>
public static class AccountApproval
{
    /// <summary>
    /// Roles one 安全管理员 may not give alone. The roles that read credit data or review (<see cref="StaffRoles.DataReaders"/>),
    /// and the managing roles (the three administrators, the 证书业务操作员): a second 安全管理员 created alone would approve its creator's requests, and an
    /// administrator account of the same person would undo 三员分立. Today that is every role.
    /// </summary>
    public static IReadOnlyList<string> RolesNeedingSecondApprover { get; } = [.. StaffRoles.DataReaders, .. StaffRoles.Managers];

    /// <summary>A role nobody listed (a new one, a typo) counts as needing approval: fail closed.</summary>
    public static bool RoleNeedsSecondApprover(string role) =>
        RolesNeedingSecondApprover.Contains(role) || !StaffRoles.All.Contains(role);

    /// <summary>
    /// Whether a change waits for a second 安全管理员. Creating an account or adding roles does when a role given needs
    /// it; resetting a password or second factor always does (whoever holds the new password, or binds the new
    /// authenticator, is the account). Taking roles away never waits: it only narrows what an account can do.
    /// </summary>
    public static bool NeedsSecondApprover(AccountActionKind kind, IEnumerable<string> rolesGiven) => kind switch
    {
        AccountActionKind.ResetPassword or AccountActionKind.ResetSecondFactor => true,
        _ => rolesGiven.Any(RoleNeedsSecondApprover),
    };

    /// <summary>Who may approve or reject: a 安全管理员 other than the one who asked, and never about their own account.</summary>
    public static FieldError? CheckReviewer(string reviewerId, bool reviewerIsSecurityAdmin, string requesterId, string? targetUserId)
    {
        if (!reviewerIsSecurityAdmin)
        {
            return new FieldError("", "account_action.reviewer_required", "只有安全管理员可以审批账号变更");
        }

        if (!TwoPersonRule.IsDistinct(reviewerId, requesterId))
        {
            return new FieldError("", "account_action.self_review", "不能审批本人提出的申请，须由另一名安全管理员审批");
        }

        return !TwoPersonRule.IsDistinct(reviewerId, targetUserId)
            ? new FieldError("", "account_action.own_account", "不能审批涉及本人账号的申请")
            : null;
    }

    public static string Name(AccountActionKind kind) => kind switch
    {
        AccountActionKind.Create => "create",
        AccountActionKind.GrantRoles => "grant_roles",
        AccountActionKind.ResetPassword => "reset_password",
        _ => "reset_second_factor",
    };

    public static string Label(AccountActionKind kind) => kind switch
    {
        AccountActionKind.Create => "新建账号",
        AccountActionKind.GrantRoles => "授予角色",
        AccountActionKind.ResetPassword => "重置密码",
        _ => "重置动态口令",
    };
}
