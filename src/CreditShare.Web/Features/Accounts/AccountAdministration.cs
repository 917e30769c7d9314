using System.Security.Claims;
using System.Security.Cryptography;
using CreditShare.Core;
using CreditShare.Core.Accounts;
using CreditShare.Core.Sharing;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Accounts;

public sealed record NewAccount(string UserName, string DisplayName, int UnitId, IReadOnlyList<string> Roles);

public sealed record AccountSummary(string Id, string UserName, string DisplayName, int UnitId, string UnitName, IReadOnlyList<string> Roles,
    bool TwoFactorEnabled, bool IsSuspended, bool IsLockedOut, DateTimeOffset CreatedAt);

public sealed record CreatedAccount(AccountSummary Account, string InitialPassword);

/// <summary>
/// Account and role administration for the 安全管理员. Separation of duties lives here, on the server: forbidden role
/// combinations, roles that do not fit the account's unit, any change an administrator makes to their own account,
/// and (with <see cref="AccountRequests"/>) the changes that need a second 安全管理员.
/// </summary>
public sealed class AccountAdministration(StaffUserManager users, AppDbContext db, StaffSessions sessions, AuditWriter audit, TimeProvider time, IHttpContextAccessor http)
{
    public async Task<IReadOnlyList<AccountSummary>> ListAsync(string? search = null)
    {
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            query = query.Where(u => u.UserName!.Contains(search) || u.DisplayName.Contains(search));
        }

        var list = await query.OrderBy(u => u.UserName).Take(500).ToListAsync();
        var result = new List<AccountSummary>(list.Count);
        foreach (var user in list)
        {
            result.Add(await SummaryAsync(user));
        }

        return result;
    }

    public async Task<AccountSummary?> FindAsync(string id) =>
        await users.FindByIdAsync(id) is { } user ? await SummaryAsync(user) : null;

    private async Task<AccountSummary> SummaryAsync(StaffUser user)
    {
        var unitName = await db.Units.Where(u => u.Id == user.UnitId).Select(u => u.Name).FirstOrDefaultAsync() ?? "";
        var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
        return new AccountSummary(user.Id, user.UserName!, user.DisplayName, user.UnitId, unitName, roles, user.TwoFactorEnabled,
            user.IsSuspended, await users.IsLockedOutAsync(user), user.CreatedAt);
    }

    /// <summary>
    /// Creates an account at once: for the system (the CLI bootstrap, the Development seed, test set-up) or when no
    /// role needs a second approver. A person asking for more goes through <see cref="AccountRequests"/>; here they are
    /// refused, so no page or endpoint can skip the two-person rule by calling this directly.
    /// </summary>
    public async Task<Outcome<CreatedAccount>> CreateAsync(ClaimsPrincipal actor, NewAccount request)
    {
        var (account, errors) = await CheckNewAsync(request);
        if (account is null)
        {
            return Outcome<CreatedAccount>.Invalid(errors);
        }

        if (await RefuseWithoutApprovalAsync(actor, AccountActionKind.Create, account.Roles, account.UserName) is { } refused)
        {
            return Outcome<CreatedAccount>.Forbidden(refused.Code, refused.Message);
        }

        return await InTransactionAsync<CreatedAccount>(records => ApplyCreateAsync(account, records));
    }

    /// <summary>A new account that passed every check, ready to be created now or after approval.</summary>
    internal sealed record CheckedAccount(string UserName, string DisplayName, Unit Unit, List<string> Roles);

    /// <summary>Every rule for a new account; refusals are audited.</summary>
    internal async Task<(CheckedAccount? Account, List<FieldError> Errors)> CheckNewAsync(NewAccount request)
    {
        var errors = new List<FieldError>();
        var userName = request.UserName?.Trim() ?? "";
        if (userName.Length is < 3 or > 64 || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            errors.Add(new FieldError("userName", "account.user_name", "用户名应为3–64位字母、数字、点、下划线或连字符"));
        }
        else if (await users.FindByNameAsync(userName) is not null)
        {
            errors.Add(new FieldError("userName", "account.user_name_taken", "该用户名已被使用"));
        }

        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Length > 50)
        {
            errors.Add(new FieldError("displayName", "account.display_name", "姓名不能为空，且不超过50个字符"));
        }

        var unit = await db.Units.FindAsync(request.UnitId);
        if (unit is null)
        {
            errors.Add(new FieldError("unitId", "account.unit", "所属单位不存在"));
        }

        var roles = (request.Roles ?? []).Distinct().ToList();
        errors.AddRange(CheckRoles(roles, unit));
        if (errors.Count > 0)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Account_ChangeRefused, AuditOutcome.Refused)
            { Target = $"account:{Clip(userName)}", Detail = string.Join(";", errors.Select(e => e.Code)) });
            return (null, errors);
        }

        return (new CheckedAccount(userName, request.DisplayName!.Trim(), unit!, roles), errors);
    }

    internal async Task<Outcome<CreatedAccount>> ApplyCreateAsync(CheckedAccount account, List<AuditRecord> records)
    {
        var password = TemporaryPassword();
        var user = new StaffUser
        {
            UserName = account.UserName,
            DisplayName = account.DisplayName,
            UnitId = account.Unit.Id,
            MustChangePassword = true,
            LockoutEnabled = true,
            CreatedAt = time.GetUtcNow(),
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return Outcome<CreatedAccount>.Invalid([.. created.Errors.Select(e => new FieldError("userName", e.Code, e.Description))]);
        }

        records.Add(new AuditRecord(AuditEvent.Account_Created, AuditOutcome.Success) { Target = $"account:{account.UserName}" });
        foreach (var role in account.Roles)
        {
            await users.AddToRoleAsync(user, role);
            records.Add(new AuditRecord(AuditEvent.Account_RoleGranted, AuditOutcome.Success) { Target = $"account:{account.UserName}", Detail = $"role={role}" });
        }

        return Outcome<CreatedAccount>.Ok(new CreatedAccount(await SummaryAsync(user), password));
    }

    /// <summary>Sets an account's roles at once: for the system, or when the change only takes roles away.</summary>
    public async Task<Outcome<AccountSummary>> SetRolesAsync(ClaimsPrincipal actor, string userId, IReadOnlyList<string> requested)
    {
        var (user, roles, refusal) = await CheckRolesChangeAsync(actor, userId, requested);
        if (refusal is not null)
        {
            return refusal;
        }

        var granted = roles.Except(await users.GetRolesAsync(user!)).ToList();
        if (await RefuseWithoutApprovalAsync(actor, AccountActionKind.GrantRoles, granted, user!.UserName!) is { } refused)
        {
            return Outcome<AccountSummary>.Forbidden(refused.Code, refused.Message);
        }

        return await InTransactionAsync<AccountSummary>(records => ApplyRolesAsync(user, roles, records));
    }

    /// <summary>The account, its new role set, or why the change is refused (not found, own account, bad set; audited).</summary>
    internal async Task<(StaffUser? User, List<string> Roles, Outcome<AccountSummary>? Refusal)> CheckRolesChangeAsync(ClaimsPrincipal actor, string userId, IReadOnlyList<string> requested)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return (null, [], Outcome<AccountSummary>.NotFound("account.not_found", "账号不存在"));
        }

        if (await RefuseSelfAsync(actor, user, "roles") is { } refused)
        {
            return (null, [], Outcome<AccountSummary>.Forbidden(refused.Code, refused.Message));
        }

        var roles = (requested ?? []).Distinct().ToList();
        var errors = CheckRoles(roles, await db.Units.FindAsync(user.UnitId));
        if (errors.Count > 0)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Account_ChangeRefused, AuditOutcome.Refused)
            { Target = $"account:{user.UserName}", Detail = $"roles={string.Join(",", roles)};{string.Join(";", errors.Select(e => e.Code))}" });
            return (null, [], Outcome<AccountSummary>.Invalid(errors));
        }

        return (user, roles, null);
    }

    internal async Task<Outcome<AccountSummary>> ApplyRolesAsync(StaffUser user, IReadOnlyList<string> roles, List<AuditRecord> records)
    {
        // Checked again here: an approval comes later, and the unit may have changed meanwhile.
        var errors = CheckRoles(roles, await db.Units.FindAsync(user.UnitId));
        if (errors.Count > 0)
        {
            return Outcome<AccountSummary>.Invalid(errors);
        }

        var current = await users.GetRolesAsync(user);
        var revoked = current.Except(roles).ToList();
        var granted = roles.Except(current).ToList();
        if (revoked.Count > 0)
        {
            await users.RemoveFromRolesAsync(user, revoked);
        }

        if (granted.Count > 0)
        {
            await users.AddToRolesAsync(user, granted);
        }

        records.AddRange(revoked.Select(role => new AuditRecord(AuditEvent.Account_RoleRevoked, AuditOutcome.Success) { Target = $"account:{user.UserName}", Detail = $"role={role}" }));
        records.AddRange(granted.Select(role => new AuditRecord(AuditEvent.Account_RoleGranted, AuditOutcome.Success) { Target = $"account:{user.UserName}", Detail = $"role={role}" }));
        if (revoked.Count > 0 || granted.Count > 0)
        {
            // Claims in the cookie carry the old roles: end the sessions so the change applies now.
            await sessions.EndAllAsync(user.Id, "roles_changed");
        }

        return Outcome<AccountSummary>.Ok(await SummaryAsync(user));
    }

    public async Task<Outcome<AccountSummary>> SetSuspendedAsync(ClaimsPrincipal actor, string userId, bool suspend)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Outcome<AccountSummary>.NotFound("account.not_found", "账号不存在");
        }

        if (await RefuseSelfAsync(actor, user, suspend ? "suspend" : "resume") is { } refused)
        {
            return Outcome<AccountSummary>.Forbidden(refused.Code, refused.Message);
        }

        user.IsSuspended = suspend;
        await users.UpdateAsync(user);
        if (suspend)
        {
            var ended = await sessions.EndAllAsync(user.Id, "suspended");
            await audit.WriteAsync(new AuditRecord(AuditEvent.Account_Suspended, AuditOutcome.Success) { Target = $"account:{user.UserName}", Detail = $"sessions_ended={ended}" });
        }
        else
        {
            await users.SetLockoutEndDateAsync(user, null);
            await audit.WriteAsync(new AuditRecord(AuditEvent.Account_Resumed, AuditOutcome.Success) { Target = $"account:{user.UserName}" });
        }

        return Outcome<AccountSummary>.Ok(await SummaryAsync(user));
    }

    /// <summary>Clears the authenticator at once (system only: a person's request waits for a second 安全管理员).</summary>
    public async Task<Outcome<AccountSummary>> ResetSecondFactorAsync(ClaimsPrincipal actor, string userId)
    {
        var (user, refusal) = await CheckResetAsync<AccountSummary>(actor, userId, AccountActionKind.ResetSecondFactor);
        return refusal ?? await InTransactionAsync<AccountSummary>(records => ApplySecondFactorResetAsync(user!, records));
    }

    /// <summary>The owner enrols again at the next sign-in.</summary>
    internal async Task<Outcome<AccountSummary>> ApplySecondFactorResetAsync(StaffUser user, List<AuditRecord> records)
    {
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
        user.LastTotpTimeStep = 0;
        await users.UpdateAsync(user);
        await sessions.EndAllAsync(user.Id, "second_factor_reset");
        records.Add(new AuditRecord(AuditEvent.Account_SecondFactorReset, AuditOutcome.Success) { Target = $"account:{user.UserName}" });
        return Outcome<AccountSummary>.Ok(await SummaryAsync(user));
    }

    /// <summary>A new one-time password at once (system only: a person's request waits for a second 安全管理员).</summary>
    public async Task<Outcome<CreatedAccount>> ResetPasswordAsync(ClaimsPrincipal actor, string userId)
    {
        var (user, refusal) = await CheckResetAsync<CreatedAccount>(actor, userId, AccountActionKind.ResetPassword);
        return refusal ?? await InTransactionAsync<CreatedAccount>(records => ApplyPasswordResetAsync(user!, records));
    }

    internal async Task<Outcome<CreatedAccount>> ApplyPasswordResetAsync(StaffUser user, List<AuditRecord> records)
    {
        var password = TemporaryPassword();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded)
        {
            return Outcome<CreatedAccount>.Invalid([.. reset.Errors.Select(e => new FieldError("password", e.Code, e.Description))]);
        }

        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        await sessions.EndAllAsync(user.Id, "password_reset");
        records.Add(new AuditRecord(AuditEvent.Account_PasswordReset, AuditOutcome.Success) { Target = $"account:{user.UserName}" });
        return Outcome<CreatedAccount>.Ok(new CreatedAccount(await SummaryAsync(user), password));
    }

    private async Task<(StaffUser? User, Outcome<T>? Refusal)> CheckResetAsync<T>(ClaimsPrincipal actor, string userId, AccountActionKind kind)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return (null, Outcome<T>.NotFound("account.not_found", "账号不存在"));
        }

        var refused = await RefuseSelfAsync(actor, user, AccountApproval.Name(kind)) ?? await RefuseWithoutApprovalAsync(actor, kind, [], user.UserName!);
        return refused is null ? (user, null) : (null, Outcome<T>.Forbidden(refused.Code, refused.Message));
    }

    /// <summary>
    /// Runs a change in one transaction and writes its audit entries once it has committed (the audit writer takes a
    /// lock of its own, which on SQLite would wait for this transaction). Nothing is changed or audited if it fails.
    /// </summary>
    internal async Task<Outcome<T>> InTransactionAsync<T>(Func<List<AuditRecord>, Task<Outcome<T>>> change)
    {
        var records = new List<AuditRecord>();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var outcome = await change(records);
            if (!outcome.IsOk)
            {
                await transaction.RollbackAsync();
                return outcome;
            }

            await transaction.CommitAsync();
            foreach (var record in records)
            {
                await audit.WriteAsync(record);
            }

            return outcome;
        }
    }

    /// <summary>
    /// The system acts outside any HTTP request and as no staff account (CLI, Development seed, test set-up); anything
    /// else is a person, and a person's change that needs a second 安全管理员 is refused here (fail closed).
    /// </summary>
    private bool IsSystem(ClaimsPrincipal actor) => actor.UserId() is null && http.HttpContext is null;

    private async Task<FieldError?> RefuseWithoutApprovalAsync(ClaimsPrincipal actor, AccountActionKind kind, IReadOnlyCollection<string> rolesGiven, string userName)
    {
        if (IsSystem(actor) || !AccountApproval.NeedsSecondApprover(kind, rolesGiven))
        {
            return null;
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Account_ChangeRefused, AuditOutcome.Refused)
        { Target = $"account:{Clip(userName)}", Detail = $"second_approval_required;kind={AccountApproval.Name(kind)}" });
        return new FieldError("", "account.second_approval_required", "此项变更须由另一名安全管理员审批，请提交申请");
    }

    /// <summary>Role rules of art. 17 plus the fit between a role and the kind of unit the account belongs to.</summary>
    public static List<FieldError> CheckRoles(IReadOnlyCollection<string> roles, Unit? unit)
    {
        var errors = StaffRoles.CheckCombination(roles).ToList();
        if (unit is null)
        {
            return errors;
        }

        foreach (var role in roles.Where(StaffRoles.All.Contains))
        {
            var fits = role switch
            {
                StaffRoles.Reporter => unit.Roles.HasFlag(UnitRoles.Source),
                StaffRoles.UserUnitQuerier => UnitKinds.IsDataUser(unit.Roles),
                _ => unit.Roles.HasFlag(UnitRoles.Center),
            };
            if (!fits)
            {
                errors.Add(new FieldError("roles", "role.unit_mismatch", $"“{role}”不适用于{unit.Name}（{Unit.RolesLabel(unit.Roles)}）"));
            }
        }

        return errors;
    }

    internal async Task<FieldError?> RefuseSelfAsync(ClaimsPrincipal actor, StaffUser target, string what)
    {
        if (actor.UserId() != target.Id)
        {
            return null;
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Account_ChangeRefused, AuditOutcome.Refused) { Target = $"account:{target.UserName}", Detail = $"self_{what}" });
        return new FieldError("", "account.self_change", "不能修改自己的角色、口令或账号状态，须由另一名安全管理员操作");
    }

    /// <summary>A one-time password that meets the policy; the holder must change it at first sign-in.</summary>
    public static string TemporaryPassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789", symbols = "!@#$%*?";
        const string all = upper + lower + digits + symbols;
        var chars = new char[16];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private static string Clip(string value) => value.Length > 64 ? value[..64] : value;
}
