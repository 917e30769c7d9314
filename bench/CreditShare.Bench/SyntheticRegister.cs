using System.Globalization;
using CreditShare.Core.Codes;
using CreditShare.Core.Synthetic;

namespace CreditShare.Bench;

/// <summary>
/// A register of <c>subjects</c> subjects (one in eight a natural person) and the records about them, every value a
/// function of its index so that a benchmark can load millions without keeping them and later pick codes and words
/// that are certainly there. Company names are 宁夏 + place + a two-character 字号 from 160 characters + trade + form:
/// 商贸 and 银川 each match about one in twelve, 公司 all, a given 字号 a few hundred.
/// </summary>
public sealed class SyntheticRegister(int subjects)
{
    public const string TradeNameCharacters =
        "安邦宝诚达大德鼎东方丰福富港国海瀚豪浩禾合和恒弘宏鸿华辉汇惠吉佳嘉建江金锦晶景久聚凯康坤蓝乐利联隆龙茂美铭明南宁鹏平祺启乾庆荣瑞润森山善尚盛" +
        "圣实世泰腾天通同万旺威维伟文祥翔新鑫信星兴旭雅扬耀业亿益银英永友宇远悦跃云泽展正志智中众卓资臻致骏驰澜滨峰岚灏煜炜琪璟瑾琳璐珂颢睿轩逸昊晟" +
        "沁澄涵淳渊溢潮";

    private static readonly string[] Places = ["银川", "石嘴山", "吴忠", "固原", "中卫", "贺兰", "永宁", "灵武", "青铜峡", "平罗", "盐池", "同心"];
    private static readonly string[] Trades = ["商贸", "建筑工程", "餐饮管理", "科技", "物流", "农业开发", "食品", "医药", "汽车服务", "房地产开发", "枸杞", "葡萄酒"];
    private static readonly string[] Forms = ["有限公司", "有限责任公司", "股份有限公司"];
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "马", "赵", "黄", "周", "吴", "丁", "海", "田"];
    private static readonly string[] Given = ["伟", "芳", "军", "丽", "强", "敏", "磊", "洋", "静", "海燕", "建国", "学军", "晓东", "玉梅", "志刚"];
    private static readonly string[] Districts = ["640104", "640105", "640106", "640121", "640122", "640181", "640202", "640302", "640402", "640502"];

    public int Subjects => subjects;

    public static bool IsPerson(int i) => i % 8 == 7;

    public static string Name(int i)
    {
        var h = Mix((ulong)i);
        if (IsPerson(i))
        {
            return Surnames[(int)(h % 14)] + Given[(int)((h >> 8) % 15)];
        }

        var chars = TradeNameCharacters;
        return string.Concat("宁夏", Places[(int)(h % 12)], chars[(int)((h >> 8) % (ulong)chars.Length)].ToString(),
            chars[(int)((h >> 20) % (ulong)chars.Length)].ToString(), Trades[(int)((h >> 32) % 12)], Forms[(int)((h >> 40) % 3)]);
    }

    /// <summary>A USCC unique to the index (its organisation code spells the index in base 31).</summary>
    public static string Code(int i)
    {
        var org = new char[8];
        org[0] = 'M';
        org[1] = 'A';
        for (int k = 7, n = i; k >= 2; k--, n /= 31)
        {
            org[k] = UnifiedSocialCreditCode.Alphabet[n % 31];
        }

        return UnifiedSocialCreditCode.Compose("91" + Districts[i % 10], new string(org));
    }

    /// <summary>An ID number unique to the index: birth date and sequence number spell it.</summary>
    public static string IdNumber(int i)
    {
        var n = i / 8;
        var birth = new DateOnly(1960, 1, 1).AddDays(n / 1000);
        var first17 = $"{Districts[i % 10]}{birth:yyyyMMdd}{n % 1000:D3}";
        return first17 + CitizenIdNumber.ComputeCheckCharacter(first17);
    }

    /// <summary>
    /// The category of the batch starting at record <paramref name="first"/>: each pass over the subjects alternates
    /// 行政处罚 and 行政许可, starting with 行政处罚 so that every natural person is reported in the first pass.
    /// </summary>
    public string CategoryOfBatch(int first) => first / subjects % 2 == 0 ? "XZCF" : "XZXK";

    /// <summary>Record <paramref name="n"/> of a batch in <paramref name="category"/> (XZCF or XZXK); its subject is n mod subjects.</summary>
    public Dictionary<string, string?> Record(RecordGenerator generator, string category, int n)
    {
        var i = n % subjects;
        if (category == "XZXK" && IsPerson(i))
        {
            i--; // licences here are about companies
        }

        var company = (Name(i), Code(i));
        if (category == "XZXK")
        {
            return generator.Licence(n, BenchPlatform.SourceName, BenchPlatform.SourceCode, company);
        }

        var record = generator.Penalty(n, BenchPlatform.SourceName, BenchPlatform.SourceCode, company);
        if (IsPerson(i))
        {
            record.Remove("CF_XDR_SHXYM");
            record.Remove("CF_FRDB");
            record["CF_XDR_LB"] = "自然人";
            record["CF_XDR_ZJLX"] = "身份证";
            record["CF_XDR_ZJHM"] = IdNumber(i);
        }

        return record;
    }

    /// <summary>Codes of companies certainly in the register, spread over it.</summary>
    public IEnumerable<string> SampleCodes(int count)
    {
        var step = Math.Max(1, subjects / count);
        for (var i = 0; i < subjects && count > 0; i += step)
        {
            if (!IsPerson(i))
            {
                count--;
                yield return Code(i);
            }
        }
    }

    private static ulong Mix(ulong x)
    {
        // splitmix64: a cheap, well-spread hash of the index.
        x += 0x9E3779B97F4A7C15;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return x ^ (x >> 31);
    }

    public static string Describe(int subjects, int records) => string.Create(CultureInfo.InvariantCulture, $"{subjects}:{records}");
}
