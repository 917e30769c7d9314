using System.Globalization;
using System.Text;
using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Contract;
using CreditShare.Gateway.Delivery;
using CreditShare.Gateway.Queue;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CreditShare.Gateway.Feedback;

/// <summary>One line of feedback: a record (or the whole file) and what the platform said about it.</summary>
public sealed record FeedbackLine(string Where, string Status, string Field, string Code, string Message);

/// <summary>A file's outcome, added up from its batches.</summary>
public sealed record FeedbackSummary(int Total, int Accepted, int Unchanged, int Rejected, int RefusedBatches, IReadOnlyList<FeedbackLine> Lines);

/// <summary>
/// The per-record results a unit's operator reads (art. 8: the source unit corrects what was rejected): every rejected
/// record with its reasons, every value the platform normalised, and every batch it refused whole, in a CSV (UTF-8 with
/// BOM, so Excel opens it in Chinese) and a workbook next to the file's name in <c>feedback/</c>.
/// </summary>
public static class FeedbackFiles
{
    public static readonly string[] Headers = ["位置", "结果", "字段", "问题代码", "说明"];

    // rowKeys: for a block of database rows, the key of each record in order (the Where column names it).
    public static FeedbackSummary Summarise(QueuedFile file, IReadOnlyList<QueuedBatch> batches, IReadOnlyList<string>? rowKeys = null)
    {
        var lines = new List<FeedbackLine>();
        int total = 0, accepted = 0, unchanged = 0, rejected = 0, refused = 0;
        foreach (var batch in batches)
        {
            if (batch.State == GatewayStore.Refused)
            {
                refused++;
                var problem = batch.Answer is null ? null : PlatformClient.ReadProblem(batch.Answer);
                var where = batches.Count == 1 ? "整个文件" : $"第 {batch.Index + 1} 批（{Range(file, batch)}）";
                if (problem is null)
                {
                    lines.Add(new FeedbackLine(where, "整批被拒绝", "", $"http_{batch.StatusCode}", batch.LastError ?? $"平台拒绝了该批次（HTTP {batch.StatusCode}）"));
                }
                else
                {
                    lines.Add(new FeedbackLine(where, "整批被拒绝", "", problem.Code, problem.Detail ?? problem.Title));
                    lines.AddRange(problem.Errors.Select(e => new FeedbackLine(where, "整批被拒绝", e.Field, e.Code, e.Message)));
                }

                continue;
            }

            var result = JsonSerializer.Deserialize<BatchResult>(batch.Answer!, WireJson.Options)!;
            total += result.Total;
            accepted += result.Accepted;
            unchanged += result.Unchanged;
            rejected += result.Rejected;
            if (batch.Index == 0)
            {
                lines.AddRange(result.Warnings.Select(w => new FeedbackLine("整个文件", "提示", w.Field, w.Code, w.Message)));
            }

            var recordLines = JsonSerializer.Deserialize<long[]>(batch.Lines) ?? [];
            foreach (var record in result.Records)
            {
                var where = Where(file, recordLines, record.Index, rowKeys);
                foreach (var error in record.Errors)
                {
                    lines.Add(new FeedbackLine(where, "被拒绝", error.Field, error.Code, error.Message));
                }

                foreach (var warning in record.Warnings)
                {
                    lines.Add(new FeedbackLine(where, StatusName(record.Status) + "（有提示）", warning.Field, warning.Code, warning.Message));
                }
            }
        }

        return new FeedbackSummary(total, accepted, unchanged, rejected, refused, lines);
    }

    private static string StatusName(string status) => status switch
    {
        "accepted" => "已接收",
        "unchanged" => "未变化",
        "rejected" => "被拒绝",
        _ => status,
    };

    private static string Where(QueuedFile file, long[] lines, int index, IReadOnlyList<string>? rowKeys) => file.Media switch
    {
        _ when rowKeys is not null && index < lines.Length && lines[index] >= 1 && lines[index] <= rowKeys.Count => $"行键 {rowKeys[(int)lines[index] - 1]}",
        "csv" when index < lines.Length => $"第 {lines[index]} 行",
        "json" when index < lines.Length => $"第 {lines[index]} 条",
        _ when file.Source.StartsWith("db:", StringComparison.Ordinal) && index < lines.Length => $"行键 {lines[index]}",
        _ => $"第 {index + 1} 条记录",
    };

    private static string Range(QueuedFile file, QueuedBatch batch)
    {
        var lines = JsonSerializer.Deserialize<long[]>(batch.Lines) ?? [];
        return lines.Length == 0 ? "整个文件" : file.Media == "csv" ? $"第 {lines[0]}–{lines[^1]} 行" : $"第 {lines[0]}–{lines[^1]} 条";
    }

    /// <summary>Writes <c>name.feedback.csv</c> and <c>name.feedback.xlsx</c> (each through a temporary file and a rename).</summary>
    public static void Write(string directory, string name, QueuedFile file, FeedbackSummary summary, DateTimeOffset at)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, Path.GetFileName(name) + ".feedback");
        var csv = new StringBuilder();
        // CRLF whatever the gateway runs on: the reader is Excel on a Windows desk.
        csv.Append(string.Join(',', Headers)).Append("\r\n");
        foreach (var line in summary.Lines)
        {
            csv.Append(string.Join(',', new[] { line.Where, line.Status, line.Field, line.Code, line.Message }.Select(Quote))).Append("\r\n");
        }

        Replace(stem + ".csv", Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray());
        Replace(stem + ".xlsx", Workbook(name, file, summary, at));
    }

    private static void Replace(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        Folders.FileSplitter.WriteDurably(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A spreadsheet evaluates a cell that starts with =, +, -, @: the apostrophe keeps it text.</summary>
    public static string Neutralise(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static string Quote(string value)
    {
        value = Neutralise(value);
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static byte[] Workbook(string name, QueuedFile file, FeedbackSummary summary, DateTimeOffset at)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            var china = ProvincialTime.ToBeijing(at);
            AddSheet(workbook, "逐条结果", [Headers, .. summary.Lines.Select(l => new[] { l.Where, l.Status, l.Field, l.Code, l.Message })]);
            AddSheet(workbook, "汇总",
            [
                ["项目", "内容"],
                ["文件", name],
                ["SHA-256", file.Hash],
                ["信息类别", file.Category],
                ["记录总数", summary.Total.ToString(CultureInfo.InvariantCulture)],
                ["已接收", summary.Accepted.ToString(CultureInfo.InvariantCulture)],
                ["未变化", summary.Unchanged.ToString(CultureInfo.InvariantCulture)],
                ["被拒绝", summary.Rejected.ToString(CultureInfo.InvariantCulture)],
                ["整批被拒绝的批次", summary.RefusedBatches.ToString(CultureInfo.InvariantCulture)],
                ["完成时间（北京时间）", china.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)],
            ]);
        }

        return stream.ToArray();
    }

    private static void AddSheet(WorkbookPart workbook, string title, IEnumerable<string[]> rows)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        foreach (var row in rows)
        {
            data.Append(new Row(row.Select(v => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(Neutralise(v)) { Space = SpaceProcessingModeValues.Preserve }) })));
        }

        part.Worksheet = new Worksheet(data);
        var sheets = workbook.Workbook.Sheets!;
        sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = (uint)(sheets.Count() + 1), Name = title });
    }
}
