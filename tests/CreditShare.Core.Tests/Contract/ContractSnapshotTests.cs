using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreditShare.Core.Contract;

namespace CreditShare.Core.Tests.Contract;

/// <summary>
/// The wire contract as units' systems and the gateway see it: one example of every type, every property set, serialised
/// with the host's options and compared to the checked-in <c>contract.snapshot.json</c>. Renaming a property (or a type's
/// shape changing) fails here first. An intended change: run with CREDITSHARE_UPDATE_SNAPSHOT=1 and review the diff.
/// </summary>
public class ContractSnapshotTests
{
    private static readonly Guid Batch = Guid.Parse("7f0c3d4e-2b1a-4c5d-9e8f-0a1b2c3d4e5f");
    private static readonly DateTimeOffset At = new(2026, 6, 1, 9, 30, 0, TimeSpan.FromHours(8));
    private static readonly FieldError Error = new("CF_XDR_SHXYM", "uscc.check_digit", "统一社会信用代码校验位错误");
    private static readonly FieldError Warning = new("CF_XDR_MC", "name_mismatch", "名称与平台登记的不一致");

    private static readonly SharedRecord Record = new(42, "XZCF", "行政处罚", "测试市场监督管理局", 2, new DateOnly(2026, 5, 20), new DateOnly(2029, 5, 20), At,
        new Dictionary<string, string> { ["CF_XDR_MC"] = "宁夏某某商贸有限公司", ["CF_WSH"] = "宁市监罚〔2026〕1号" });

    private static readonly SharedChange Change = new(42, "corrected", "XZCF", "91640100MA76543210", 2, At, Record);

    /// <summary>Every contract type, by its name.</summary>
    public static Dictionary<string, object> Examples() => new()
    {
        [nameof(RecordResult)] = new RecordResult(0, "rejected", 42, [Error], [Warning]),
        [nameof(BatchResult)] = new BatchResult(Batch, "XZCF", 3, 2, 1, 0, 1, true,
            [new RecordResult(0, "accepted", 42, [], [Warning]), new RecordResult(1, "rejected", null, [Error], [])]),
        [nameof(WithdrawRequest)] = new WithdrawRequest("宁市监罚〔2026〕1号", "文书撤销"),
        [nameof(AbnormalView)] = new AbnormalView(7, "XZCF", Batch, 1, "宁市监罚〔2026〕2号", [Error], At, "已联系经办人"),
        [nameof(SharedRecord)] = Record,
        [nameof(SharedSubject)] = new SharedSubject("91640100MA76543210", "宁夏某某商贸有限公司", "legal_person", [Record]),
        [nameof(SharedChange)] = Change,
        [nameof(ChangePage)] = new ChangePage([Change, Change with { Change = "withdrawn", Record = null }], "3-17-42-abcdef", true),
        [nameof(WebhookInput)] = new WebhookInput("https://receiver.example/hook", ["XZCF"], "3-17-42-abcdef"),
        [nameof(WebhookView)] = new WebhookView(5, "https://receiver.example/hook", ["XZCF"], "failing", At, 3, At.AddMinutes(5), "only-once"),
        [nameof(DeliveryView)] = new DeliveryView(Batch, 42, "created", 2, At, 503, "HTTP 503", false),
        [nameof(WebhookPayload)] = new WebhookPayload(Batch, 5, At, Change),
        [nameof(BatchReceipt)] = new BatchReceipt(Batch, "11640100MB0000000X", "XZCF", 2, 1, 0, 1,
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "file-3f2a-0", "gateway", At),
        [nameof(SignedReceipt)] = new SignedReceipt("eyJiYXRjaElkIjoiLi4uIn0=", "ecdsa-sha256", "MEUCIQD...", "MIIB..."),
        [nameof(GatewayHeartbeat)] = new GatewayHeartbeat("机房一号前置机", "1.0.0", 3, 420, At.AddMinutes(-2), "平台暂时不可达（HTTP 503）", 88, 1_048_576, At),
        [nameof(RenewalRequest)] = new RenewalRequest("-----BEGIN CERTIFICATE REQUEST-----\nMIIB...\n-----END CERTIFICATE REQUEST-----\n", "MEUCIQD...",
            "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"),
        [nameof(RenewedCertificate)] = new RenewedCertificate("-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n", At.AddDays(7)),
        [nameof(ApiProblem)] = new ApiProblem(ApiProblem.TypeFor("validation_failed"), "请求内容有误", 400, "提交的内容未通过校验，请按字段提示修改",
            "validation_failed", [Error], "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
    };

    [Fact]
    public void Every_contract_type_serialises_as_the_snapshot_says()
    {
        var actual = new JsonObject();
        foreach (var (name, example) in Examples())
        {
            actual[name] = JsonSerializer.SerializeToNode(example, example.GetType(), WireJson.Options);
        }

        var text = actual.ToJsonString(new JsonSerializerOptions(WireJson.Options) { WriteIndented = true }) + "\n";
        var path = SnapshotPath();
        if (Environment.GetEnvironmentVariable("CREDITSHARE_UPDATE_SNAPSHOT") == "1")
        {
            File.WriteAllText(path, text);
        }

        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(expected == text, $"The wire contract changed; if intended, update {path} (CREDITSHARE_UPDATE_SNAPSHOT=1). Now:\n{text}");
    }

    [Fact]
    public void The_snapshot_covers_every_public_type_of_the_contract()
    {
        var contractTypes = typeof(BatchResult).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == typeof(BatchResult).Namespace && !t.IsAbstract).Select(t => t.Name).Order().ToList();
        Assert.NotEmpty(contractTypes);
        Assert.Equal(contractTypes, Examples().Keys.Order());
    }

    [Fact]
    public void Every_example_reads_back_equal_to_itself()
    {
        foreach (var (name, example) in Examples())
        {
            var json = JsonSerializer.Serialize(example, example.GetType(), WireJson.Options);
            var back = JsonSerializer.Deserialize(json, example.GetType(), WireJson.Options)!;
            // Records compare lists by reference, so compare what they serialise to.
            Assert.True(json == JsonSerializer.Serialize(back, example.GetType(), WireJson.Options), name);
        }
    }

    [Fact]
    public void A_problem_as_the_server_writes_it_reads_into_the_contract()
    {
        const string written = """
            {"type":"https://creditshare.local/problems/sharing.no_grant","title":"不允许的操作","status":403,
             "detail":"本单位没有在有效期内的共享授权，请向信用中心申请","code":"sharing.no_grant","errors":[],"traceId":"00-abc-def-01"}
            """;
        var problem = JsonSerializer.Deserialize<ApiProblem>(written, WireJson.Options)!;
        Assert.Equal(("sharing.no_grant", 403, 0, "00-abc-def-01"), (problem.Code, problem.Status, problem.Errors.Count, problem.TraceId));
        Assert.Equal(ApiProblem.TypeFor("sharing.no_grant"), problem.Type);
    }

    private static string SnapshotPath([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "contract.snapshot.json");
}
