using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Catalog;
using CreditShare.Web.Documents;
using CreditShare.Web.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>The same court, through the portal: the upload and the single-record form give the API's reasons.</summary>
public class SourceUnitBindingPortalTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private async Task<(HttpClient Reporter, string Uscc)> CourtReporterAsync(params string[] categories)
    {
        var key = "court" + TestRecords.Next();
        app.UnitIds[key] = await app.CreateUnitAsync("测试中级人民法院", "11640100", ["source"], assignAll: false);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            foreach (var category in categories)
            {
                Assert.True((await scope.ServiceProvider.GetRequiredService<ReportingAssignments>().AssignAsync(CreditShareApp.SetupReviewer, app.UnitIds[key], category)).IsOk);
            }
        }

        var reporter = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: key));
        return (reporter, await app.WithDbAsync(db => db.Units.Where(u => u.Id == app.UnitIds[key]).Select(u => u.Uscc).SingleAsync()));
    }

    private Task<string> BureauAsync() => app.WithDbAsync(db => db.Units.Where(u => u.Id == app.UnitIds["source"]).Select(u => u.Uscc).SingleAsync());

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string category, byte[] bytes, string name)
    {
        var html = await client.GetStringAsync($"/Reporting/Upload?category={category}");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "Upload", name },
            { new StringContent(token), "__RequestVerificationToken" },
        };
        return await client.PostAsync($"/Reporting/Upload?category={category}", content);
    }

    private static (string, string)[] Form(Dictionary<string, string?> record) => [.. record.Select(kv => ($"Values[{kv.Key}]", kv.Value ?? ""))];

    [Fact]
    public async Task An_uploaded_workbook_with_the_market_bureaus_name_comes_back_with_the_reasons_per_field()
    {
        var (reporter, _) = await CourtReporterAsync("XZCF");
        var spoofed = SourceUnitBindingApiTests.Revocation(await BureauAsync(), "测试市场监督管理局");
        var uploaded = await UploadAsync(reporter, "XZCF", Workbooks.ErrorWorkbook(BuiltInCatalog.Penalty, [(spoofed, [])]), "处罚.xlsx");
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var page = await reporter.GetStringAsync(uploaded.Headers.Location!.OriginalString);
        Assert.Contains("<span class=\"mono\">CF_CFJGDM</span> 处罚机关统一社会信用代码", page);
        Assert.Contains("<span class=\"mono\">CF_SJLYDM</span> 数据来源单位统一社会信用代码", page);
        Assert.Contains("不是本单位（测试中级人民法院", page);
        Assert.False(await app.WithDbAsync(db => db.CreditRecords.AnyAsync(r => r.SourceKey == spoofed["CF_WSH"])));
        Assert.True(await app.WithDbAsync(db => db.AbnormalEntries.AnyAsync(a => a.SourceKey == spoofed["CF_WSH"] && a.ClosedAt == null)));
    }

    [Fact]
    public async Task The_form_puts_the_reason_beside_the_authority_field_and_fills_empty_ones_from_the_unit()
    {
        var (reporter, uscc) = await CourtReporterAsync("XZCF");
        var spoofed = SourceUnitBindingApiTests.Revocation(await BureauAsync(), "测试市场监督管理局");
        var refused = await (await reporter.PostFormAsync("/Reporting/Form?category=XZCF", Form(spoofed))).Content.ReadAsStringAsync();
        Assert.Contains("data-field=\"CF_CFJGDM\">处罚机关统一社会信用代码", refused);
        Assert.Contains("data-field=\"CF_SJLYDM\">数据来源单位统一社会信用代码", refused);
        Assert.False(await app.WithDbAsync(db => db.CreditRecords.AnyAsync(r => r.SourceKey == spoofed["CF_WSH"])));

        foreach (var field in new[] { "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM" })
        {
            spoofed[field] = "";
        }

        var accepted = await reporter.PostFormAsync("/Reporting/Form?category=XZCF", Form(spoofed));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var stored = await app.WithDbAsync(db => db.CreditRecords.SingleAsync(r => r.SourceKey == spoofed["CF_WSH"]));
        var data = JsonDocument.Parse(stored.DataJson).RootElement;
        Assert.Equal((uscc, "测试中级人民法院"), (data.GetProperty("CF_CFJGDM").GetString(), data.GetProperty("CF_CFJG").GetString()));
    }

    [Fact]
    public async Task The_portal_offers_only_assigned_categories_and_refuses_the_others_with_the_reason()
    {
        var (reporter, _) = await CourtReporterAsync("XZCF");
        var start = await reporter.GetStringAsync("/Reporting");
        Assert.Contains("/Reporting/Form?category=XZCF", start);
        Assert.DoesNotContain("/Reporting/Form?category=XZXK", start);

        const string Reason = "信用中心未分配本单位报送“行政许可”（XZXK）";
        Assert.Contains(Reason, await reporter.GetStringAsync("/Reporting/Form?category=XZXK"));
        Assert.DoesNotContain("id=\"record-form\"", await reporter.GetStringAsync("/Reporting/Form?category=XZXK"));
        Assert.Contains(Reason, await reporter.GetStringAsync("/Reporting/Upload?category=XZXK"));

        var licence = TestRecords.Licence(TestRecords.Next(), TestRecords.Company(TestRecords.Next()));
        var posted = await (await reporter.PostFormAsync("/Reporting/Form?category=XZXK", Form(licence))).Content.ReadAsStringAsync();
        Assert.Contains(Reason, posted);
        var uploaded = await (await UploadAsync(reporter, "XZXK", Workbooks.ErrorWorkbook(BuiltInCatalog.Licence, [(licence, [])]), "许可.xlsx")).Content.ReadAsStringAsync();
        Assert.Matches($"id=\"upload-error\"[^>]*>{System.Text.RegularExpressions.Regex.Escape(Reason)}", uploaded);
        Assert.False(await app.WithDbAsync(db => db.CreditRecords.AnyAsync(r => r.SourceKey == licence["XK_WSH"])));
        Assert.False(await app.WithDbAsync(db => db.AbnormalEntries.AnyAsync(a => a.SourceKey == licence["XK_WSH"])));
    }
}
