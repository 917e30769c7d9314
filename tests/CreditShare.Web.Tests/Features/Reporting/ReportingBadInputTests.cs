using System.Net;
using System.Net.Http.Json;
using System.Text;
using CreditShare.Core.Contract;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>Every kind of bad input gets a clear answer, and a batch that cannot be read stores nothing.</summary>
public class ReportingBadInputTests(ReportingApp app) : IClassFixture<ReportingApp>
{
    private Task<int> BatchesAsync() => app.WithDbAsync(db => db.ReportBatches.CountAsync());

    private static string Csv(IEnumerable<string> header, params IEnumerable<string?>[] rows) =>
        string.Join("\r\n", new[] { string.Join(',', header) }.Concat(rows.Select(r => string.Join(',', r.Select(v => v is null ? "" : $"\"{v.Replace("\"", "\"\"", StringComparison.Ordinal)}\"")))));

    private static ByteArrayContent Content(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new(type);
        return content;
    }

    [Fact]
    public async Task Malformed_or_misshapen_json_is_refused_whole()
    {
        using var client = app.Unit("source");
        var before = await BatchesAsync();
        var broken = await client.PostAsync("/api/v1/reports/XZCF", new StringContent("[{\"CF_WSH\": \"x\",", Encoding.UTF8, "application/json"));
        Assert.Contains((await broken.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(), e => e.Code == "report.malformed_json");
        var notArray = await client.PostAsync("/api/v1/reports/XZCF", new StringContent("{\"CF_WSH\": \"x\"}", Encoding.UTF8, "application/json"));
        Assert.Contains((await notArray.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(), e => e.Code == "report.not_array");
        var nested = await client.PostAsync("/api/v1/reports/XZCF", new StringContent("[{\"CF_WSH\": {\"a\": 1}}]", Encoding.UTF8, "application/json"));
        Assert.Contains(("$[0].CF_WSH", "report.value_type"), (await nested.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        foreach (var (body, field, code) in new[]
        {
            ("[{\"CF_WSH\": \"x\"}] trailing", "$", "report.malformed_json"),
            ("", "$", "report.malformed_json"),
            ("[1, {\"CF_WSH\": \"x\"}]", "$[0]", "report.not_object"),
            ("[{\"CF_WSH\": [\"x\"]}]", "$[0].CF_WSH", "report.value_type"),
        })
        {
            var refused = await client.PostAsync("/api/v1/reports/XZCF", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Contains((field, code), (await refused.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        }

        var xml = await client.PostAsync("/api/v1/reports/XZCF", new StringContent("<a/>", Encoding.UTF8, "application/xml"));
        await xml.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(before, await BatchesAsync());
    }

    [Fact]
    public async Task Unknown_category_batch_over_the_limit_and_oversized_body_are_refused()
    {
        using var client = app.Unit("source");
        var before = await BatchesAsync();
        var unknown = await client.PostAsJsonAsync("/api/v1/reports/NOPE", new[] { TestRecords.Penalty(1) });
        Assert.Equal("catalog.not_found", (await unknown.ProblemAsync(HttpStatusCode.NotFound)).Code);

        var many = Enumerable.Range(0, ReportingApp.MaxBatch + 1).Select(_ => TestRecords.Penalty(TestRecords.Next())).ToArray();
        var tooMany = await client.PostAsJsonAsync("/api/v1/reports/XZCF", many);
        Assert.Contains((await tooMany.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(), e => e.Code == "batch.too_large");

        var huge = new StringContent("[" + string.Join(',', Enumerable.Repeat("{\"BZ\": \"" + new string('x', 1000) + "\"}", 400)) + "]", Encoding.UTF8, "application/json");
        // As real clients do for large bodies: announce it and wait, so the refusal is read rather than a broken pipe
        // (the server answers 413 from Content-Length and closes while a client that does not wait is still writing).
        using var bigRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports/XZCF") { Content = huge };
        bigRequest.Headers.ExpectContinue = true;
        var tooBig = await client.SendAsync(bigRequest);
        Assert.Equal("request.too_large", (await tooBig.ProblemAsync(HttpStatusCode.RequestEntityTooLarge)).Code);
        Assert.Equal(before, await BatchesAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/abnormal")).StatusCode);
    }

    [Fact]
    public async Task Over_long_fields_and_unknown_fields_reject_that_record_only()
    {
        using var client = app.Unit("source");
        var longOne = TestRecords.Penalty(TestRecords.Next());
        longOne["CF_WSH"] = new string('号', 129);
        var extra = TestRecords.Penalty(TestRecords.Next());
        extra["CF_SURPRISE"] = "x";
        var response = await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { longOne, extra, TestRecords.Penalty(TestRecords.Next()) });
        var result = (await response.Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
        var records = result.Records;
        Assert.Equal("field.too_long", records[0].Errors[0].Code);
        Assert.Equal("field.unknown", records[1].Errors[0].Code);
        Assert.Equal("accepted", records[2].Status);
    }

    [Fact]
    public async Task Only_source_units_report()
    {
        using var client = app.Unit("user");
        var response = await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { TestRecords.Penalty(TestRecords.Next()) });
        Assert.Equal("report.not_source_unit", (await response.ProblemAsync(HttpStatusCode.Forbidden)).Code);
        using var anonymous = app.MachineClient(null);
        await (await anonymous.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { TestRecords.Penalty(1) })).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Csv_in_utf8_with_chinese_headers_and_in_gb18030_is_read()
    {
        using var client = app.Unit("source");
        var record = TestRecords.Penalty(TestRecords.Next());
        var labels = new Dictionary<string, string> { ["CF_XDR_MC"] = "行政相对人名称", ["CF_XDR_LB"] = "行政相对人类别", ["CF_WSH"] = "行政处罚决定书文号" };
        var header = record.Keys.Select(k => labels.GetValueOrDefault(k, k)).ToList();
        var csv = Csv(header, record.Values);

        var utf8 = await client.PostAsync("/api/v1/reports/XZCF", Content([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)], "text/csv"));
        var first = (await utf8.Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
        Assert.True(utf8.StatusCode == HttpStatusCode.OK, first.ToString());
        Assert.Equal("accepted", first.Records[0].Status);

        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gbRecord = TestRecords.Penalty(TestRecords.Next());
        var gb = Encoding.GetEncoding("GB18030").GetBytes(Csv(gbRecord.Keys, gbRecord.Values));
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(gb));
        var gbResponse = await client.PostAsync("/api/v1/reports/XZCF", Content(gb, "text/csv"));
        var second = (await gbResponse.Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
        Assert.Equal("accepted", second.Records[0].Status);
        var name = await app.WithDbAsync(db => db.CreditRecords.Where(r => r.SourceKey == gbRecord["CF_WSH"])
            .Join(db.Subjects, r => r.SubjectId, s => s.Id, (r, s) => s.Name).SingleAsync());
        Assert.Equal(gbRecord["CF_XDR_MC"], name);
    }

    [Fact]
    public async Task Csv_with_unknown_missing_or_ragged_columns_is_refused_whole()
    {
        using var client = app.Unit("source");
        var before = await BatchesAsync();
        var record = TestRecords.Penalty(TestRecords.Next());
        var withExtra = Csv([.. record.Keys, "多余列"], [.. record.Values, "x"]);
        var extra = await client.PostAsync("/api/v1/reports/XZCF", Content(Encoding.UTF8.GetBytes(withExtra), "text/csv"));
        Assert.Contains(("多余列", "csv.unknown_column"), (await extra.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());

        var withoutName = record.Where(kv => kv.Key != "CF_XDR_MC").ToList();
        var missing = await client.PostAsync("/api/v1/reports/XZCF", Content(Encoding.UTF8.GetBytes(Csv(withoutName.Select(kv => kv.Key), withoutName.Select(kv => kv.Value))), "text/csv"));
        Assert.Contains(("CF_XDR_MC", "csv.missing_column"), (await missing.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());

        var ragged = Csv(record.Keys, record.Values) + "\r\n\"only\",\"two\"";
        var raggedResponse = await client.PostAsync("/api/v1/reports/XZCF", Content(Encoding.UTF8.GetBytes(ragged), "text/csv"));
        Assert.Contains((await raggedResponse.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(), e => e.Code == "csv.column_count");
        Assert.Equal(before, await BatchesAsync());
    }

    /// <summary>Announces 2 GB and would send zeros for ever: refused from the headers, before the body is read.</summary>
    private sealed class EndlessContent() : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            for (long sent = 0; sent < 2L * 1024 * 1024 * 1024; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 2L * 1024 * 1024 * 1024;
            return true;
        }
    }

    [Fact]
    public async Task A_two_gigabyte_upload_is_refused_at_once_and_the_server_stays_responsive()
    {
        using var client = app.Unit("source");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var content = new EndlessContent();
        content.Headers.ContentType = new("application/json");
        try
        {
            var response = await client.PostAsync("/api/v1/reports/XZCF", content);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // The server may also close the connection while the client is still sending: refused either way.
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        using var other = app.Unit("source2");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/abnormal")).StatusCode);
    }
}
