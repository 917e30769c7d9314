using System.Net;
using System.Text;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Reporting;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>
/// Text that is not text (invalid UTF-8, lone surrogates) or that no database keeps (NUL), anywhere in a batch: a 400
/// naming the record and field, and nothing stored (security review, item 5).
/// </summary>
public class ReportingInvalidTextTests(ReportingApp app) : IClassFixture<ReportingApp>
{
    private const string Placeholder = "@@BAD@@";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private async Task<(int Batches, int Records, int Abnormal)> StoredAsync() => await app.WithDbAsync(async db =>
        (await db.ReportBatches.CountAsync(), await db.CreditRecords.CountAsync(), await db.AbnormalEntries.CountAsync()));

    private static ByteArrayContent Body(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new(type);
        return content;
    }

    /// <summary>A valid batch of two records as UTF-8 JSON, with <paramref name="bad"/> in place of the placeholder.</summary>
    private static byte[] Batch(Action<Dictionary<string, string?>, Dictionary<string, string?>> place, byte[] bad)
    {
        var first = TestRecords.Penalty(TestRecords.Next());
        var second = TestRecords.Penalty(TestRecords.Next());
        place(first, second);
        var json = JsonSerializer.SerializeToUtf8Bytes(new[] { first, second }, Relaxed);
        return Replace(json, Encoding.UTF8.GetBytes(Placeholder), bad);
    }

    private static byte[] Replace(byte[] body, byte[] what, byte[] with)
    {
        var at = body.AsSpan().IndexOf(what);
        Assert.True(at >= 0);
        return [.. body.AsSpan(0, at), .. with, .. body.AsSpan(at + what.Length)];
    }

    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(p => p switch { string s => Encoding.UTF8.GetBytes(s), byte b => [b], int i => [(byte)i], _ => (byte[])p })];

    public static TheoryData<string, string, string, string> Values { get; } = new()
    {
        // name, where the bad text goes, the bytes (hex, or text), the field and code expected
        { "lone high surrogate in a value", "value:0", "\\ud800", "$[0].CF_SY|report.invalid_encoding" },
        { "lone low surrogate in a value of the second record", "value:1", "\\udc00x", "$[1].CF_SY|report.invalid_encoding" },
        { "high surrogate not followed by a low one", "value:0", "a\\ud800\\u0041", "$[0].CF_SY|report.invalid_encoding" },
        { "reversed surrogate pair", "value:1", "\\udc00\\ud800", "$[1].CF_SY|report.invalid_encoding" },
        { "0xC3 0x28 in a value", "value:0", "hex:C3 28", "$[0].CF_SY|report.invalid_encoding" },
        { "0xFF in a value", "value:1", "hex:FF", "$[1].CF_SY|report.invalid_encoding" },
        { "overlong 0xC0 0xAF in a value", "value:0", "hex:C0 AF", "$[0].CF_SY|report.invalid_encoding" },
        { "a multi-byte character cut short at the end of a value", "value:0", "hex:41 E4 B8", "$[0].CF_SY|report.invalid_encoding" },
        { "an encoded surrogate (CESU) in a value", "value:1", "hex:ED A0 80", "$[1].CF_SY|report.invalid_encoding" },
        { "invalid bytes after an escape", "value:0", "\\n|hex:FF", "$[0].CF_SY|report.invalid_encoding" },
        { "NUL escaped in a value", "value:0", "a\\u0000b", "$[0].CF_SY|report.nul_character" },
        { "NUL escaped in the document number", "key-value:1", "\\u0000", "$[1].CF_WSH|report.nul_character" },
        { "lone surrogate in a key", "key:0", "CF_\\ud800", "$[0]|report.invalid_encoding" },
        { "0xFF in a key", "key:1", "CF_|hex:FF", "$[1]|report.invalid_encoding" },
        { "NUL in a key", "key:0", "CF_\\u0000", "$[0]|report.nul_character" },
    };

    private static byte[] Decode(string spec) =>
        [.. spec.Split('|').SelectMany(part => part.StartsWith("hex:", StringComparison.Ordinal) ? Convert.FromHexString(part[4..].Replace(" ", "", StringComparison.Ordinal)) : Encoding.UTF8.GetBytes(part))];

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Invalid_text_in_a_record_is_a_400_naming_the_record_and_field_and_stores_nothing(string name, string where, string bad, string expected)
    {
        var index = int.Parse(where[(where.IndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var body = Batch((a, b) =>
        {
            var record = index == 0 ? a : b;
            switch (where[..where.IndexOf(':')])
            {
                case "value":
                    record["CF_SY"] = Placeholder;
                    break;
                case "key-value":
                    record["CF_WSH"] = Placeholder;
                    break;
                default:
                    record[Placeholder] = "x";
                    break;
            }
        }, Decode(bad));
        using var client = app.Unit("source");
        var before = await StoredAsync();
        var response = await client.PostAsync("/api/v1/reports/XZCF", Body(body, "application/json"));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var (field, code) = (expected.Split('|')[0], expected.Split('|')[1]);
        Assert.Contains((field, code), problem.FieldErrors());
        var message = problem.Errors.First(e => e.Code == code).Message;
        Assert.Contains($"第 {index + 1} 条记录", message);
        Assert.Equal("批次无法解析，未保存任何记录", problem.Detail);
        Assert.True(before == await StoredAsync(), name);
    }

    [Fact]
    public async Task Invalid_text_outside_the_records_is_refused_as_malformed_or_misshapen()
    {
        using var client = app.Unit("source");
        var before = await StoredAsync();
        foreach (var (body, field, code) in new[]
        {
            (Bytes("\"\\ud800\""), "$", "report.not_array"),
            (Bytes("[\"\\ud800\"]"), "$[0]", "report.not_object"),
            (Bytes("[\"", 0xFF, "\"]"), "$[0]", "report.not_object"),
            (Bytes("[", 0xFF, "]"), "$", "report.malformed_json"),
            (Bytes("[{\"CF_WSH\": \"a", 0x00, "b\"}]"), "$", "report.malformed_json"), // a raw NUL is no JSON
            (Bytes("[{\"CF_WSH\": \"a\"}", 0xE4), "$", "report.malformed_json"), // cut short at the end of the body
            (Bytes(0xEF, 0xBB, 0xBF, "[{\"CF_SY\": \"", 0xFF, "\"}]"), "$", "report.malformed_json"), // a BOM is not JSON either
        })
        {
            var response = await client.PostAsync("/api/v1/reports/XZCF", Body(body, "application/json"));
            Assert.Contains((field, code), (await response.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        }

        Assert.Equal(before, await StoredAsync());
    }

    private static string Csv(IEnumerable<Dictionary<string, string?>> records)
    {
        var list = records.ToList();
        var header = list[0].Keys.ToList();
        return string.Join("\r\n", new[] { string.Join(',', header) }.Concat(list.Select(r => string.Join(',', header.Select(h => $"\"{r[h]}\"")))));
    }

    [Fact]
    public async Task A_csv_that_is_neither_utf8_nor_gb18030_or_holds_a_nul_is_refused_with_its_line()
    {
        using var client = app.Unit("source");
        var before = await StoredAsync();
        foreach (var (bad, code) in new[] { (Bytes(0xFF), "csv.encoding"), (Bytes(0xC3, 0x28, 0x80), "csv.encoding"), (Bytes(0x00), "csv.nul_character") })
        {
            var records = new[] { TestRecords.Penalty(TestRecords.Next()), TestRecords.Penalty(TestRecords.Next()) };
            records[1]["CF_SY"] = Placeholder;
            var body = Replace(Encoding.UTF8.GetBytes(Csv(records)), Encoding.UTF8.GetBytes(Placeholder), bad);
            var response = await client.PostAsync("/api/v1/reports/XZCF", Body(body, "text/csv"));
            Assert.Contains(("line 3", code), (await response.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        }

        // Cut short at the very end: a GB18030 lead byte with nothing after it.
        var cut = await client.PostAsync("/api/v1/reports/XZCF", Body([.. Encoding.UTF8.GetBytes(Csv([TestRecords.Penalty(TestRecords.Next())])), 0x81], "text/csv"));
        Assert.Contains(("line 2", "csv.encoding"), (await cut.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_nul_typed_into_the_portal_form_is_refused_not_a_server_error()
    {
        var reporter = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source"));
        var record = TestRecords.Penalty(TestRecords.Next());
        record["CF_SY"] = "经抽检\0不合格";
        var before = await StoredAsync();
        var response = await reporter.PostFormAsync("/Reporting/Form?category=XZCF", [.. record.Select(kv => ($"Values[{kv.Key}]", kv.Value ?? ""))]);
        // ASP.NET Core's form reader refuses it before the page runs.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_batch_from_any_channel_with_a_nul_or_a_lone_surrogate_is_refused_whole()
    {
        var before = await StoredAsync();
        foreach (var (field, bad, code) in new[] { ("CF_SY", "经抽检\0不合格", "report.nul_character"), ("CF_WSH", "文号\uD800", "report.invalid_encoding"), ("CF_NR", "\uDC00", "report.invalid_encoding") })
        {
            var good = TestRecords.Penalty(TestRecords.Next());
            var broken = TestRecords.Penalty(TestRecords.Next());
            broken[field] = bad;
            await using var scope = app.Services.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<ReportingService>()
                .SubmitAsync(new Submitter(app.UnitIds["source"], "test", "upload", "test"), "XZCF", [good, broken], null, "hash");
            Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
            Assert.Equal(($"$[1].{field}", code), (outcome.Errors[0].Field, outcome.Errors[0].Code));
            Assert.Contains("第 2 条记录", outcome.Errors[0].Message);
        }

        Assert.Equal(before, await StoredAsync());
    }

    /// <summary>
    /// Several hundred mutations of a valid JSON batch and a valid CSV one (a seeded generator: the same bodies every
    /// run): bytes flipped, inserted, removed, escapes and invalid sequences spliced in, bodies cut short. None may get a
    /// 5xx, and only the answers that say a batch was received may have stored one.
    /// </summary>
    [Fact]
    public async Task Fuzzed_bodies_never_get_a_server_error()
    {
        var random = new Random(20261127);
        var json = JsonSerializer.SerializeToUtf8Bytes(new[] { TestRecords.Penalty(TestRecords.Next()), TestRecords.Penalty(TestRecords.Next()) },
            Relaxed);
        var csv = Encoding.UTF8.GetBytes(Csv([TestRecords.Penalty(TestRecords.Next()), TestRecords.Penalty(TestRecords.Next())]));
        byte[][] splices =
        [
            [0x00], [0xFF], [0xFE], [0x80], [0xBF], [0xC0, 0xAF], [0xC3, 0x28], [0xE4, 0xB8], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F],
            .. new[] { "\\ud800", "\\udc00", "\\ud800\\u0041", "\\u0000", "\\", "\"", "{", "}", "[", "]", ",", ":", "\\uZZZZ", "1e999", "\r\n", "\"\"" }.Select(Encoding.UTF8.GetBytes),
        ];

        byte[] Mutate(byte[] valid)
        {
            var body = valid.ToList();
            for (var n = random.Next(1, 4); n > 0 && body.Count > 0; n--)
            {
                var at = random.Next(body.Count);
                switch (random.Next(5))
                {
                    case 0:
                        body[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        body.InsertRange(at, splices[random.Next(splices.Length)]);
                        break;
                    case 2:
                        body.RemoveAt(at);
                        break;
                    case 3:
                        body.RemoveRange(at, body.Count - at);
                        break;
                    default:
                        // Inside a string value: find the next quote from a random point and splice before it.
                        var quote = body.IndexOf((byte)'"', at);
                        body.InsertRange(quote < 0 ? at : quote, splices[random.Next(splices.Length)]);
                        break;
                }
            }

            return [.. body];
        }

        using var client = app.Unit("source");
        var before = await StoredAsync();
        var received = 0;
        var answers = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < 420; i++)
        {
            var (valid, type) = i % 4 == 3 ? (csv, "text/csv") : (json, "application/json");
            var body = Mutate(valid);
            var response = await client.PostAsync("/api/v1/reports/XZCF", Body(body, type));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {type} body {Convert.ToHexString(body)}: {text}");
            answers[response.StatusCode] = answers.GetValueOrDefault(response.StatusCode) + 1;
            received += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.True(answers.GetValueOrDefault(HttpStatusCode.BadRequest) > 100, string.Join(", ", answers));
        Assert.Equal(before.Batches + received, (await StoredAsync()).Batches);
    }
}
