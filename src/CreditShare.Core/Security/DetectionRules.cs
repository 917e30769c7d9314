namespace CreditShare.Core.Security;

/// <summary>One sliding window: more than <see cref="Threshold"/> of the signal from one address within the window is abnormal.</summary>
public sealed record DetectionRule(AccessSignal Signal, int Threshold, int WindowSeconds)
{
    /// <summary>The evidence an attack record keeps: what was counted, how many, in how long.</summary>
    public string Evidence(long count) => $"{WindowSeconds} 秒内{Describe(Signal)} {count} 次（阈值 {Threshold}）";

    private static string Describe(AccessSignal signal) => signal switch
    {
        AccessSignal.PublicQuery => "公共查询",
        AccessSignal.DistinctSubject => "查询不同主体",
        AccessSignal.SignInFailure => "登录失败",
        AccessSignal.CertificateRefused => "证书被拒",
        AccessSignal.ClientError => "4xx 应答",
        AccessSignal.ForgedCursor => "伪造游标",
        AccessSignal.SignInAttempt => "登录尝试",
        AccessSignal.UnitApiRequest => "单位接口调用",
        _ => signal.ToString(),
    };
}

/// <summary>A rule that fired for an address, with the count that made it fire.</summary>
public sealed record Detection(DetectionRule Rule, long Count)
{
    public string AttackType => AccessSignals.AttackType(Rule.Signal);

    public string Target => AccessSignals.Target(Rule.Signal);

    public string Evidence => Rule.Evidence(Count);
}

/// <summary>
/// The sliding windows per surface (Security:Detection). Defaults are set for a provincial register: a person at the
/// public site makes a few dozen queries and looks at a handful of subjects; a script makes hundreds.
/// </summary>
public sealed class DetectionRules
{
    public static IReadOnlyList<DetectionRule> Defaults { get; } =
    [
        new(AccessSignal.PublicQuery, 600, 300),
        new(AccessSignal.DistinctSubject, 100, 600),
        new(AccessSignal.SignInFailure, 30, 600),
        new(AccessSignal.CertificateRefused, 20, 600),
        new(AccessSignal.ClientError, 300, 300),
        new(AccessSignal.ForgedCursor, 10, 600),
    ];

    public DetectionRules(IEnumerable<DetectionRule> rules)
    {
        Rules = rules.Where(r => r.Threshold > 0 && r.WindowSeconds > 0).ToList();
        LongestWindowSeconds = Rules.Count == 0 ? 0 : Rules.Max(r => r.WindowSeconds);
    }

    public IReadOnlyList<DetectionRule> Rules { get; }

    public int LongestWindowSeconds { get; }

    /// <summary>
    /// The first rule the address breaks, given its counts per signal and window (<paramref name="countIn"/> answers
    /// how many of a signal fell within the last so many seconds); none when it breaks none.
    /// </summary>
    public Detection? Evaluate(Func<AccessSignal, int, long> countIn)
    {
        foreach (var rule in Rules)
        {
            var count = countIn(rule.Signal, rule.WindowSeconds);
            if (count > rule.Threshold)
            {
                return new Detection(rule, count);
            }
        }

        return null;
    }
}
