using CreditShare.Core.Codes;
using CreditShare.Web.Features.Demo;

namespace CreditShare.Web.Tests;

/// <summary>Valid records and codes that every feature's tests report, unique within a test run.</summary>
public static class TestRecords
{
    private static int serial;

    /// <summary>A valid 行政处罚 record about a company; <paramref name="n"/> makes its document number and subject unique.</summary>
    public static Dictionary<string, string?> Penalty(int n, string? uscc = null, string? name = null)
    {
        uscc ??= Company(n);
        var authority = DemoSeed.MakeUscc("11640100", "01350012");
        return new Dictionary<string, string?>
        {
            ["CF_XDR_MC"] = name ?? $"银川市第{n}商贸有限公司",
            ["CF_XDR_LB"] = "法人及非法人组织",
            ["CF_XDR_SHXYM"] = uscc,
            ["CF_FRDB"] = "张三",
            ["CF_WSH"] = $"银市监罚〔2026〕{n}号",
            ["CF_WFXW"] = "销售不合格产品",
            ["CF_SY"] = "经抽检，该公司销售的产品不合格",
            ["CF_YJ"] = "《中华人民共和国产品质量法》第四十九条",
            ["CF_CFLB"] = "警告;罚款",
            ["CF_NR"] = "警告并处罚款2万元",
            ["CF_NR_FK"] = "2",
            ["CF_JDRQ"] = "2026-03-01",
            ["CF_YXQ"] = "2027-03-01",
            ["CF_CFJG"] = "银川市市场监督管理局",
            ["CF_CFJGDM"] = authority,
            ["CF_SJLY"] = "银川市市场监督管理局",
            ["CF_SJLYDM"] = authority,
        };
    }

    /// <summary>A valid 行政处罚 record about a natural person identified by ID card.</summary>
    public static Dictionary<string, string?> PersonPenalty(int n, string idNumber)
    {
        var record = Penalty(n);
        record.Remove("CF_XDR_SHXYM");
        record.Remove("CF_FRDB");
        record["CF_XDR_MC"] = "李某";
        record["CF_XDR_LB"] = "自然人";
        record["CF_XDR_ZJLX"] = "身份证";
        record["CF_XDR_ZJHM"] = idNumber;
        return record;
    }

    /// <summary>A valid 行政许可 record about a company.</summary>
    public static Dictionary<string, string?> Licence(int n, string uscc) => new()
    {
        ["XK_XDR_MC"] = $"银川市第{n}商贸有限公司",
        ["XK_XDR_LB"] = "法人及非法人组织",
        ["XK_XDR_SHXYM"] = uscc,
        ["XK_FRDB"] = "张三",
        ["XK_XKWS"] = "食品经营许可证",
        ["XK_WSH"] = $"银市监许〔2026〕{n}号",
        ["XK_XKLB"] = "普通",
        ["XK_XKZS"] = "食品经营许可证",
        ["XK_XKBH"] = $"JY1640100{n:D6}",
        ["XK_NR"] = "预包装食品销售",
        ["XK_JDRQ"] = "2026-03-01",
        ["XK_YXQZ"] = "2026-03-01",
        ["XK_YXQZI"] = "2031-02-28",
        ["XK_XKJG"] = "银川市市场监督管理局",
        ["XK_XKJGDM"] = DemoSeed.MakeUscc("11640100", "01350012"),
        ["XK_ZT"] = "有效",
        ["XK_LYDW"] = "银川市市场监督管理局",
        ["XK_LYDWDM"] = DemoSeed.MakeUscc("11640100", "01350012"),
    };

    public static string Company(int n) => DemoSeed.MakeUscc("91640100", $"MA{n % 1_000_000:D6}");

    public static string IdNumber(int n)
    {
        var first17 = $"640104199001{(n % 28) + 1:D2}{n % 1000:D3}";
        return first17 + CitizenIdNumber.ComputeCheckCharacter(first17);
    }

    // A random base per process (runs differ) plus a counter: never the same number twice in one process — a repeat would
    // be the same record, reported "unchanged".
    private static readonly int Base = Random.Shared.Next(1, 1000) * 1_000_000;

    public static int Next() => Base + Interlocked.Increment(ref serial);
}
