using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Codes;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>A Kestrel app with small reporting limits, two source units and a user unit, each with its certificate.</summary>
public class ReportingApp : KestrelApp
{
    public const int MaxBatch = 50;

    public ReportingApp()
    {
        ExtraSettings["Reporting:MaxBatchSize"] = MaxBatch.ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        ExtraSettings["Reporting:MaxBodyBytes"] = "300000";
    }

    public Dictionary<string, X509Certificate2> Certificates { get; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UnitIds["source2"] = await CreateUnitAsync("测试税务局", "11640500", ["source"]);
        foreach (var unit in new[] { "source", "source2", "user" })
        {
            await using var scope = Services.CreateAsyncScope();
            var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>().IssueAsync(System, new IssueRequest(UnitIds[unit], 24));
            Certificates[unit] = X509CertificateLoader.LoadPkcs12(issued.Value!.Pkcs12, issued.Value.Pkcs12Password);
        }
    }

    public HttpClient Unit(string unit) => MachineClient(Certificates[unit]);

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
