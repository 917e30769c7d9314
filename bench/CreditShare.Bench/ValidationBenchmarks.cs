using System.Text;
using BenchmarkDotNet.Attributes;
using CreditShare.Core.Audit;
using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;

namespace CreditShare.Bench;

/// <summary>
/// The per-record costs every reported batch pays. Each figure is read as a ratio to the baseline measured in the same
/// run: reading the record's bytes as UTF-8, the least any import must do with it.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private static readonly DateOnly Today = new(2026, 11, 27);
    private Dictionary<string, string?> penalty = [];
    private byte[] penaltyBytes = [];
    private AuditFacts facts = null!;
    private AuditChainKey chainKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        penalty = new Dictionary<string, string?>
        {
            ["CF_XDR_MC"] = "银川市某某商贸有限公司",
            ["CF_XDR_LB"] = "法人及非法人组织",
            ["CF_XDR_SHXYM"] = "91440300708461136T",
            ["CF_FRDB"] = "张三",
            ["CF_WSH"] = "银市监罚〔2026〕12号",
            ["CF_WFXW"] = "销售不合格产品",
            ["CF_SY"] = "经抽检，该公司销售的产品不合格",
            ["CF_YJ"] = "《产品质量法》第四十九条",
            ["CF_CFLB"] = "警告；罚款",
            ["CF_NR"] = "警告并处罚款2万元",
            ["CF_NR_FK"] = "2",
            ["CF_JDRQ"] = "2026-03-01",
            ["CF_YXQ"] = "2027-03-01",
            ["CF_CFJG"] = "银川市市场监督管理局",
            ["CF_CFJGDM"] = "91440300708461136T",
            ["CF_SJLY"] = "银川市市场监督管理局",
            ["CF_SJLYDM"] = "91440300708461136T",
        };
        penaltyBytes = Encoding.UTF8.GetBytes(string.Join('\u001f', penalty.Select(kv => $"{kv.Key}={kv.Value}")));
        chainKey = new AuditChainKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(CreditShare.Core.Crypto.CryptoProfiles.Current.MacKeyBytes));
        facts = new AuditFacts(42, DateTimeOffset.UnixEpoch, 1000, "reporter", "91440300708461136T", "10.0.0.1", "record:1", "执法检查", "success", 1, null);
    }

    [Benchmark(Baseline = true, Description = "baseline: decode record bytes")]
    public int DecodeRecord() => Encoding.UTF8.GetString(penaltyBytes).Length;

    [Benchmark(Description = "USCC check (GB 32100)")]
    public bool UsccCheck() => UnifiedSocialCreditCode.Check("91440300708461136T").IsValid;

    [Benchmark(Description = "ID number check (GB 11643)")]
    public bool IdCheck() => CitizenIdNumber.Check("11010519491231002X", Today).IsValid;

    [Benchmark(Description = "validate a 行政处罚 record")]
    public bool ValidatePenalty() => RecordValidator.Validate(BuiltInCatalog.Penalty, penalty, Today).IsValid;

    [Benchmark(Description = "audit entry hash (SHA-256, before the chain was keyed)")]
    public string AuditHash() => AuditChain.LegacyHash(facts, AuditChain.GenesisHash);

    [Benchmark(Description = "audit entry link (HMAC-SHA256)")]
    public string AuditLink() => AuditChain.Link(facts, AuditChain.GenesisHash, chainKey);
}
