using System.Text;
using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Catalog;
using nietras.SeparatedValues;

namespace CreditShare.Web.Features.Reporting;

/// <summary>
/// Turns a request body into rows of field code → value. A body that cannot be read as a whole (broken JSON, a CSV
/// with unknown or missing columns) is refused as a whole, with reasons, before anything is stored.
/// </summary>
public static class ReportParsing
{
    private const int MaxListedProblems = 20;

    /// <summary>GB18030 that refuses bytes it cannot decode, rather than making them into replacement characters.</summary>
    private static readonly Encoding StrictGb18030;

    static ReportParsing()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        StrictGb18030 = Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>
    /// A JSON array of objects whose values are text, numbers, booleans or null. Read token by token: a batch is
    /// megabytes, and the same thirty field names repeat in every record, so each name is made into a string once.
    /// </summary>
    public static (List<IReadOnlyDictionary<string, string?>>? Rows, List<FieldError> Errors, FileRead? Read) ParseJson(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = 8, AllowTrailingCommas = true });
        var rows = new List<IReadOnlyDictionary<string, string?>>();
        var errors = new List<FieldError>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return (null, [new FieldError("$", "report.not_array", "正文应为记录数组，如 [ { \"CF_WSH\": \"…\" } ]")], null);
            }

            for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    errors.Add(new FieldError($"$[{index}]", "report.not_object", $"第 {index + 1} 条记录应为对象"));
                    reader.Skip();
                    continue;
                }

                var row = new Dictionary<string, string?>(32, StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = Name(ref reader, names, index, errors);
                    reader.Read();
                    row[name] = reader.TokenType switch
                    {
                        JsonTokenType.String => Text(ref reader, index, name, errors),
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        JsonTokenType.True => "true",
                        JsonTokenType.False => "false",
                        JsonTokenType.Null => null,
                        _ => Refuse(ref reader, errors, new FieldError($"$[{index}].{name}", "report.value_type", $"第 {index + 1} 条记录的“{name}”应为文本或数字")),
                    };
                }

                rows.Add(row);
            }

            // Anything but whitespace after the array makes the reader throw, as a broken array does.
            reader.Read();
        }

        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } n ? n + 1 : LineOf(body.Span, reader.BytesConsumed) + 1;
            return (null, [new FieldError("$", "report.malformed_json", $"正文不是有效的 JSON（第 {line} 行附近）")], null);
        }

        return errors.Count > 0 ? (null, errors.Take(MaxListedProblems).ToList(), null) : (rows, errors, null);
    }

    private static string Name(ref Utf8JsonReader reader, Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> names, int index,
        List<FieldError> errors)
    {
        if (Unreadable(ref reader) is { } problem)
        {
            // The name as far as it can be shown; the batch is refused anyway.
            var shown = Encoding.UTF8.GetString(reader.ValueSpan);
            errors.Add(new FieldError($"$[{index}]", problem.Code, $"第 {index + 1} 条记录的字段名“{shown}”{problem.Reason}"));
            return shown;
        }

        if (reader.ValueIsEscaped || reader.ValueSpan.Length > 128)
        {
            return reader.GetString()!;
        }

        Span<char> chars = stackalloc char[128];
        var length = Encoding.UTF8.GetChars(reader.ValueSpan, chars);
        if (!names.TryGetValue(chars[..length], out var name))
        {
            name = new string(chars[..length]);
            names.Dictionary[name] = name;
        }

        return name;
    }

    /// <summary>
    /// A string value, or null with a reason when it is not text that can be stored: invalid UTF-8, an escaped lone
    /// surrogate (<c>"\ud800"</c>), or a NUL, which PostgreSQL cannot keep in a text column. The reader itself only
    /// finds out when asked for the string, and then throws — the 500 this replaces.
    /// </summary>
    private static string? Text(ref Utf8JsonReader reader, int index, string name, List<FieldError> errors)
    {
        if (Unreadable(ref reader) is { } problem)
        {
            errors.Add(new FieldError($"$[{index}].{name}", problem.Code, $"第 {index + 1} 条记录的“{name}”{problem.Reason}"));
            return null;
        }

        return reader.GetString();
    }

    private sealed record TextProblem(string Code, string Reason);

    private static readonly TextProblem InvalidEncoding = new("report.invalid_encoding", "含有无效的 UTF-8 字节或不成对的 Unicode 代理项（如 \\ud800），不是有效的文本");

    private static readonly TextProblem NulCharacter = new("report.nul_character", "含有空字符（\\u0000），无法保存");

    /// <summary>Why the current string token is not storable text, or null when it is.</summary>
    private static TextProblem? Unreadable(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            // Unescaped: the bytes are the text. JSON does not allow a raw control character, so no NUL either.
            return System.Text.Unicode.Utf8.IsValid(reader.ValueSpan) ? null : InvalidEncoding;
        }

        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // GetString's only failure on a string token: invalid UTF-8, or an escape that is half a surrogate pair.
            return InvalidEncoding;
        }

        return text.Contains('\0', StringComparison.Ordinal) ? NulCharacter : null;
    }

    /// <summary>
    /// The first key or value, from any channel, that no database can store: a NUL (PostgreSQL's text refuses it) or a
    /// lone surrogate (it has no UTF-8 form). The JSON and CSV readers refuse these already; a form or a workbook
    /// (<c>_x0000_</c>) can still bring them, and a batch must be refused whole rather than fail in the middle.
    /// </summary>
    public static FieldError? Unstorable(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var (key, value) in rows[i])
            {
                foreach (var text in (ReadOnlySpan<string?>)[key, value])
                {
                    if (text is null)
                    {
                        continue;
                    }

                    var problem = text.Contains('\0', StringComparison.Ordinal) ? NulCharacter : HasLoneSurrogate(text) ? InvalidEncoding : null;
                    if (problem is not null)
                    {
                        return new FieldError($"$[{i}].{key}", problem.Code, $"第 {i + 1} 条记录的“{key}”{problem.Reason}");
                    }
                }
            }
        }

        return null;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static string? Refuse(ref Utf8JsonReader reader, List<FieldError> errors, FieldError error)
    {
        reader.Skip();
        errors.Add(error);
        return null;
    }

    private static long LineOf(ReadOnlySpan<byte> body, long offset) => body[..(int)Math.Min(offset, body.Length)].Count((byte)'\n');

    /// <summary>CSV with a header row of field codes or Chinese labels; UTF-8 (with or without BOM) or GB18030/GBK.</summary>
    public static (List<IReadOnlyDictionary<string, string?>>? Rows, List<FieldError> Errors, FileRead? Read) ParseCsv(ReadOnlyMemory<byte> body, CategoryDefinition category)
    {
        if (Decode(body.Span) is not { } text)
        {
            var line = LineOf(body.Span, FirstInvalidUtf8(body.Span)) + 1;
            return (null, [new FieldError($"line {line}", "csv.encoding", $"文件既不是有效的 UTF-8 也不是 GB18030（GBK）编码（第 {line} 行附近），请以 UTF-8 或 GBK 编码保存后重新报送")], null);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, [new FieldError("$", "csv.empty", "文件为空")], null);
        }

        if (text.IndexOf('\0', StringComparison.Ordinal) is >= 0 and var nul)
        {
            // PostgreSQL cannot keep a NUL in a text column.
            var line = text.AsSpan(0, nul).Count('\n') + 1;
            return (null, [new FieldError($"line {line}", "csv.nul_character", $"第 {line} 行含有空字符（\\u0000），无法保存")], null);
        }

        try
        {
            using var reader = Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true, Trim = SepTrim.Outer }).FromText(text);
            var headers = reader.Header.ColNames.Select(h => h.Trim()).ToList();
            // Rows are keyed by each column's code in the file's layout; the reporting service maps them onto today's fields.
            var columns = ReportHeaders.Resolve(category, headers, headerRow: true, "csv");
            var errors = columns.Errors.ToList();
            var rows = new List<IReadOnlyDictionary<string, string?>>();
            foreach (var row in reader)
            {
                if (row.ColCount != headers.Count)
                {
                    if (errors.Count < MaxListedProblems)
                    {
                        errors.Add(new FieldError($"line {row.LineNumberFrom}", "csv.column_count", $"第 {row.LineNumberFrom} 行有 {row.ColCount} 列，表头有 {headers.Count} 列"));
                    }

                    continue;
                }

                var values = new Dictionary<string, string?>(headers.Count, StringComparer.Ordinal);
                var blank = true;
                for (var i = 0; i < headers.Count; i++)
                {
                    if (columns.CodeOf(headers[i]) is { } code)
                    {
                        var value = row[i].ToString();
                        blank &= value.Length == 0;
                        values[code] = value.Length == 0 ? null : value;
                    }
                }

                if (!blank)
                {
                    rows.Add(values);
                }
            }

            return errors.Count > 0 ? (null, errors.Take(MaxListedProblems).ToList(), null) : (rows, errors, new FileRead(columns.Layout?.Name, columns.Warnings));
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or NotSupportedException)
        {
            return (null, [new FieldError("$", "csv.malformed", $"CSV 无法解析：{ex.Message}")], null);
        }
    }

    /// <summary>
    /// UTF-8 if it decodes as UTF-8 (Excel's "CSV UTF-8" adds a BOM), otherwise GB18030, which covers GBK; null when it
    /// is neither (a stray 0xFF, a sequence cut short at the end): guessing would store garbled text.
    /// </summary>
    public static string? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            try
            {
                return StrictGb18030.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
    }

    /// <summary>Where the first byte that is not UTF-8 is: the line a person should look at.</summary>
    private static long FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length && Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }
}
