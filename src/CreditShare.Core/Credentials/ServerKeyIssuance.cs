using System.Security.Cryptography;
using CreditShare.Core.Accounts;

namespace CreditShare.Core.Credentials;

/// <summary>What a key made on the server is for: a person without a token, a unit's own system, or its gateway.</summary>
public enum ServerKeyPurpose
{
    Person,
    System,
    Gateway,
}

/// <summary>
/// Issuance without a token (art. 15 for a unit's server or gateway): the platform makes the key, and the PKCS#12 is
/// encrypted under a one-time PIN that only the approver is shown. The applicant collects the file once with the
/// application number; the approver hands the PIN over another way, so neither channel alone opens the key.
/// </summary>
public static class ServerKeyIssuance
{
    // Crockford's base 32 as in the application number: nothing misread when the PIN is read out over the phone.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int PinCharacters = 16;

    /// <summary>A new PIN of 80 random bits in groups of four (<c>7K3M-9Q2W-XD4P-R8TN</c>): the PKCS#12 file may be copied, so the PIN must withstand guessing offline.</summary>
    public static string NewPin()
    {
        Span<char> pin = stackalloc char[PinCharacters + (PinCharacters / 4) - 1];
        var at = 0;
        for (var i = 0; i < PinCharacters; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                pin[at++] = '-';
            }

            pin[at++] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(pin);
    }

    /// <summary>The purpose named on the wire (<c>person</c>, <c>system</c>, <c>gateway</c>; none means a person's), or null when unknown.</summary>
    public static ServerKeyPurpose? ParsePurpose(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "person" => ServerKeyPurpose.Person,
        "system" => ServerKeyPurpose.System,
        "gateway" => ServerKeyPurpose.Gateway,
        _ => null,
    };

    public static string Label(ServerKeyPurpose purpose) => purpose switch
    {
        ServerKeyPurpose.Person => "个人证书（无U-key）",
        ServerKeyPurpose.System => "单位业务系统",
        _ => "前置机",
    };

    /// <summary>
    /// Why <paramref name="actor"/> may not have the platform make a key under this application, or null: only once it
    /// is approved, and only the approver, since the PIN is shown to whoever issues and the approval is what vouches for it.
    /// </summary>
    public static FieldError? CheckIssuer(ApplicationState state, Reviewer actor, string? approvedBy)
    {
        if (state != ApplicationState.Approved)
        {
            return new FieldError("state", "application.state", $"申请当前状态为“{ApplicationReview.Label(state)}”，不能签发证书");
        }

        if (!actor.IsHuman || string.IsNullOrEmpty(actor.Account))
        {
            return new FieldError("actor", "application.not_human", "受理与审核须由工作人员本人账号完成");
        }

        // Fail closed: an approval with nobody on record has no approver to show the PIN to.
        return !string.IsNullOrEmpty(approvedBy) && !TwoPersonRule.IsDistinct(actor.Account, approvedBy)
            ? null
            : new FieldError("actor", "application.not_approver", "服务器生成密钥的一次性PIN只向审核人显示，须由审核该申请的人签发");
    }
}
