namespace CreditShare.Core.Security;

/// <summary>
/// What the kill switch closes (art. 20: "如遇重大网络攻击事件，应及时关闭信息共享服务"), each separately. Stored by
/// name: never rename one.
/// </summary>
public enum SwitchedService
{
    /// <summary>The unit sharing API, the change feed, webhook dispatch, the gateway's pull and the console's shared queries.</summary>
    Sharing,

    /// <summary>The public site, its API and the kiosk.</summary>
    PublicQueries,

    /// <summary>Reporting intake: the unit reporting API and the console's upload and form.</summary>
    ReportingIntake,
}

public static class SwitchedServices
{
    public static IReadOnlyList<SwitchedService> All { get; } = [SwitchedService.Sharing, SwitchedService.PublicQueries, SwitchedService.ReportingIntake];

    public static string Label(SwitchedService service) => service switch
    {
        SwitchedService.Sharing => "信息共享服务（单位共享接口、变更订阅、推送、前置机拉取）",
        SwitchedService.PublicQueries => "公共查询服务（网站、公共接口、自助查询机）",
        SwitchedService.ReportingIntake => "数据报送接收",
        _ => service.ToString(),
    };

    public static string ShortLabel(SwitchedService service) => service switch
    {
        SwitchedService.Sharing => "信息共享",
        SwitchedService.PublicQueries => "公共查询",
        SwitchedService.ReportingIntake => "数据报送",
        _ => service.ToString(),
    };

    /// <summary>By name only: Enum.TryParse would also take "0".</summary>
    public static bool TryParse(string? text, out SwitchedService service)
    {
        service = default;
        var name = text?.Trim() ?? "";
        return name.Length > 0 && name.All(char.IsAsciiLetter) && Enum.TryParse(name, ignoreCase: true, out service) && Enum.IsDefined(service);
    }

    /// <summary>
    /// Closing is one person's call in an attack; reopening is a second person's (the one who closed it cannot), so
    /// that one stolen or coerced account cannot reopen what the attack closed. Null when allowed.
    /// </summary>
    public static string? ReopenRefusal(string? closedBy, string reopener, bool isHuman)
    {
        if (!isHuman)
        {
            return "重新开放须由安全管理员本人操作";
        }

        return closedBy is not null && string.Equals(closedBy, reopener, StringComparison.OrdinalIgnoreCase)
            ? "重新开放须由关闭者以外的另一名安全管理员操作"
            : null;
    }
}
