using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace CreditShare.Web.Features.Accounts;

/// <summary>
/// TOTP (RFC 6238) second factor that remembers the last accepted time step per account, so a code that worked once
/// is refused if replayed, even within its 30-second window. The step is stored in the database with optimistic
/// concurrency, so two instances cannot both accept the same code.
/// </summary>
public sealed class ReplayProtectedAuthenticator(TimeProvider time) : IUserTwoFactorTokenProvider<StaffUser>
{
    public const string ProviderName = "ReplayProtectedAuthenticator";

    public Task<string> GenerateAsync(string purpose, UserManager<StaffUser> manager, StaffUser user) => Task.FromResult(string.Empty);

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<StaffUser> manager, StaffUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffUser> manager, StaffUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        var code = token.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        if (string.IsNullOrEmpty(key) || code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var totp = new Totp(Base32Encoding.ToBytes(key));
        // One step either side absorbs clock drift between the server and the phone.
        if (!totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)))
        {
            return false;
        }

        if (step <= user.LastTotpTimeStep)
        {
            return false;
        }

        user.LastTotpTimeStep = step;
        var saved = await manager.UpdateAsync(user);
        return saved.Succeeded;
    }

    /// <summary>The code an authenticator app would show now; used by the demo seed's printout and by tests.</summary>
    public static string CurrentCode(string base32Key, DateTimeOffset now) =>
        new Totp(Base32Encoding.ToBytes(base32Key)).ComputeTotp(now.UtcDateTime);
}
