using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization;

namespace CreditShare.Core.Credentials;

/// <summary>注销此U-key的原因 on 附3. Stored as a number: never renumber. On the wire in camelCase (<c>lost</c>, <c>forgottenPin</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CancellationReason>))]
public enum CancellationReason
{
    /// <summary>U-key丢失: the key may be in someone else's hands.</summary>
    [JsonStringEnumMemberName("lost")]
    Lost = 1,

    /// <summary>U-key损坏.</summary>
    [JsonStringEnumMemberName("damaged")]
    Damaged = 2,

    /// <summary>丢失或遗忘U-key密码.</summary>
    [JsonStringEnumMemberName("forgottenPin")]
    ForgottenPin = 3,

    /// <summary>U-key用户信息变更.</summary>
    [JsonStringEnumMemberName("userInformationChanged")]
    UserInformationChanged = 4,

    /// <summary>终止使用.</summary>
    [JsonStringEnumMemberName("noLongerUsed")]
    NoLongerUsed = 5,

    /// <summary>其他 (with text).</summary>
    [JsonStringEnumMemberName("other")]
    Other = 6,
}

public static class CancellationReasons
{
    public static string Label(CancellationReason reason) => reason switch
    {
        CancellationReason.Lost => "U-key丢失",
        CancellationReason.Damaged => "U-key损坏",
        CancellationReason.ForgottenPin => "丢失或遗忘U-key密码",
        CancellationReason.UserInformationChanged => "U-key用户信息变更",
        CancellationReason.NoLongerUsed => "终止使用",
        CancellationReason.Other => "其他",
        _ => "未知",
    };

    /// <summary>
    /// The RFC 5280 reason a CRL and OCSP give for a cancellation. A lost key is compromised; a damaged key or a
    /// forgotten PIN is superseded when a new one replaces it, else the use simply ends.
    /// </summary>
    public static X509RevocationReason RevocationReason(CancellationReason reason, bool reissued) => reason switch
    {
        CancellationReason.Lost => X509RevocationReason.KeyCompromise,
        CancellationReason.Damaged or CancellationReason.ForgottenPin => reissued ? X509RevocationReason.Superseded : X509RevocationReason.CessationOfOperation,
        CancellationReason.UserInformationChanged => X509RevocationReason.AffiliationChanged,
        CancellationReason.NoLongerUsed => X509RevocationReason.CessationOfOperation,
        _ => X509RevocationReason.Unspecified,
    };

    /// <summary>Why the cancellation cannot be recorded, or null: "other" needs its text.</summary>
    public static FieldError? Check(CancellationReason reason, string? text)
    {
        if (!Enum.IsDefined(reason))
        {
            return new FieldError("reason", "cancellation.reason", "请选择注销原因");
        }

        if (reason == CancellationReason.Other && string.IsNullOrWhiteSpace(text))
        {
            return new FieldError("reasonText", "cancellation.reason_text", "选择“其他”时请填写注销原因");
        }

        return text is { Length: > 200 } ? new FieldError("reasonText", "cancellation.reason_text", "注销原因不能超过200字") : null;
    }
}
