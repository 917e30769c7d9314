using System.Security.Claims;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Accounts;

public enum PasswordStep
{
    Failed,
    NeedsSecondFactor,
    NeedsEnrolment,

    /// <summary>Password and the account's own U-key certificate: both factors given, signed in.</summary>
    SignedIn,
}

/// <summary>
/// The two steps of a staff sign-in (password, then TOTP), written out rather than through PasswordSignInAsync because
/// enrolment is mandatory and every session needs a server-side row.
/// </summary>
public sealed class SignInFlow(
    StaffUserManager users,
    SignInManager<StaffUser> signIn,
    IPasswordHasher<StaffUser> hasher,
    StaffSessions sessions,
    AuditWriter audit,
    AppDbContext db,
    Credentials.UKeySignIn ukey,
    IHttpContextAccessor http)
{
    /// <summary>One message for unknown account, wrong password and lockout, so none of them can be told apart.</summary>
    public const string GenericFailure = "用户名或密码错误。连续输入错误5次，账号将被锁定30分钟。";

    // A real PBKDF2 hash, checked when the account does not exist so both answers take about as long.
    private static readonly string DummyHash = new PasswordHasher<StaffUser>().HashPassword(new StaffUser(), "timing-equaliser-Aa1!");

    private HttpContext Http => http.HttpContext ?? throw new InvalidOperationException("No HTTP request.");

    public async Task<(PasswordStep Step, string? Error)> CheckPasswordAsync(string userName, string password)
    {
        var user = await users.FindByNameAsync(userName.Trim());

        // The same work for every account before anything is decided: a full PBKDF2 verification against the
        // account's hash, or against a dummy one for an unknown name; lockout is looked at only afterwards. Answering
        // a locked account without hashing took 4 ms instead of 80 and told who was locked (and that they existed).
        var passwordOk = await VerifyPasswordAsync(user, password);
        if (user is null)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.SignIn_UnknownAccount, AuditOutcome.Failure) { Account = MaskUnknown(userName) });
            return (PasswordStep.Failed, GenericFailure);
        }

        if (!passwordOk)
        {
            // Counted atomically; a locked account is left as it is by the statement itself.
            await users.AccessFailedAsync(user);
        }

        if (await users.IsLockedOutAsync(user))
        {
            // Also with the right password: a locked account stays shut until the lockout ends.
            await audit.WriteAsync(new AuditRecord(AuditEvent.SignIn_LockedOut, AuditOutcome.Refused) { Account = user.UserName, Detail = "factor=password" });
            return (PasswordStep.Failed, GenericFailure);
        }

        if (!passwordOk)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.SignIn_PasswordFailed, AuditOutcome.Failure) { Account = user.UserName, Detail = "factor=password" });
            return (PasswordStep.Failed, GenericFailure);
        }

        if (user.IsSuspended || !await UnitIsActiveAsync(user))
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.SignIn_AccountSuspended, AuditOutcome.Refused) { Account = user.UserName });
            return (PasswordStep.Failed, "账号已停用，请联系安全管理员。");
        }

        // The U-key (a client certificate on this TLS connection) is the second factor when it is this account's own.
        switch (await ukey.CheckAsync(Http, user))
        {
            case Credentials.UKeyFactor.Valid:
                await CompleteAsync(user, "x509");
                return (PasswordStep.SignedIn, null);
            case Credentials.UKeyFactor.Refused refused:
                await audit.WriteAsync(new AuditRecord(AuditEvent.SignIn_CertificateRefused, AuditOutcome.Refused)
                { Account = user.UserName, Target = $"certificate:{refused.Serial}", Detail = refused.Reason });
                return (PasswordStep.Failed, "所插入的U-key证书不属于该账号，或已注销、过期。请插入本人的U-key，或联系证书业务操作员。");
            case Credentials.UKeyFactor.Absent when await ukey.IsRequiredAsync(user):
                await audit.WriteAsync(new AuditRecord(AuditEvent.SignIn_CertificateRequired, AuditOutcome.Refused) { Account = user.UserName });
                return (PasswordStep.Failed, "该账号须使用U-key登录：请插入本人的U-key，通过 HTTPS 访问并在浏览器提示时选择证书。");
        }

        // The same short-lived cookie Identity uses between the two factors.
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id));
        await Http.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity));
        return (user.TwoFactorEnabled ? PasswordStep.NeedsSecondFactor : PasswordStep.NeedsEnrolment, null);
    }

    private async Task<bool> VerifyPasswordAsync(StaffUser? user, string password)
    {
        if (user?.PasswordHash is null)
        {
            hasher.VerifyHashedPassword(new StaffUser(), DummyHash, password);
            return false;
        }

        // CheckPasswordAsync also upgrades an old hash format; it ignores lockout, which is decided after.
        return await users.CheckPasswordAsync(user, password);
    }

    private Task<bool> UnitIsActiveAsync(StaffUser user) =>
        db.Units.AnyAsync(u => u.Id == user.UnitId && u.Status == UnitStatus.Active);

    /// <summary>The account that passed the password step and still owes its second factor.</summary>
    public async Task<StaffUser?> PendingUserAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        return user is null || user.IsSuspended || await users.IsLockedOutAsync(user) ? null : user;
    }

    public async Task<string?> CheckSecondFactorAsync(StaffUser user, string code, bool isRecoveryCode)
    {
        var ok = isRecoveryCode
            ? (await users.RedeemTwoFactorRecoveryCodeAsync(user, code.Replace(" ", string.Empty, StringComparison.Ordinal))).Succeeded
            : await users.VerifyTwoFactorTokenAsync(user, ReplayProtectedAuthenticator.ProviderName, code);
        if (!ok)
        {
            await users.AccessFailedAsync(user);
            var locked = await users.IsLockedOutAsync(user);
            await audit.WriteAsync(new AuditRecord(locked ? AuditEvent.SignIn_LockedOut : AuditEvent.SignIn_SecondFactorFailed, AuditOutcome.Failure)
            {
                Account = user.UserName,
                Detail = isRecoveryCode ? "factor=recovery_code" : "factor=totp",
            });
            if (locked)
            {
                await Http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
                return GenericFailure;
            }

            return isRecoveryCode ? "恢复码无效或已使用" : "动态口令错误或已使用过，请等待下一个口令";
        }

        if (isRecoveryCode)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.SignIn_RecoveryCodeUsed, AuditOutcome.Success) { Account = user.UserName });
        }

        await CompleteAsync(user);
        return null;
    }

    public async Task<(bool Ok, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(StaffUser user, string code)
    {
        if (!await users.VerifyTwoFactorTokenAsync(user, ReplayProtectedAuthenticator.ProviderName, code))
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.SignIn_SecondFactorFailed, AuditOutcome.Failure) { Account = user.UserName, Detail = "factor=totp_enrolment" });
            return (false, []);
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
        await audit.WriteAsync(new AuditRecord(AuditEvent.TwoFactor_Enrolled, AuditOutcome.Success) { Account = user.UserName });
        await CompleteAsync(user);
        return (true, codes);
    }

    public async Task<string> EnsureAuthenticatorKeyAsync(StaffUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        return key!;
    }

    private async Task CompleteAsync(StaffUser user, string secondFactor = "otp")
    {
        var sessionId = await sessions.StartAsync(user, Http.Connection.RemoteIpAddress?.ToString());
        await users.ResetAccessFailedCountAsync(user);
        await Http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim(CurrentUser.SessionClaim, sessionId), new Claim("amr", "mfa"), new Claim("amr", secondFactor)]);
        await audit.WriteAsync(new AuditRecord(AuditEvent.SignIn_Succeeded, AuditOutcome.Success)
        { Account = user.UserName, Target = $"session:{sessionId[..8]}", Detail = $"factors=pwd+{secondFactor}" });
    }

    public async Task SignOutAsync()
    {
        var sessionId = Http.User.SessionId();
        if (sessionId is not null)
        {
            await sessions.EndAsync(sessionId, "signed_out");
        }

        await audit.WriteAsync(AuditEvent.Session_SignedOut, AuditOutcome.Success);
        await signIn.SignOutAsync();
    }

    /// <summary>Keeps a hint of what was typed without storing it: people sometimes type their password into the user field.</summary>
    private static string MaskUnknown(string userName)
    {
        var trimmed = userName.Trim();
        return trimmed.Length <= 2 ? "***" : $"{trimmed[..2]}***";
    }
}
