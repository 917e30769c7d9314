namespace CreditShare.Core.Security;

/// <summary>
/// What an instance counts per client address (art. 19: "短时间内的大量访问操作"). Stored by number in the shared
/// counts table: never renumber one.
/// </summary>
public enum AccessSignal
{
    /// <summary>A request to the public site, its API or the kiosk.</summary>
    PublicQuery = 1,

    /// <summary>A distinct subject looked up on a public surface (scraping reads many subjects, a person a few).</summary>
    DistinctSubject = 2,

    /// <summary>A failed sign-in (wrong password, unknown account, wrong second factor), whichever account it named.</summary>
    SignInFailure = 3,

    /// <summary>A client certificate refused by the unit APIs or the U-key sign-in.</summary>
    CertificateRefused = 4,

    /// <summary>An answer in the 4xx range (probing for routes, fuzzing parameters).</summary>
    ClientError = 5,

    /// <summary>A change-feed or paging cursor that fails its signature (made up or tampered with).</summary>
    ForgedCursor = 6,

    /// <summary>A credential tried (any sign-in form posted): what the sign-in limit counts, per address and in total.</summary>
    SignInAttempt = 7,

    /// <summary>A call to the unit APIs, per client certificate: what the unit-API limit counts.</summary>
    UnitApiRequest = 8,
}

public static class AccessSignals
{
    /// <summary>The attack type 等保 asks a record of an attack to name, in the words of the console.</summary>
    public static string AttackType(AccessSignal signal) => signal switch
    {
        AccessSignal.PublicQuery => "短时间内大量公共查询",
        AccessSignal.DistinctSubject => "批量抓取主体信息",
        AccessSignal.SignInFailure => "登录口令猜测（暴力破解）",
        AccessSignal.CertificateRefused => "使用无效证书访问",
        AccessSignal.ClientError => "大量异常请求（探测或模糊测试）",
        AccessSignal.ForgedCursor => "伪造游标",
        AccessSignal.SignInAttempt => "频繁尝试登录",
        AccessSignal.UnitApiRequest => "频繁调用单位接口",
        _ => signal.ToString(),
    };

    /// <summary>Signals that only feed limits (no detection window of their own by default).</summary>
    public static bool IsLimitOnly(AccessSignal signal) => signal is AccessSignal.SignInAttempt or AccessSignal.UnitApiRequest;

    /// <summary>What the attack aimed at (攻击目的 / target), as the console shows it.</summary>
    public static string Target(AccessSignal signal) => signal switch
    {
        AccessSignal.PublicQuery or AccessSignal.DistinctSubject => "公共信用信息查询",
        AccessSignal.SignInFailure or AccessSignal.SignInAttempt => "管理控制台登录",
        AccessSignal.UnitApiRequest => "单位接口",
        AccessSignal.CertificateRefused => "单位接口（双向TLS）",
        AccessSignal.ForgedCursor => "数据共享接口",
        _ => "平台全部接口",
    };
}
