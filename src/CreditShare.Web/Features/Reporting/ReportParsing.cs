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

    static ReportParsing() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// A JSON array of objects whose values are text, numbers, booleans or null. Read token by token: a batch is
    /// megabytes, and the same thirty field names repeat in every record, so each name is made into a string once.
    /// </summary>
    public static (List<IReadOnlyDictionary<string, string?>>? Rows, List<FieldError> Errors) ParseJson(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = 8, AllowTrailingCommas = true });
        var rows = new List<IReadOnlyDictionary<string, string?>>();
        var errors = new List<FieldError>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return (null, [new FieldError("$", "report.not_array", "正文应为记录数组，如 [ { \"CF_WSH\": \"…\" } ]")]);
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
                    var name = Name(ref reader, names);
                    reader.Read();
                    row[name] = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
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
            return (null, [new FieldError("$", "report.malformed_json", $"正文不是有效的 JSON（第 {line} 行附近）")]);
        }

        return errors.Count > 0 ? (null, errors.Take(MaxListedProblems).ToList()) : (rows, errors);
    }

    private static string Name(ref Utf8JsonReader reader, Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> names)
    {
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

    private static string? Refuse(ref Utf8JsonReader reader, List<FieldError> errors, FieldError error)
    {
        reader.Skip();
        errors.Add(error);
        return null;
    }

    private static long LineOf(ReadOnlySpan<byte> body, long offset) => body[..(int)Math.Min(offset, body.Length)].Count((byte)'\n');

    /// <summary>CSV with a header row of field codes or Chinese labels; UTF-8 (with or without BOM) or GB18030/GBK.</summary>
    public static (List<IReadOnlyDictionary<string, string?>>? Rows, List<FieldError> Errors) ParseCsv(ReadOnlyMemory<byte> body, CategoryDefinition category)
    {
        var text = Decode(body.Span);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, [new FieldError("$", "csv.empty", "文件为空")]);
        }

        var byHeader = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in category.Fields)
        {
            byHeader[field.Code] = field.Code;
            byHeader.TryAdd(field.Label, field.Code);
        }

        try
        {
            using var reader = Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true, Trim = SepTrim.Outer }).FromText(text);
            var headers = reader.Header.ColNames;
            var errors = new List<FieldError>();
            var codes = new string?[headers.Count];
            for (var i = 0; i < headers.Count; i++)
            {
                var header = headers[i].Trim();
                if (byHeader.TryGetValue(header, out var code))
                {
                    codes[i] = code;
                }
                else if (header.Length > 0)
                {
                    errors.Add(new FieldError(header, "csv.unknown_column", $"第 {i + 1} 列“{header}”不是{category.Name}的字段"));
                }
            }

            foreach (var missing in category.Fields.Where(f => f.Required && !codes.Contains(f.Code)))
            {
                errors.Add(new FieldError(missing.Code, "csv.missing_column", $"缺少必填列“{missing.Label}”（{missing.Code}）"));
            }

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

                var values = new Dictionary<string, string?>(codes.Length, StringComparer.Ordinal);
                var blank = true;
                for (var i = 0; i < codes.Length; i++)
                {
                    if (codes[i] is { } code)
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

            return errors.Count > 0 ? (null, errors.Take(MaxListedProblems).ToList()) : (rows, errors);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or NotSupportedException)
        {
            return (null, [new FieldError("$", "csv.malformed", $"CSV 无法解析：{ex.Message}")]);
        }
    }

    /// <summary>UTF-8 if it decodes as UTF-8 (Excel's "CSV UTF-8" adds a BOM), otherwise GB18030, which covers GBK.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
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
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }
}
