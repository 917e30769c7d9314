using System.Globalization;
using CreditShare.Core.Codes;

namespace CreditShare.Core.Synthetic;

/// <summary>
/// Synthetic but valid 行政许可 and 行政处罚 records for demos, tests and benchmarks: realistic Chinese names, valid
/// USCCs and ID numbers, and (on request) a share of deliberately invalid rows. Deterministic for a given seed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "Synthetic demo and benchmark data must be reproducible from a seed; nothing here is secret.")]
public sealed class RecordGenerator(int seed, DateOnly today)
{
    private static readonly string[] Places = ["银川", "石嘴山", "吴忠", "固原", "中卫", "贺兰", "永宁", "灵武", "青铜峡", "平罗", "盐池", "同心"];
    private static readonly string[] Words = ["恒达", "鑫源", "宏远", "塞上", "贺兰山", "黄河", "金沙", "瑞丰", "长城", "丝路", "六盘", "明珠", "新华", "兴庆", "西夏", "华泰", "正和", "鼎盛"];
    private static readonly string[] Trades = ["商贸", "建筑工程", "餐饮管理", "科技", "物流", "农业开发", "食品", "医药", "汽车服务", "房地产开发", "枸杞", "葡萄酒", "文化传媒", "环保"];
    private static readonly string[] Forms = ["有限公司", "有限责任公司", "股份有限公司"];
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "马", "赵", "黄", "周", "吴", "丁", "海", "田"];
    private static readonly string[] Given = ["伟", "芳", "军", "丽", "强", "敏", "磊", "洋", "静", "海燕", "建国", "学军", "晓东", "玉梅", "志刚"];
    private static readonly string[] Districts = ["640104", "640105", "640106", "640121", "640122", "640181", "640202", "640302", "640402", "640502"];
    private static readonly (string Behaviour, string Basis)[] Violations =
    [
        ("销售不合格产品", "《中华人民共和国产品质量法》第四十九条"),
        ("未取得食品经营许可从事食品经营活动", "《中华人民共和国食品安全法》第一百二十二条"),
        ("虚假宣传", "《中华人民共和国反不正当竞争法》第二十条"),
        ("未按规定公示年度报告", "《企业信息公示暂行条例》第十八条"),
        ("违反安全生产规定", "《中华人民共和国安全生产法》第九十九条"),
        ("超标排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条"),
    ];

    private readonly Random random = new(seed);

    public string CompanyName() =>
        $"宁夏{Pick(Places)}{Pick(Words)}{Pick(Trades)}{Pick(Forms)}";

    public string PersonName() => Pick(Surnames) + Pick(Given);

    public string CompanyCode()
    {
        const string orgAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        var org = new char[8];
        for (var i = 0; i < 8; i++)
        {
            org[i] = i < 2 ? "MA"[i] : orgAlphabet[random.Next(orgAlphabet.Length)];
        }

        return UnifiedSocialCreditCode.Compose("91" + Pick(Districts), new string(org));
    }

    public string IdNumber()
    {
        var birth = new DateOnly(1955, 1, 1).AddDays(random.Next(0, 365 * 45));
        var first17 = $"{Pick(Districts)}{birth:yyyyMMdd}{random.Next(0, 1000):D3}";
        return first17 + CitizenIdNumber.ComputeCheckCharacter(first17);
    }

    /// <summary>A 行政处罚 record; about one in eight is about a natural person.</summary>
    public Dictionary<string, string?> Penalty(int n, string authorityName, string authorityCode, (string Name, string Code)? company = null)
    {
        var person = company is null && random.Next(8) == 0;
        var (behaviour, basis) = Pick(Violations);
        var decided = today.AddDays(-random.Next(1, 900));
        var fine = random.Next(5) > 0;
        var amount = Math.Round((decimal)(random.NextDouble() * 20) + 0.1m, 2);
        var record = new Dictionary<string, string?>
        {
            ["CF_WSH"] = $"宁市监罚〔{decided.Year}〕{n}号",
            ["CF_WFXW"] = behaviour,
            ["CF_SY"] = $"经查，当事人存在{behaviour}的行为",
            ["CF_YJ"] = basis,
            ["CF_CFLB"] = fine ? "警告;罚款" : "警告",
            ["CF_NR"] = fine ? $"警告，并处罚款{amount}万元" : "警告",
            ["CF_NR_FK"] = fine ? amount.ToString(CultureInfo.InvariantCulture) : null,
            ["CF_JDRQ"] = decided.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["CF_YXQ"] = decided.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["CF_CFJG"] = authorityName,
            ["CF_CFJGDM"] = authorityCode,
            ["CF_SJLY"] = authorityName,
            ["CF_SJLYDM"] = authorityCode,
        };
        if (person)
        {
            record["CF_XDR_MC"] = PersonName();
            record["CF_XDR_LB"] = "自然人";
            record["CF_XDR_ZJLX"] = "身份证";
            record["CF_XDR_ZJHM"] = IdNumber();
        }
        else
        {
            var (name, code) = company ?? (CompanyName(), CompanyCode());
            record["CF_XDR_MC"] = name;
            record["CF_XDR_LB"] = "法人及非法人组织";
            record["CF_XDR_SHXYM"] = code;
            record["CF_FRDB"] = PersonName();
        }

        return record;
    }

    /// <summary>A 行政许可 record about a company.</summary>
    public Dictionary<string, string?> Licence(int n, string authorityName, string authorityCode, (string Name, string Code)? company = null)
    {
        var (name, code) = company ?? (CompanyName(), CompanyCode());
        var decided = today.AddDays(-random.Next(1, 1500));
        return new Dictionary<string, string?>
        {
            ["XK_XDR_MC"] = name,
            ["XK_XDR_LB"] = "法人及非法人组织",
            ["XK_XDR_SHXYM"] = code,
            ["XK_FRDB"] = PersonName(),
            ["XK_XKWS"] = "食品经营许可决定书",
            ["XK_WSH"] = $"JY164{n:D9}",
            ["XK_XKLB"] = "普通",
            ["XK_XKZS"] = "食品经营许可证",
            ["XK_XKBH"] = $"JY164{n:D9}",
            ["XK_NR"] = "预包装食品销售（含冷藏冷冻食品）",
            ["XK_JDRQ"] = decided.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["XK_YXQZ"] = decided.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["XK_YXQZI"] = decided.AddYears(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["XK_XKJG"] = authorityName,
            ["XK_XKJGDM"] = authorityCode,
            ["XK_ZT"] = "有效",
            ["XK_LYDW"] = authorityName,
            ["XK_LYDWDM"] = authorityCode,
        };
    }

    /// <summary>Breaks a record the way real reporting systems do: a wrong check digit, a future date, a missing amount.</summary>
    public Dictionary<string, string?> Spoil(Dictionary<string, string?> record)
    {
        var codeField = record.Keys.FirstOrDefault(k => k.EndsWith("_XDR_SHXYM", StringComparison.Ordinal));
        switch (random.Next(3))
        {
            case 0 when codeField is not null && record[codeField] is { } code:
                var wrong = UnifiedSocialCreditCode.Alphabet[(UnifiedSocialCreditCode.Alphabet.IndexOf(code[17], StringComparison.Ordinal) + 1) % 31];
                record[codeField] = code[..17] + wrong;
                break;
            case 1:
                var dateField = record.Keys.First(k => k.EndsWith("_JDRQ", StringComparison.Ordinal));
                record[dateField] = today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                break;
            default:
                var required = record.Keys.First(k => k.EndsWith("_MC", StringComparison.Ordinal));
                record[required] = null;
                break;
        }

        return record;
    }

    public bool Chance(double probability) => random.NextDouble() < probability;

    /// <summary>One of the given items, from the same seeded sequence.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
