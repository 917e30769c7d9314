using System.Net;
using System.Text;
using CreditShare.Core.Accounts;
using CreditShare.Core.Catalog;
using CreditShare.Web.Documents;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>The reporting portal and the center's views, through HTTP on the provider under test.</summary>
public class PortalTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string category, byte[] bytes, string name) =>
        PortalUpload.UploadAsync(client, category, bytes, name);

    [Fact]
    public async Task A_reporter_uploads_a_workbook_gets_the_rejected_rows_back_fixes_them_and_sees_them_accepted()
    {
        var reporter = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source"));
        var good = TestRecords.Penalty(TestRecords.Next());
        var bad = TestRecords.Penalty(TestRecords.Next());
        bad["CF_XDR_SHXYM"] = "91440300708461136U";
        var workbook = Workbooks.ErrorWorkbook(BuiltInCatalog.Penalty, [(good, []), (bad, [])]);

        var uploaded = await UploadAsync(reporter, "XZCF", workbook, "处罚.xlsx");
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var batchUrl = uploaded.Headers.Location!.OriginalString;
        var page = await reporter.GetStringAsync(batchUrl);
        Assert.Contains("统一社会信用代码校验位错误", page);

        var errors = await reporter.GetAsync(batchUrl + "&handler=Errors");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", errors.Content.Headers.ContentType!.MediaType);
        var (rows, readErrors, _) = Workbooks.Read(await errors.Content.ReadAsStreamAsync(), BuiltInCatalog.Penalty);
        Assert.Empty(readErrors);
        var returned = Assert.Single(rows!);
        Assert.Equal(bad["CF_WSH"], returned["CF_WSH"]);

        var fixedRow = returned.ToDictionary(kv => kv.Key, kv => kv.Value);
        fixedRow["CF_XDR_SHXYM"] = TestRecords.Company(TestRecords.Next());
        var again = await UploadAsync(reporter, "XZCF", Workbooks.ErrorWorkbook(BuiltInCatalog.Penalty, [(fixedRow, [])]), "处罚-改正.xlsx");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var entry = await app.WithDbAsync(db => db.AbnormalEntries.SingleAsync(a => a.SourceKey == bad["CF_WSH"]));
        Assert.NotNull(entry.ClosedAt);
        var stored = await app.WithDbAsync(db => db.CreditRecords.SingleAsync(r => r.SourceKey == bad["CF_WSH"]));
        Assert.Equal(("upload", entry.ResolvedRecordId), (stored.Channel, (long?)stored.Id));
    }

    [Fact]
    public async Task Unreadable_files_get_a_reason_beside_the_file_field_and_store_nothing()
    {
        var reporter = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source"));
        var before = await app.WithDbAsync(db => db.ReportBatches.CountAsync());
        var garbage = await UploadAsync(reporter, "XZCF", "PK not really"u8.ToArray(), "x.xlsx");
        Assert.Contains("不是有效的 Excel 工作簿", await garbage.Content.ReadAsStringAsync());
        var pdf = await UploadAsync(reporter, "XZCF", "%PDF-1.4"u8.ToArray(), "x.pdf");
        Assert.Contains("只接受 .xlsx 或 .csv 文件", await pdf.Content.ReadAsStringAsync());
        var csv = await UploadAsync(reporter, "XZCF", Encoding.UTF8.GetBytes("甲,乙\n1,2"), "x.csv");
        Assert.Contains("不是行政处罚的字段", await csv.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.WithDbAsync(db => db.ReportBatches.CountAsync()));
    }

    [Fact]
    public async Task The_single_record_form_shows_reasons_beside_fields_and_accepts_the_fixed_record()
    {
        var reporter = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source"));
        var record = TestRecords.Penalty(TestRecords.Next());
        record["CF_XDR_SHXYM"] = "91440300708461136U";
        var fields = record.Select(kv => ($"Values[{kv.Key}]", kv.Value ?? "")).ToArray();
        var refused = await reporter.PostFormAsync("/Reporting/Form?category=XZCF", fields);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("data-field=\"CF_XDR_SHXYM\">统一社会信用代码校验位错误", html);
        Assert.False(await app.WithDbAsync(db => db.AbnormalEntries.AnyAsync(a => a.SourceKey == record["CF_WSH"])));

        record["CF_XDR_SHXYM"] = TestRecords.Company(TestRecords.Next());
        var accepted = await reporter.PostFormAsync("/Reporting/Form?category=XZCF", [.. record.Select(kv => ($"Values[{kv.Key}]", kv.Value ?? ""))]);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var stored = await app.WithDbAsync(db => db.CreditRecords.SingleAsync(r => r.SourceKey == record["CF_WSH"]));
        Assert.Equal("form", stored.Channel);
    }

    [Fact]
    public async Task Center_staff_filter_and_annotate_every_units_abnormal_data_and_the_unit_sees_the_note()
    {
        var reporterAccount = await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source");
        var reporter = await app.SignInAsync(reporterAccount);
        var bad = TestRecords.Penalty(TestRecords.Next());
        bad["CF_JDRQ"] = "2099-01-01";
        await UploadAsync(reporter, "XZCF", Workbooks.ErrorWorkbook(BuiltInCatalog.Penalty, [(bad, [])]), "b.xlsx");

        var reviewer = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        var list = await reviewer.GetStringAsync("/Abnormal?errorCode=field.date_in_future");
        Assert.Contains(bad["CF_WSH"]!, list);
        Assert.DoesNotContain(bad["CF_WSH"]!, await reviewer.GetStringAsync("/Abnormal?errorCode=uscc.check_digit"));
        Assert.Contains("field.date_in_future", list);

        var id = await app.WithDbAsync(db => db.AbnormalEntries.Where(a => a.SourceKey == bad["CF_WSH"]).Select(a => a.Id).SingleAsync());
        var annotate = await reviewer.PostFormAsync("/Abnormal?handler=Annotate", ("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("annotation", "决定日期应为文书落款日期"));
        Assert.Equal(HttpStatusCode.Redirect, annotate.StatusCode);
        Assert.Contains("决定日期应为文书落款日期", await reporter.GetStringAsync("/Reporting/Abnormal"));

        // A security administrator manages permissions and does not read credit data.
        var admin = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync("/Abnormal")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync("/Reporting")).StatusCode);
    }

    [Fact]
    public async Task A_subject_profile_joins_records_from_several_units_and_masks_id_numbers()
    {
        var code = TestRecords.Company(TestRecords.Next());
        var first = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source"));
        await first.PostFormAsync("/Reporting/Form?category=XZCF", [.. TestRecords.Penalty(TestRecords.Next(), code).Select(kv => ($"Values[{kv.Key}]", kv.Value ?? ""))]);
        app.UnitIds["source-b"] = await app.CreateUnitAsync("测试应急管理厅", "11640600", ["source"]);
        var second = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source-b"));
        await second.PostFormAsync("/Reporting/Form?category=XZCF", [.. TestRecords.Penalty(TestRecords.Next(), code).Select(kv => ($"Values[{kv.Key}]", kv.Value ?? ""))]);

        var querier = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Querier));
        var search = await querier.GetStringAsync($"/Subjects?q={code}");
        var id = System.Text.RegularExpressions.Regex.Match(search, "/Subjects/Profile\\?id=(\\d+)").Groups[1].Value;
        var profile = await querier.GetStringAsync($"/Subjects/Profile?id={id}");
        Assert.Contains("测试市场监督管理局", profile);
        Assert.Contains("测试应急管理厅", profile);
        Assert.Contains("行政处罚（2）", profile);

        var person = TestRecords.IdNumber(TestRecords.Next());
        await first.PostFormAsync("/Reporting/Form?category=XZCF", [.. TestRecords.PersonPenalty(TestRecords.Next(), person).Select(kv => ($"Values[{kv.Key}]", kv.Value ?? ""))]);
        Assert.DoesNotContain("Subjects/Profile", await querier.GetStringAsync("/Subjects?q=" + Uri.EscapeDataString("李某")));
        var byId = await querier.GetStringAsync($"/Subjects?q={person}");
        var personId = System.Text.RegularExpressions.Regex.Match(byId, "/Subjects/Profile\\?id=(\\d+)").Groups[1].Value;
        var personProfile = await querier.GetStringAsync($"/Subjects/Profile?id={personId}");
        Assert.Contains(person[..6] + "********" + person[14..], personProfile);
        Assert.DoesNotContain(person, personProfile);
    }
}
