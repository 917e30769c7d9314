using CreditShare.Core.Security;

namespace CreditShare.Web.Features.Security;

public enum BlacklistMode
{
    /// <summary>Decisions are made and enforced.</summary>
    Enforce,

    /// <summary>Decisions are made, recorded and reviewed, but nobody is refused: for tuning thresholds on a live system.</summary>
    Simulate,

    /// <summary>No detection at all (counting still feeds the shared rate limits).</summary>
    Off,
}

/// <summary>The section <c>Security</c>.</summary>
public sealed class SecurityOptions
{
    public BlacklistMode Mode { get; set; } = BlacklistMode.Enforce;

    /// <summary>
    /// Addresses and networks never blocked (the center's own networks, gateways, kiosks; configured proxies are added
    /// by themselves). Decisions in force against them are lifted at the next synchronisation.
    /// </summary>
    public List<string> AllowList { get; set; } = [];

    /// <summary>Overrides of the default windows, by signal name: <c>Detection:PublicQuery:Threshold</c>, <c>…:WindowSeconds</c>.</summary>
    public Dictionary<string, DetectionWindow> Detection { get; set; } = [];

    public BlockPolicy Blocks { get; set; } = new();

    /// <summary>How often an instance adds its counts to the shared table and reads the decisions and switches in force.</summary>
    public int SyncIntervalMilliseconds { get; set; } = 500;

    /// <summary>Counts are kept in buckets of this many seconds.</summary>
    public int BucketSeconds { get; set; } = 10;

    /// <summary>What the refusal page tells a blocked client about asking for review.</summary>
    public string ReviewContact { get; set; } = "如认为系被误拦截，请将本页所示的编号发送至平台运维邮箱或拨打运维电话，说明您的单位、用途和访问时间，安全管理员核查后解除。";

    /// <summary>This many automatic blocks within <see cref="AttackSignalMinutes"/> make the console suggest closing services (a person decides).</summary>
    public int AttackSignalBlocks { get; set; } = 10;

    public int AttackSignalMinutes { get; set; } = 10;

    public DetectionRules Rules()
    {
        var rules = DetectionRules.Defaults.Select(rule => Detection.TryGetValue(rule.Signal.ToString(), out var window)
            ? rule with { Threshold = window.Threshold ?? rule.Threshold, WindowSeconds = window.WindowSeconds ?? rule.WindowSeconds }
            : rule);
        return new DetectionRules(rules);
    }
}

public sealed class DetectionWindow
{
    public int? Threshold { get; set; }

    public int? WindowSeconds { get; set; }
}
