using System.Net;
using System.Net.Http.Json;
using System.Text;
using CreditShare.Core.Catalog;
using CreditShare.Core.Contract;
using CreditShare.Web.Documents;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>
/// Departments' exports as their systems write them (issue 13): values normalised with warnings and kept as received,
/// header rows in every real form, the 2016 and 2019 national layouts — through the API (JSON and CSV) and the upload.
/// </summary>
public class RealExportTests(ReportingApp app) : IClassFixture<ReportingApp>
{
    private static ByteArrayContent CsvContent(string csv)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        content.Headers.ContentType = new("text/csv");
        return content;
    }

    private static string Csv(IEnumerable<string> header, params IEnumerable<string?>[] rows) =>
        string.Join("\r\n", new[] { string.Join(',', header) }.Concat(rows.Select(r => string.Join(',', r.Select(v => v is null ? "" : $"\"{v.Replace("\"", "\"\"", StringComparison.Ordinal)}\"")))));

    private async Task<BatchResult> PostAsync(HttpContent content)
    {
        using var client = app.Unit("source");
        var response = await client.PostAsync("/api/v1/reports/XZCF", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return System.Text.Json.JsonSerializer.Deserialize<BatchResult>(text, WireJson.Options)!;
    }

    private Task<Web.Records.CreditRecord> StoredAsync(string? sourceKey) =>
        app.WithDbAsync(db => db.CreditRecords.AsNoTracking().SingleAsync(r => r.SourceKey == sourceKey));

    [Fact]
    public async Task A_record_in_real_world_formats_is_accepted_with_warnings_stored_canonical_and_kept_as_received()
    {
        var record = TestRecords.Penalty(TestRecords.Next());
        var uscc = record["CF_XDR_SHXYM"]!;
        record["CF_XDR_SHXYM"] = $"{uscc[..4]} {uscc[4..8]} {uscc[8..12]} {uscc[12..16]} {uscc[16..]}";
        record["CF_XDR_LB"] = "法人及其他组织";
        record["CF_JDRQ"] = "2026年3月1日";
        record["CF_YXQ"] = "2027/03/01 00:00:00";
        record["CF_NR_FK"] = "2万元";
        record["CF_NR_WFFF"] = "无";
        record["CF_CFLB"] = "警告；罚款";
        record["BZ"] = "/";
        var result = await PostAsync(JsonContent.Create(new[] { record }));
        var row = Assert.Single(result.Records);
        Assert.Equal("accepted", row.Status);
        var warned = row.Warnings.Select(w => (w.Field, w.Code)).ToHashSet();
        foreach (var field in new[] { "CF_XDR_LB", "CF_JDRQ", "CF_YXQ", "CF_NR_FK" })
        {
            Assert.Contains((field, "value.normalized"), warned);
        }

        Assert.Contains(("CF_NR_WFFF", "value.placeholder"), warned);
        Assert.Contains(("BZ", "value.placeholder"), warned);
        // Only spaces removed from the code, or another separator: no warning, but the spelling is still kept.
        Assert.DoesNotContain(row.Warnings, w => w.Field is "CF_XDR_SHXYM" or "CF_CFLB" && w.Code == "value.normalized");

        var stored = await StoredAsync(record["CF_WSH"]);
        var data = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(stored.DataJson)!;
        Assert.Equal((uscc, "法人及非法人组织", "2026-03-01", "2027-03-01", "2", "警告;罚款"),
            (data["CF_XDR_SHXYM"], data["CF_XDR_LB"], data["CF_JDRQ"], data["CF_YXQ"], data["CF_NR_FK"], data["CF_CFLB"]));
        Assert.False(data.ContainsKey("CF_NR_WFFF"));
        Assert.Equal(new DateOnly(2026, 3, 1), stored.DecisionDate);
        var received = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(stored.ReceivedJson!)!;
        Assert.Equal(("2026年3月1日", "2万元", "无", record["CF_XDR_SHXYM"]), (received["CF_JDRQ"], received["CF_NR_FK"], received["CF_NR_WFFF"], received["CF_XDR_SHXYM"]));
        Assert.Null(stored.SourceTemplate);
    }

    [Fact]
    public async Task A_value_that_is_really_wrong_is_still_rejected_with_its_reason()
    {
        var inYuan = TestRecords.Penalty(TestRecords.Next());
        inYuan["CF_NR_FK"] = "20000元";
        var placeholderInRequired = TestRecords.Penalty(TestRecords.Next());
        placeholderInRequired["CF_YJ"] = "无";
        var result = await PostAsync(JsonContent.Create(new[] { inYuan, placeholderInRequired }));
        Assert.Equal(["rejected", "rejected"], result.Records.Select(r => r.Status));
        Assert.Equal(("CF_NR_FK", "field.amount_unit"), (result.Records[0].Errors.Single().Field, result.Records[0].Errors.Single().Code));
        Assert.Equal(("CF_YJ", "field.placeholder"), (result.Records[1].Errors.Single().Field, result.Records[1].Errors.Single().Code));
    }

    [Fact]
    public async Task An_individual_business_known_only_by_its_old_registration_number_can_be_reported()
    {
        var record = TestRecords.Penalty(TestRecords.Next());
        var registration = $"6401006{TestRecords.Next():D8}";
        record["CF_XDR_LB"] = "个体工商户";
        record["CF_XDR_MC"] = "银川市某某小吃店";
        record["CF_XDR_SHXYM"] = "00000000000000000X";
        record["CF_XDR_GSZC"] = registration;
        record.Remove("CF_FRDB");
        var result = await PostAsync(JsonContent.Create(new[] { record }));
        Assert.Equal("accepted", Assert.Single(result.Records).Status);
        var subject = await app.WithDbAsync(db => db.Subjects.AsNoTracking().SingleAsync(s => s.RegistrationNumber == registration));
        Assert.Equal(($"GSZC:{registration}", null, Core.Catalog.SubjectType.IndividualBusiness), (subject.Key, subject.Uscc, subject.Type));

        // Reported again by another record, it is the same subject.
        var again = TestRecords.Penalty(TestRecords.Next());
        foreach (var field in new[] { "CF_XDR_LB", "CF_XDR_MC", "CF_XDR_SHXYM", "CF_XDR_GSZC" })
        {
            again[field] = record[field];
        }

        again.Remove("CF_FRDB");
        Assert.Equal("accepted", Assert.Single((await PostAsync(JsonContent.Create(new[] { again }))).Records).Status);
        Assert.Equal(1, await app.WithDbAsync(db => db.Subjects.CountAsync(s => s.RegistrationNumber == registration)));
    }

    [Fact]
    public async Task Header_rows_in_every_real_form_are_read()
    {
        var record = TestRecords.Penalty(TestRecords.Next());
        var labels = BuiltInCatalog.Penalty.Fields.ToDictionary(f => f.Code, f => f.Label);
        var forms = new Func<string, string>[]
        {
            code => code.ToLowerInvariant(),
            code => labels[code].Replace('（', '(').Replace('）', ')'),
            code => BuiltInCatalog.Penalty.Field(code)!.Required ? "*" + labels[code] : labels[code],
            code => code switch
            {
                "CF_XDR_SHXYM" => "行政相对人代码_1(统一社会信用代码)",
                "CF_NR_FK" => "罚款金额(万元)",
                _ => labels[code],
            },
        };
        foreach (var form in forms)
        {
            record = TestRecords.Penalty(TestRecords.Next());
            var header = new[] { "序号" }.Concat(record.Keys.Select(form)).Append("数据导出时间");
            var values = new[] { "1" }.Concat(record.Values).Append("2026-11-20 10:00:00");
            var result = await PostAsync(CsvContent(Csv(header, values)));
            Assert.Equal("accepted", Assert.Single(result.Records).Status);
            Assert.Equal(["序号", "数据导出时间"], result.Warnings.Where(w => w.Code == "column.ignored").Select(w => w.Field));
        }

        // The 2019 headers make it a 2019 record.
        Assert.Equal("2019", (await StoredAsync(record["CF_WSH"])).SourceTemplate);
    }

    [Fact]
    public async Task A_header_that_matches_nothing_is_refused_naming_the_closest_fields()
    {
        using var client = app.Unit("source");
        var record = TestRecords.Penalty(TestRecords.Next());
        var header = record.Keys.Select(k => k == "CF_NR_FK" ? "罚没金额（万元）" : k);
        var response = await client.PostAsync("/api/v1/reports/XZCF", CsvContent(Csv(header, record.Values)));
        var problem = await response.Content.ReadFromJsonAsync<ApiProblem>(WireJson.Options);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single(problem!.Errors);
        Assert.Equal(("罚没金额（万元）", "csv.unknown_column"), (error.Field, error.Code));
        Assert.Contains("罚款金额（万元）（CF_NR_FK）", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_in_the_2016_and_2019_layouts_are_accepted_stored_against_their_layouts_and_shown_alike()
    {
        var n2016 = TestRecords.Next();
        var uscc2016 = TestRecords.Company(n2016);
        string[] header2016 = ["行政处罚决定书文号", "处罚名称", "处罚类别1", "处罚类别2", "处罚事由", "处罚依据", "行政相对人名称",
            "行政相对人代码_1(统一社会信用代码)", "法定代表人姓名", "处罚结果", "处罚决定日期", "处罚机关", "当前状态", "地方编码", "数据更新时间戳"];
        string?[] row2016 = [$"银市监罚〔2019〕{n2016}号", "销售不合格产品", "警告", "罚款", "经抽检，该公司销售的产品不合格", "《中华人民共和国产品质量法》第四十九条",
            $"银川市第{n2016}商贸有限公司", uscc2016, "张三", "警告并处罚款2万元", "2026/03/01", "银川市市场监督管理局", "0", "640100", "2019-06-02 08:00:00"];
        var first = await PostAsync(CsvContent(Csv(header2016, row2016)));
        Assert.True(first.Records.Single().Status == "accepted", string.Join("; ", first.Records.Single().Errors.Select(e => e.Message)));
        Assert.Equal("2016", first.Template);
        Assert.Contains(first.Warnings, w => w.Code == "template.recognised");
        Assert.Contains(first.Records.Single().Warnings, w => w.Field == "CF_XDR_LB" && w.Code == "value.inferred");

        var stored2016 = await StoredAsync(row2016[0]);
        Assert.Equal("2016", stored2016.SourceTemplate);
        var data2016 = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(stored2016.DataJson)!;
        Assert.Equal(("警告;罚款", "销售不合格产品", "警告并处罚款2万元", "法人及非法人组织", "2026-03-01"),
            (data2016["CF_CFLB"], data2016["CF_WFXW"], data2016["CF_NR"], data2016["CF_XDR_LB"], data2016["CF_JDRQ"]));
        var kept = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(stored2016.ReceivedJson!)!;
        Assert.Equal(("640100", "0"), (kept["DFBM"], kept["CF_ZT"]));

        var n2019 = TestRecords.Next();
        var record2019 = TestRecords.Penalty(n2019);
        record2019["CF_JDRQ"] = "2026/03/01";
        record2019["CF_YXQ"] = "2099/12/31";
        record2019["CF_NR_FK"] = "2.00";
        var header2019 = record2019.Keys.Select(k => k switch
        {
            "CF_XDR_SHXYM" => "行政相对人代码_1(统一社会信用代码)",
            "CF_NR_FK" => "罚款金额(万元)",
            _ => BuiltInCatalog.Penalty.Field(k)!.Label,
        });
        var second = await PostAsync(CsvContent(Csv(header2019, record2019.Values)));
        Assert.Equal(("accepted", "2019"), (second.Records.Single().Status, second.Template));
        Assert.Equal("2019", (await StoredAsync(record2019["CF_WSH"])).SourceTemplate);

        // On the public page both read as today's 行政处罚 records.
        using var visitor = app.MachineClient(null);
        foreach (var (uscc, document) in new[] { (uscc2016, row2016[0]!), (record2019["CF_XDR_SHXYM"]!, record2019["CF_WSH"]!) })
        {
            var subject = WebUtility.HtmlDecode(await visitor.GetStringAsync($"/public/subjects/{uscc}"));
            Assert.Contains(document, subject, StringComparison.Ordinal);
            Assert.Contains("违法行为类型", subject, StringComparison.Ordinal);
            Assert.Contains("销售不合格产品", subject, StringComparison.Ordinal);
        }
    }
}

/// <summary>The reporting portal's upload with an older national layout, as a reporter in a department uses it.</summary>
public class RealExportUploadTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private Task<Web.Records.CreditRecord> StoredAsync(string? sourceKey) =>
        app.WithDbAsync(db => db.CreditRecords.AsNoTracking().SingleAsync(r => r.SourceKey == sourceKey));

    [Fact]
    public async Task The_upload_reads_a_workbook_in_the_2016_layout_into_todays_fields()
    {
        var reporter = await app.SignInAsync(await app.CreateStaffAsync(Core.Accounts.StaffRoles.Reporter, unit: "source"));
        var n = TestRecords.Next();
        var row = new Dictionary<string, string?>
        {
            ["CF_WSH"] = $"银市监罚〔2020〕{n}号",
            ["CF_CFMC"] = "无证经营",
            ["CF_CFLB1"] = "罚款",
            ["CF_SY"] = "未取得许可从事经营",
            ["CF_YJ"] = "《无证无照经营查处办法》第十三条",
            ["CF_XDR_MC"] = $"银川市第{n}商贸有限公司",
            ["CF_XDR_SHDM"] = TestRecords.Company(n),
            ["CF_FR"] = "王五",
            ["CF_JG"] = "罚款0.5万元",
            ["CF_JDRQ"] = "2020.05.06",
            ["CF_XZJG"] = "银川市市场监督管理局",
        };
        // The 2016 category's columns with their 2016 headers, written as a department's system would.
        var layout = NationalTemplates.Penalty2016;
        var penalty2016 = BuiltInCatalog.Penalty with
        {
            Fields = [.. layout.Columns.Where(c => row.ContainsKey(c.Code)).Select(c => new FieldDefinition { Code = c.Code, Label = c.Label })],
        };
        var workbook = Workbooks.ErrorWorkbook(penalty2016, [(row, [])]);
        var uploaded = await PortalUpload.UploadAsync(reporter, "XZCF", workbook, "2016.xlsx");
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var stored = await StoredAsync(row["CF_WSH"]);
        Assert.Equal(("2016", "upload", RecordAction.Reported), (stored.SourceTemplate, stored.Channel, stored.LastAction));
        var data = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(stored.DataJson)!;
        Assert.Equal(("罚款", "2020-05-06", "无证经营"), (data["CF_CFLB"], data["CF_JDRQ"], data["CF_WFXW"]));
    }
}
