namespace CreditShare.Web.Features.Credentials;

public sealed class CredentialOptions
{
    /// <summary>
    /// Accounts holding any of these roles sign in with their U-key (client certificate) plus password only, never with
    /// TOTP: 等保 level 3 wants one factor to be cryptographic for them. Empty by default, because the first
    /// administrator has no U-key yet; production lists e.g. the three administrators and the queriers once they hold theirs.
    /// </summary>
    public List<string> CertificateRequiredRoles { get; set; } = [];

    /// <summary>Days a renewed certificate stays good beside its successor before it is revoked (superseded).</summary>
    public int RenewalOverlapDays { get; set; } = 7;

}

/// <summary>
/// The platform's terms of use (art. 4 and 23). A new version is a new constant: every staff account accepts it again
/// at its next sign-in, and every application accepts the version current when it is filled in.
/// </summary>
public static class TermsOfUse
{
    public const string Version = "2026-12";

    public static IReadOnlyList<string> Clauses { get; } =
    [
        "不得利用平台信息从事危害国家利益、社会公共利益和他人合法权益的活动（第四条）。",
        "查询结果仅限用于申请时说明的用途，不得超范围使用，不得擅自向第三方提供（第二十三条）。",
        "本单位对其账号、U-key和查询所得信息的安全负责；因本单位原因造成信息泄露的，由本单位承担相应责任。",
        "U-key与口令由使用人本人保管，不得转借；人员调整、更换电脑或U-key丢失时，应及时办理变更或注销（第十六条）。",
        "平台对每一次登录、查询和下载留存审计记录。",
    ];
}
