namespace CreditShare.Core.Security;

public enum Verdict
{
    /// <summary>符合</summary>
    Met,

    /// <summary>部分符合</summary>
    Partial,

    /// <summary>不符合</summary>
    NotMet,
}

/// <summary>
/// One GB/T 22239-2019 level-3 item as GB/T 28448-2019 turns it into a test unit: its key (clause and letter), the
/// control point, the requirement's wording, and the verdict with the live evidence it rests on.
/// </summary>
public sealed record SelfCheckItem(string Key, string ControlPoint, string Requirement, Verdict Verdict, string Evidence)
{
    public string VerdictLabel => Verdict switch
    {
        Verdict.Met => "符合",
        Verdict.Partial => "部分符合",
        _ => "不符合",
    };
}

/// <summary>What the running system reports about itself; gathered by the web host, judged here.</summary>
public sealed record SelfCheckFacts
{
    public int ActiveAccounts { get; init; }

    public int DuplicateUserNames { get; init; }

    public int PasswordMinimumLength { get; init; }

    public int PasswordClassesRequired { get; init; }

    public int LockoutAttempts { get; init; }

    public TimeSpan LockoutDuration { get; init; }

    public TimeSpan IdleTimeout { get; init; }

    public TimeSpan AbsoluteTimeout { get; init; }

    public bool HttpsOnlyCookies { get; init; }

    public bool TlsConfigured { get; init; }

    public int AccountsWithSecondFactor { get; init; }

    /// <summary>Active accounts that must sign in with their U-key (a cryptographic factor).</summary>
    public int AccountsWithCryptographicFactor { get; init; }

    public IReadOnlyList<string> DefaultAccountNames { get; init; } = [];

    public IReadOnlyList<string> DormantAccounts { get; init; } = [];

    public int DormantDays { get; init; } = 90;

    /// <summary>Accounts holding two or more of 系统管理员, 安全管理员, 审计管理员.</summary>
    public IReadOnlyList<string> SeparationOfDutyViolations { get; init; } = [];

    public int SystemAdmins { get; init; }

    public int SecurityAdmins { get; init; }

    public int AuditAdmins { get; init; }

    public int AuditRetentionDays { get; init; }

    public bool AuditChainIntact { get; init; }

    public string AuditChainDetail { get; init; } = "";

    public bool AuditChainKeyed { get; init; }

    public string BlacklistMode { get; init; } = "";

    public bool InputValidation { get; init; } = true;

    public bool PersonalDataEncrypted { get; init; }

    public bool DataProtectionKeysEncrypted { get; init; }

    public DateTimeOffset? LastSuccessfulDrill { get; init; }

    public DateTimeOffset Now { get; init; }

    public bool SessionsEndedOnSignOut { get; init; } = true;

    public bool PublicMasking { get; init; } = true;
}

/// <summary>
/// The application items of GB/T 22239-2019 §8.1.4 (安全计算环境) and §8.1.5 (安全管理中心) at level 3, each judged on
/// facts from the running system (art. 21: 等级保护). A verdict is never "met" by assumption: each names its evidence.
/// </summary>
public static class SelfCheck
{
    public const int RequiredRetentionDays = 180;
    public const int DrillMaxAgeDays = 30;

    public static IReadOnlyList<SelfCheckItem> Evaluate(SelfCheckFacts f)
    {
        static Verdict When(bool met) => met ? Verdict.Met : Verdict.NotMet;
        var secondFactor = f.ActiveAccounts == 0 ? 1.0 : (double)f.AccountsWithSecondFactor / f.ActiveAccounts;
        var cryptographic = f.ActiveAccounts == 0 ? 0.0 : (double)f.AccountsWithCryptographicFactor / f.ActiveAccounts;
        var drillAge = f.LastSuccessfulDrill is { } drill ? (f.Now - drill).TotalDays : (double?)null;
        return
        [
            new("8.1.4.1-a", "身份鉴别", "应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息具有复杂度要求并定期更换",
                When(f.DuplicateUserNames == 0 && f.PasswordMinimumLength >= 8 && f.PasswordClassesRequired >= 3),
                $"在用账号 {f.ActiveAccounts} 个，重名 {f.DuplicateUserNames} 个；口令至少 {f.PasswordMinimumLength} 位、含 {f.PasswordClassesRequired} 类字符"),
            new("8.1.4.1-b", "身份鉴别", "应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施",
                When(f.LockoutAttempts is > 0 and <= 5 && f.LockoutDuration >= TimeSpan.FromMinutes(10) && f.IdleTimeout <= TimeSpan.FromMinutes(30) && f.AbsoluteTimeout <= TimeSpan.FromHours(12)),
                $"连续失败 {f.LockoutAttempts} 次锁定 {f.LockoutDuration.TotalMinutes:0} 分钟；空闲 {f.IdleTimeout.TotalMinutes:0} 分钟、最长 {f.AbsoluteTimeout.TotalHours:0.#} 小时自动退出"),
            new("8.1.4.1-c", "身份鉴别", "当进行远程管理时，应采取必要措施防止鉴别信息在网络传输过程中被窃听",
                When(f.TlsConfigured && f.HttpsOnlyCookies),
                $"HTTPS：{(f.TlsConfigured ? "已配置" : "未配置")}；会话 Cookie 仅经 HTTPS：{(f.HttpsOnlyCookies ? "是" : "否")}"),
            new("8.1.4.1-d", "身份鉴别", "应采用口令、密码技术、生物技术等两种或两种以上组合的鉴别技术对用户进行身份鉴别，且其中一种鉴别技术至少应使用密码技术来实现",
                secondFactor < 1 ? Verdict.NotMet : cryptographic >= 1 ? Verdict.Met : Verdict.Partial,
                $"双因素覆盖 {secondFactor:P0}（{f.AccountsWithSecondFactor}/{f.ActiveAccounts}）；须用 U-key（密码技术）登录的账号 {cryptographic:P0}（{f.AccountsWithCryptographicFactor}/{f.ActiveAccounts}）"),
            new("8.1.4.2-a", "访问控制", "应对登录的用户分配账户和权限", Verdict.Met, "每个账号按角色授权；角色与权限见账号与角色页"),
            new("8.1.4.2-b", "访问控制", "应重命名或删除默认账户，修改默认账户的默认口令",
                When(f.DefaultAccountNames.Count == 0),
                f.DefaultAccountNames.Count == 0 ? "无 admin、root、test 等默认账号；生产环境不带默认口令" : $"存在默认账号：{string.Join("、", f.DefaultAccountNames)}"),
            new("8.1.4.2-c", "访问控制", "应及时删除或停用多余的、过期的账户，避免共享账户的存在",
                When(f.DormantAccounts.Count == 0),
                f.DormantAccounts.Count == 0 ? $"无 {f.DormantDays} 天未登录的在用账号" : $"{f.DormantDays} 天未登录的在用账号 {f.DormantAccounts.Count} 个：{string.Join("、", f.DormantAccounts.Take(20))}"),
            new("8.1.4.2-d", "访问控制", "应授予管理用户所需的最小权限，实现管理用户的权限分离",
                When(f.SeparationOfDutyViolations.Count == 0),
                f.SeparationOfDutyViolations.Count == 0 ? "无同时持有两种管理角色的账号" : $"同时持有两种管理角色：{string.Join("、", f.SeparationOfDutyViolations)}"),
            new("8.1.4.3-a", "安全审计", "应启用安全审计功能，审计覆盖到每个用户，对重要的用户行为和重要安全事件进行审计",
                Verdict.Met, "登录、账号、数据报送、共享、查询非公开数据、证书、黑名单与服务开关均写入审计链（事件编号见设计文档）"),
            new("8.1.4.3-c", "安全审计", "应对审计记录进行保护，定期备份，避免受到未预期的删除、修改或覆盖等",
                When(f.AuditChainIntact && f.AuditChainKeyed && f.AuditRetentionDays >= RequiredRetentionDays),
                $"{f.AuditChainDetail}；密钥链：{(f.AuditChainKeyed ? "是" : "否")}；保留 {f.AuditRetentionDays} 天（要求 ≥ {RequiredRetentionDays} 天）"),
            new("8.1.4.4-f", "入侵防范", "应能够检测到对重要节点进行入侵的行为，并在发生严重入侵事件时提供报警",
                f.BlacklistMode == "Enforce" ? Verdict.Met : f.BlacklistMode == "Simulate" ? Verdict.Partial : Verdict.NotMet,
                $"异常访问自动检测与黑名单：{f.BlacklistMode switch { "Enforce" => "启用", "Simulate" => "模拟模式（只记录不拦截）", _ => "未启用" }}"),
            new("8.1.4.4-e", "入侵防范", "应提供数据有效性检验功能，保证通过人机接口输入或通过通信接口输入的内容符合系统设定要求",
                When(f.InputValidation), "报送记录按目录逐字段校验，拒绝原因逐行返回；接口错误以 problem+json 答复"),
            new("8.1.4.8-b", "数据保密性", "应采用密码技术保证重要数据在存储过程中的保密性",
                When(f.PersonalDataEncrypted && f.DataProtectionKeysEncrypted),
                $"身份证号与联系人 AES-256-GCM 加密存储：{(f.PersonalDataEncrypted ? "是" : "否")}；会话密钥环以证书加密：{(f.DataProtectionKeysEncrypted ? "是" : "否")}"),
            new("8.1.4.9-a", "数据备份恢复", "应提供重要数据的本地数据备份与恢复功能",
                drillAge is null ? Verdict.NotMet : drillAge <= DrillMaxAgeDays ? Verdict.Met : Verdict.Partial,
                drillAge is null ? "尚无成功的恢复演练（backup、restore-drill 命令）" : $"最近一次成功的恢复演练在 {drillAge:0} 天前（要求 {DrillMaxAgeDays} 天内）"),
            new("8.1.4.10-a", "剩余信息保护", "应保证鉴别信息所在的存储空间被释放或重新分配前得到完全清除",
                When(f.SessionsEndedOnSignOut), "会话保存在服务端，退出、超时或停用即作废；口令仅存哈希"),
            new("8.1.4.11-b", "个人信息保护", "应禁止未授权访问和非法使用用户个人信息",
                When(f.PublicMasking && f.PersonalDataEncrypted), "公示页面对自然人证件号与手机号脱敏；共享按授权字段，每次访问审计"),
            new("8.1.5.1-a", "系统管理", "应对系统管理员进行身份鉴别，只允许其通过特定的命令或操作界面进行系统管理操作，并对这些操作进行审计",
                When(f.SystemAdmins > 0), $"系统管理员 {f.SystemAdmins} 人"),
            new("8.1.5.2-a", "审计管理", "应对审计管理员进行身份鉴别，只允许其通过特定的命令或操作界面进行安全审计操作，并对这些操作进行审计",
                When(f.AuditAdmins > 0), $"审计管理员 {f.AuditAdmins} 人"),
            new("8.1.5.3-a", "安全管理", "应对安全管理员进行身份鉴别，只允许其通过特定的命令或操作界面进行安全管理操作，并对这些操作进行审计",
                When(f.SecurityAdmins >= 2), $"安全管理员 {f.SecurityAdmins} 人（账号变更与服务重新开放须两人）"),
        ];
    }
}
