using System.Text;
using CreditShare.Gateway.Folders;
using CreditShare.Gateway.Queue;
using CreditShare.Gateway.Receipts;
using CreditShare.Web.Tests;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Gateway.Tests.Folders;

/// <summary>Files dropped into the outbox reach the platform once each, and their feedback comes back next to their name.</summary>
public sealed class FolderDeliveryTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    private static int serial = 700_000 + (Random.Shared.Next(1, 999) * 100);

    private static List<Dictionary<string, string?>> Penalties(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => TestRecords.Penalty(Interlocked.Increment(ref serial)))];

    private async Task<GatewayRig> RigAsync(Action<GatewayOptions>? change = null)
    {
        var credentials = await GatewayRig.IssueAsync(app);
        var options = GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF");
        change?.Invoke(options);
        return GatewayRig.Build(credentials, options);
    }

    private Task<int> StoredAsync(IEnumerable<string?> documentNumbers)
    {
        var numbers = documentNumbers.ToList();
        return app.WithDbAsync(db => db.CreditRecords.CountAsync(r => numbers.Contains(r.SourceKey)));
    }

    [Fact]
    public async Task A_csv_file_is_delivered_in_batches_moved_to_sent_and_its_rejected_rows_are_listed_with_reasons()
    {
        await using var rig = await RigAsync();
        var records = Penalties(2500);
        records[1234]["CF_XDR_SHXYM"] = "91640100MA00000000"; // a wrong check digit
        rig.Drop("处罚_202606.csv", Csv.Of(records));

        Assert.Equal(1, rig.Folders.ScanOnce());
        Assert.Empty(Directory.GetFiles(rig.Outbox));
        await rig.DrainAsync();

        Assert.Equal(2499, await StoredAsync(records.Select(r => r["CF_WSH"])));
        Assert.True(File.Exists(Path.Combine(rig.Exchange, "sent", "处罚_202606.csv")));
        var feedback = await File.ReadAllTextAsync(Path.Combine(rig.Exchange, "feedback", "处罚_202606.csv.feedback.csv"), Encoding.UTF8);
        var rejected = Assert.Single(feedback.Split("\r\n"), l => l.Contains("被拒绝", StringComparison.Ordinal));
        // Line 1236: the header is line 1, record 0 is line 2.
        Assert.StartsWith("第 1236 行,被拒绝,CF_XDR_SHXYM,", rejected, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(rig.Exchange, "feedback", "处罚_202606.csv.feedback.xlsx")));
        Assert.Equal(3, rig.Store.Batches(rig.Store.FindFile(FileSplitter.Digest(Csv.Of(records))[7..])!.Seq).Count);
        Assert.Equal(0, rig.Status.Current().QueueDepth);
    }

    [Fact]
    public async Task An_excel_workbook_goes_whole_and_its_records_arrive()
    {
        await using var rig = await RigAsync();
        var records = Penalties(3);
        var workbook = Web.Documents.Workbooks.ErrorWorkbook(Core.Catalog.BuiltInCatalog.Penalty,
            records.Select(r => ((IReadOnlyDictionary<string, string?>)r, (IReadOnlyList<Core.FieldError>)[])));
        rig.Drop("XZCF_台账.xlsx", workbook);

        Assert.Equal(1, rig.Folders.ScanOnce());
        await rig.DrainAsync();

        Assert.Equal(3, await StoredAsync(records.Select(r => r["CF_WSH"])));
        Assert.True(File.Exists(Path.Combine(rig.Exchange, "sent", "XZCF_台账.xlsx")));
    }

    [Fact]
    public async Task The_same_content_dropped_again_under_another_name_is_not_sent_twice()
    {
        await using var rig = await RigAsync();
        var content = Csv.Of(Penalties(3));
        rig.Drop("a.csv", content);
        rig.Folders.ScanOnce();
        await rig.DrainAsync();
        rig.Drop("b.csv", content);

        Assert.Equal(0, rig.Folders.ScanOnce());
        Assert.True(File.Exists(Path.Combine(rig.Exchange, "sent", "b.csv")));
        var note = await File.ReadAllTextAsync(Path.Combine(rig.Exchange, "feedback", "b.csv.duplicate.txt"));
        Assert.Contains("a.csv", note, StringComparison.Ordinal);
        Assert.Null(rig.Store.NextPending());
    }

    [Fact]
    public async Task A_file_is_taken_only_once_complete()
    {
        await using var rig = await RigAsync();
        var path = Path.Combine(rig.Outbox, "writing.csv");
        await File.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes("CF_WSH,CF_WFXW\r\n"));
        await File.WriteAllBytesAsync(Path.Combine(rig.Outbox, "copying.csv.part"), Csv.Of(Penalties(1)));
        await File.WriteAllBytesAsync(Path.Combine(rig.Outbox, "~$open.xlsx"), [1, 2, 3]);

        Assert.Equal(0, rig.Folders.ScanOnce());
        rig.Clock.Advance(TimeSpan.FromSeconds(3));
        await File.AppendAllTextAsync(path, "still,writing\r\n");
        Assert.Equal(0, rig.Folders.ScanOnce()); // it grew: the wait starts again
        rig.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, rig.Folders.ScanOnce());
        rig.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, rig.Folders.ScanOnce());
        Assert.True(File.Exists(Path.Combine(rig.Outbox, "copying.csv.part")));
        Assert.True(File.Exists(Path.Combine(rig.Outbox, "~$open.xlsx")));
    }

    [Theory]
    [InlineData("empty.csv", "", "文件为空")]
    [InlineData("half.json", "[{\"CF_WSH\": \"1\"}, {\"CF_W", "JSON 无法解析")]
    [InlineData("notes.docx", "hello", "不支持的文件类型")]
    [InlineData("bomb.xlsx", "not a zip at all", "不是 Excel 工作簿")]
    public async Task A_file_that_cannot_be_read_goes_to_failed_with_an_explanation_beside_it(string name, string content, string reason)
    {
        await using var rig = await RigAsync();
        rig.Drop(name, Encoding.UTF8.GetBytes(content));

        Assert.Equal(0, rig.Folders.ScanOnce());
        Assert.True(File.Exists(Path.Combine(rig.Exchange, "failed", name)));
        Assert.Contains(reason, await File.ReadAllTextAsync(Path.Combine(rig.Exchange, "failed", name + ".error.txt")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(rig.Outbox, name + FolderSource.Marker)));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_goes_to_failed_with_the_advice_to_split_it()
    {
        await using var rig = await RigAsync(o => o.Spool.MaxFileBytes = 4096);
        rig.Drop("huge.csv", Csv.Of(Penalties(40)));
        await File.WriteAllBytesAsync(Path.Combine(rig.Exchange, "failed", "huge.csv"), [1]); // an earlier file of that name

        Assert.Equal(0, rig.Folders.ScanOnce());
        var explanations = Directory.GetFiles(Path.Combine(rig.Exchange, "failed"), "huge*.error.txt");
        Assert.Contains("文件过大", await File.ReadAllTextAsync(Assert.Single(explanations)), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(rig.Outbox));
    }

    [Fact]
    public async Task A_file_the_platform_refuses_whole_goes_to_failed_with_the_platforms_reasons()
    {
        await using var rig = await RigAsync();
        rig.Drop("wrong.csv", Encoding.UTF8.GetBytes("不存在的列,另一个\r\n1,2\r\n"));
        rig.Folders.ScanOnce();
        await rig.DrainAsync();

        Assert.True(File.Exists(Path.Combine(rig.Exchange, "failed", "wrong.csv")));
        var explanation = await File.ReadAllTextAsync(Path.Combine(rig.Exchange, "failed", "wrong.csv.error.txt"));
        Assert.Contains("不存在的列", explanation, StringComparison.Ordinal);
        Assert.Equal(GatewayStore.Failed, rig.Store.FindFile(rig.Store.Batches(1).Count > 0 ? FileSplitter.Digest(Encoding.UTF8.GetBytes("不存在的列,另一个\r\n1,2\r\n"))[7..] : "")!.State);
    }

    [Fact]
    public async Task The_category_comes_from_the_folder_or_the_file_name_and_a_file_without_one_is_explained()
    {
        await using var rig = await RigAsync(o => o.Folders[0].Category = null);
        rig.Drop(Path.Combine("XZCF", "batch.csv"), Csv.Of(Penalties(2)));
        rig.Drop("XZCF_20260601.csv", Csv.Of(Penalties(2)));
        rig.Drop("处罚信息.csv", Csv.Of(Penalties(2)));

        Assert.Equal(2, rig.Folders.ScanOnce());
        Assert.Contains("无法判断信息类别", await File.ReadAllTextAsync(Path.Combine(rig.Exchange, "failed", "处罚信息.csv.error.txt")), StringComparison.Ordinal);
        await rig.DrainAsync();
        Assert.Equal(2, Directory.GetFiles(Path.Combine(rig.Exchange, "sent"), "*.csv", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task When_the_spool_is_full_new_files_wait_in_the_outbox_and_an_alarm_is_raised()
    {
        await using var rig = await RigAsync(o => o.Spool.MaxBytes = 1024 * 1024);
        rig.Drop("big.csv", Csv.Of(Penalties(2000)));

        Assert.Equal(0, rig.Folders.ScanOnce());
        Assert.True(File.Exists(Path.Combine(rig.Outbox, "big.csv")));
        Assert.Contains("暂存区已满", rig.Status.Current().Alarms["spool_full"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_receipt_chain_verifies_and_a_changed_entry_is_found_by_its_position()
    {
        await using var rig = await RigAsync();
        rig.Drop("one.csv", Csv.Of(Penalties(1500)));
        rig.Drop("two.csv", Csv.Of(Penalties(10)));
        rig.Folders.ScanOnce();
        await rig.DrainAsync();
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(rig.Options.Platform.CaCertificate));

        var report = ReceiptChain.Verify(ReceiptChain.Read(rig.Store), ca);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(3, report.SignedReceipts);

        using (var connection = rig.Store.Open())
        {
            GatewayStore.Execute(connection, null, "UPDATE receipts SET status_code = 299 WHERE seq = 2");
        }

        var tampered = ReceiptChain.Verify(ReceiptChain.Read(rig.Store), ca);
        Assert.Contains(tampered.Problems, p => p.StartsWith("第 2 条", StringComparison.Ordinal));
    }
}
