using System.Security.Cryptography;
using System.Text.Json;

namespace CreditShare.Gateway.Folders;

/// <summary>One batch body written next to the spooled file, with the file lines (or JSON element numbers) of its records.</summary>
public sealed record BatchBody(int Index, string Path, int Rows, IReadOnlyList<long> Lines, string Digest);

/// <summary>
/// Cuts a spooled file into the platform's batches without understanding its columns: the platform reads headers,
/// templates, encodings and values, so a department's file is judged by the same rules whichever channel brings it.
/// CSV is cut at record boundaries (quotes respected, in UTF-8 or GBK: neither uses the bytes of <c>"</c> or a line
/// feed inside a character), every part with the header line; a JSON array into arrays of at most the batch size; a
/// workbook goes whole (the platform reads it with its zip-bomb limits).
/// </summary>
public static class FileSplitter
{
    public static string MediaOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".csv" or ".txt" => "csv",
        ".json" => "json",
        ".xlsx" => "xlsx",
        _ => "",
    };

    public static string ContentType(string media) => media switch
    {
        "csv" => "text/csv",
        "json" => "application/json",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    };

    /// <summary>Writes <c>batch-N.body</c> files into <paramref name="directory"/>; throws <see cref="UnreadableFileException"/> with the reason in Chinese.</summary>
    public static IReadOnlyList<BatchBody> Split(string file, string media, int batchSize, string directory) => media switch
    {
        "csv" => SplitCsv(file, batchSize, directory),
        "json" => SplitJson(file, batchSize, directory),
        "xlsx" => Whole(file, directory),
        _ => throw new UnreadableFileException($"不支持的文件类型“{Path.GetExtension(file)}”：请使用 CSV、XLSX 或 JSON"),
    };

    private static List<BatchBody> Whole(string file, string directory)
    {
        var bytes = File.ReadAllBytes(file);
        if (bytes.Length < 4 || bytes[0] != 'P' || bytes[1] != 'K')
        {
            throw new UnreadableFileException("文件扩展名是 .xlsx，但内容不是 Excel 工作簿（可能已损坏或只写了一半）");
        }

        var path = Path.Combine(directory, "batch-0.body");
        WriteDurably(path, bytes);
        return [new BatchBody(0, path, 0, [], Digest(bytes))];
    }

    private static List<BatchBody> SplitCsv(string file, int batchSize, string directory)
    {
        var data = File.ReadAllBytes(file);
        var records = CsvRecords(data);
        if (records.Count == 0 || (records.Count == 1 && IsBlank(data.AsSpan(records[0].Start, records[0].Length))))
        {
            throw new UnreadableFileException("文件为空");
        }

        var header = records[0];
        var dataRecords = records.Skip(1).Where(r => !IsBlank(data.AsSpan(r.Start, r.Length))).ToList();
        if (dataRecords.Count == 0)
        {
            throw new UnreadableFileException("文件只有表头，没有数据行");
        }

        var bodies = new List<BatchBody>();
        for (var start = 0; start < dataRecords.Count; start += batchSize)
        {
            var part = dataRecords.Skip(start).Take(batchSize).ToList();
            using var body = new MemoryStream();
            body.Write(data, header.Start, header.Length);
            EndLine(body, data, header);
            foreach (var record in part)
            {
                body.Write(data, record.Start, record.Length);
                EndLine(body, data, record);
            }

            var index = bodies.Count;
            var path = Path.Combine(directory, $"batch-{index}.body");
            var bytes = body.ToArray();
            WriteDurably(path, bytes);
            bodies.Add(new BatchBody(index, path, part.Count, [.. part.Select(r => r.Line)], Digest(bytes)));
        }

        return bodies;
    }

    private static void EndLine(MemoryStream body, byte[] data, CsvRecord record)
    {
        if (record.Length == 0 || data[record.Start + record.Length - 1] != '\n')
        {
            body.WriteByte((byte)'\r');
            body.WriteByte((byte)'\n');
        }
    }

    private readonly record struct CsvRecord(int Start, int Length, long Line);

    /// <summary>Records with their first physical line (1-based); a record ends at a line feed outside quotes.</summary>
    private static List<CsvRecord> CsvRecords(byte[] data)
    {
        var list = new List<CsvRecord>();
        var start = 0;
        var line = 1L;
        var recordLine = 1L;
        var quoted = false;
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if (b == '"')
            {
                quoted = !quoted;
            }
            else if (b == '\n')
            {
                line++;
                if (!quoted)
                {
                    list.Add(new CsvRecord(start, i + 1 - start, recordLine));
                    start = i + 1;
                    recordLine = line;
                }
            }
        }

        if (quoted)
        {
            throw new UnreadableFileException($"第 {recordLine} 行起的引号没有闭合：文件可能只写了一半");
        }

        if (start < data.Length)
        {
            list.Add(new CsvRecord(start, data.Length - start, recordLine));
        }

        return list;
    }

    private static bool IsBlank(ReadOnlySpan<byte> record)
    {
        foreach (var b in record)
        {
            if (b is not ((byte)',' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'"' or 0xEF or 0xBB or 0xBF))
            {
                return false;
            }
        }

        return true;
    }

    private static List<BatchBody> SplitJson(string file, int batchSize, string directory)
    {
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(file);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new UnreadableFileException($"JSON 无法解析（第 {(e.LineNumber ?? 0) + 1} 行附近）：文件可能只写了一半或不是 JSON");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new UnreadableFileException("JSON 文件应为记录数组（[ {…}, {…} ]），每条记录以字段代码为键");
            }

            var elements = document.RootElement.EnumerateArray().ToList();
            if (elements.Count == 0)
            {
                throw new UnreadableFileException("JSON 数组为空，没有记录");
            }

            var bodies = new List<BatchBody>();
            for (var start = 0; start < elements.Count; start += batchSize)
            {
                var part = elements.Skip(start).Take(batchSize).ToList();
                using var body = new MemoryStream();
                using (var writer = new Utf8JsonWriter(body))
                {
                    writer.WriteStartArray();
                    foreach (var element in part)
                    {
                        element.WriteTo(writer);
                    }

                    writer.WriteEndArray();
                }

                var index = bodies.Count;
                var path = Path.Combine(directory, $"batch-{index}.body");
                var bytes = body.ToArray();
                WriteDurably(path, bytes);
                bodies.Add(new BatchBody(index, path, part.Count, [.. Enumerable.Range(start + 1, part.Count).Select(n => (long)n)], Digest(bytes)));
            }

            return bodies;
        }
    }

    /// <summary>Written and flushed to the disk before the queue says the batch exists.</summary>
    public static void WriteDurably(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    public static string Digest(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string FileDigest(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>A file the gateway cannot cut into batches; the message goes into the explanation file beside it in <c>failed/</c>.</summary>
public sealed class UnreadableFileException(string message) : Exception(message);
