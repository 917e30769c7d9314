using System.Buffers;
using System.Text;
using System.Text.Json;
using CreditShare.Core.Catalog;
using CreditShare.Web.Features.Subjects;

namespace CreditShare.Web.Features.Reporting;

/// <summary>
/// How a valid record's content is kept: its values as JSON in field-code order with personal fields encrypted, and a
/// keyed hash of the plain values that tells a correction from an identical resubmission. One instance serves one
/// batch and reuses its buffers; the output is the same as serialising the values as a sorted dictionary.
/// </summary>
internal sealed class RecordContent(CategoryDefinition category, PersonalDataProtector protector)
{
    private readonly FieldDefinition[] fields = [.. category.Fields.DistinctBy(f => f.Code).OrderBy(f => f.Code, StringComparer.Ordinal)];
    private readonly StringBuilder canonical = new();
    private readonly ArrayBufferWriter<byte> json = new(4096);
    private readonly JsonWriterOptions writerOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Hash(IReadOnlyDictionary<string, string> values)
    {
        canonical.Clear().Append(category.Code);
        foreach (var field in fields)
        {
            if (values.TryGetValue(field.Code, out var value))
            {
                canonical.Append('\u001e').Append(field.Code).Append('\u001f').Append(value);
            }
        }

        // Keyed, so the hash of a record with an ID number in it cannot be brute-forced from the database alone.
        return protector.KeyedHash(canonical.ToString());
    }

    public string Stored(IReadOnlyDictionary<string, string> values)
    {
        json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(json, writerOptions))
        {
            writer.WriteStartObject();
            foreach (var field in fields)
            {
                if (values.TryGetValue(field.Code, out var value))
                {
                    writer.WriteString(field.Code, field.Personal && !PersonalDataProtector.IsProtected(value) ? protector.Protect(value) : value);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(json.WrittenSpan);
    }

    /// <summary>
    /// The provenance kept with a version: each normalised field's value as received and each column of an older
    /// template kept only as received, as one JSON object; personal fields encrypted as in <see cref="Stored"/>.
    /// </summary>
    public string Received(IReadOnlyDictionary<string, string> normalised, Dictionary<string, string>? kept)
    {
        json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(json, writerOptions))
        {
            writer.WriteStartObject();
            foreach (var (code, value) in normalised.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                writer.WriteString(code, category.Field(code) is { Personal: true } ? protector.Protect(value) : value);
            }

            foreach (var (column, value) in kept?.OrderBy(v => v.Key, StringComparer.Ordinal) ?? Enumerable.Empty<KeyValuePair<string, string>>())
            {
                writer.WriteString(column, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(json.WrittenSpan);
    }
}
