using System.Text;
using System.Text.Json;
using CreditShare.Gateway.Folders;

namespace CreditShare.Gateway.Tests;

public sealed class FileSplitterTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("creditshare-split-").FullName;

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void A_csv_is_cut_at_record_boundaries_with_the_header_in_every_part_and_quoted_line_breaks_kept()
    {
        var text = "CF_WSH,CF_WFXW\r\n" + "A1,\"第一行\n第二行\"\r\n" + ",\r\n" + "A2,普通\r\n" + "A3,\"带\"\"引号\"\"\"\r\n" + "A4,最后一行没有换行";
        var bodies = FileSplitter.Split(Write("x.csv", Encoding.UTF8.GetBytes(text)), "csv", 2, directory);

        Assert.Equal(2, bodies.Count);
        Assert.Equal([2L, 5L], bodies[0].Lines);
        Assert.Equal([6L, 7L], bodies[1].Lines);
        var first = Encoding.UTF8.GetString(File.ReadAllBytes(bodies[0].Path));
        Assert.Equal("CF_WSH,CF_WFXW\r\nA1,\"第一行\n第二行\"\r\nA2,普通\r\n", first);
        var second = Encoding.UTF8.GetString(File.ReadAllBytes(bodies[1].Path));
        Assert.StartsWith("CF_WSH,CF_WFXW\r\n", second, StringComparison.Ordinal);
        Assert.EndsWith("A4,最后一行没有换行\r\n", second, StringComparison.Ordinal);
        Assert.Equal(FileSplitter.Digest(File.ReadAllBytes(bodies[1].Path)), bodies[1].Digest);
    }

    [Fact]
    public void A_gbk_csv_is_cut_without_being_decoded()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gbk = Encoding.GetEncoding("GB18030");
        var text = "文书号,违法事实\r\n甲1,\"含,逗号\"\r\n甲2,乙\r\n";
        var bytes = gbk.GetBytes(text);
        var bodies = FileSplitter.Split(Write("gbk.csv", bytes), "csv", 1, directory);

        Assert.Equal(2, bodies.Count);
        Assert.Equal("文书号,违法事实\r\n甲1,\"含,逗号\"\r\n", gbk.GetString(File.ReadAllBytes(bodies[0].Path)));
    }

    [Theory]
    [InlineData("", "文件为空")]
    [InlineData("CF_WSH,CF_WFXW\r\n", "只有表头")]
    [InlineData("CF_WSH,CF_WFXW\r\n,\r\n  \r\n", "只有表头")]
    [InlineData("CF_WSH,CF_WFXW\r\nA1,\"写到一半", "引号没有闭合")]
    public void A_csv_that_cannot_be_reported_is_refused_with_its_reason(string text, string reason)
    {
        var error = Assert.Throws<UnreadableFileException>(() => FileSplitter.Split(Write("bad.csv", Encoding.UTF8.GetBytes(text)), "csv", 10, directory));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_array_is_cut_into_arrays_and_its_elements_numbered()
    {
        var records = Enumerable.Range(1, 5).Select(n => new Dictionary<string, string> { ["CF_WSH"] = $"文书{n}" }).ToList();
        var bodies = FileSplitter.Split(Write("x.json", JsonSerializer.SerializeToUtf8Bytes(records)), "json", 2, directory);

        Assert.Equal(3, bodies.Count);
        Assert.Equal([5L], bodies[2].Lines);
        using var last = JsonDocument.Parse(File.ReadAllBytes(bodies[2].Path));
        Assert.Equal("文书5", last.RootElement[0].GetProperty("CF_WSH").GetString());
    }

    [Theory]
    [InlineData("[{\"CF_WSH\": \"1\"}, {\"CF_WSH\"", "JSON 无法解析")]
    [InlineData("{\"CF_WSH\": \"1\"}", "记录数组")]
    [InlineData("[]", "数组为空")]
    public void A_json_file_that_is_not_an_array_of_records_is_refused(string text, string reason)
    {
        var error = Assert.Throws<UnreadableFileException>(() => FileSplitter.Split(Write("bad.json", Encoding.UTF8.GetBytes(text)), "json", 10, directory));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_named_xlsx_that_is_no_workbook_is_refused()
    {
        var error = Assert.Throws<UnreadableFileException>(() => FileSplitter.Split(Write("x.xlsx", Encoding.UTF8.GetBytes("a,b\r\n1,2\r\n")), "xlsx", 10, directory));
        Assert.Contains("不是 Excel 工作簿", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
