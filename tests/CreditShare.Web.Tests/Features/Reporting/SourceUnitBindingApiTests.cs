using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Core.Reporting;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>
/// A court's certificate publishing a 吊销许可证件 penalty in the market regulation bureau's name, over real mutual TLS:
/// the category must be assigned to the court, and the records must name the court (or a unit it reports for).
/// </summary>
public class SourceUnitBindingApiTests(ReportingApp app) : IClassFixture<ReportingApp>
{
    private async Task<(HttpClient Client, int UnitId, string Uscc)> CourtAsync(params string[] categories)
    {
        var key = "court" + TestRecords.Next();
        app.UnitIds[key] = await app.CreateUnitAsync("测试中级人民法院", "11640100", ["source"], assignAll: false);
        await using var scope = app.Services.CreateAsyncScope();
        foreach (var category in categories)
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<ReportingAssignments>().AssignAsync(CreditShareApp.SetupReviewer, app.UnitIds[key], category)).IsOk);
        }

        var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>().IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds[key], 24));
        app.Certificates[key] = X509CertificateLoader.LoadPkcs12(issued.Value!.Pkcs12, issued.Value.Pkcs12Password);
        return (app.Unit(key), app.UnitIds[key], await UsccAsync(key));
    }

    private Task<string> UsccAsync(string unit) => app.WithDbAsync(db => db.Units.Where(u => u.Id == app.UnitIds[unit]).Select(u => u.Uscc).SingleAsync());

    /// <summary>A 吊销许可证件 penalty on a real company, in the name of the unit <paramref name="uscc"/>.</summary>
    public static Dictionary<string, string?> Revocation(string uscc, string name)
    {
        var record = TestRecords.Penalty(TestRecords.Next());
        record["CF_CFLB"] = "吊销许可证件";
        record["CF_NR"] = "吊销食品经营许可证";
        record.Remove("CF_NR_FK");
        record["CF_CFJG"] = record["CF_SJLY"] = name;
        record["CF_CFJGDM"] = record["CF_SJLYDM"] = uscc;
        return record;
    }

    private static async Task<T> OkAsync<T>(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonSerializer.Deserialize<T>(text, WireJson.Options)!;
    }

    [Fact]
    public async Task A_category_the_center_did_not_assign_is_refused_whole_with_a_reason_and_an_audit_entry()
    {
        var (court, _, uscc) = await CourtAsync("YZSX");
        var record = Revocation(uscc, "测试中级人民法院");
        var problem = await (await court.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(ReportingAuthority.NotAssignedCode, problem.Code);
        Assert.Contains("未分配本单位报送“行政处罚”", problem.Detail);

        // Whatever the format.
        var csv = string.Join(',', record.Keys) + "\n" + string.Join(',', record.Values) + "\n";
        var refusedCsv = await court.PostAsync("/api/v1/reports/XZCF", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(ReportingAuthority.NotAssignedCode, (await refusedCsv.ProblemAsync(HttpStatusCode.Forbidden)).Code);

        Assert.False(await app.WithDbAsync(db => db.CreditRecords.AnyAsync(r => r.SourceKey == record["CF_WSH"])));
        Assert.False(await app.WithDbAsync(db => db.AbnormalEntries.AnyAsync(a => a.SourceKey == record["CF_WSH"])));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.Report_BatchRefused && a.UnitCode == uscc && a.Target == "category:XZCF")));

        // The unit's system can ask what it may report.
        var assignments = await OkAsync<JsonElement>(await court.GetAsync("/api/v1/reports/assignments"));
        Assert.Equal(["YZSX"], assignments.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("categoryCode").GetString()!).ToArray());
    }

    [Fact]
    public async Task The_courts_penalty_in_the_market_bureaus_name_is_rejected_on_both_fields_and_lands_in_its_abnormal_queue()
    {
        var (court, courtId, _) = await CourtAsync("XZCF");
        var bureau = await UsccAsync("source");
        var spoofed = Revocation(bureau, "测试市场监督管理局");
        var result = await OkAsync<BatchResult>(await court.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { spoofed }));

        Assert.Equal((0, 1), (result.Accepted, result.Rejected));
        var errors = result.Records[0].Errors;
        Assert.Equal(["CF_CFJGDM", "CF_SJLYDM"], errors.Select(e => e.Field).Order());
        Assert.All(errors, e => Assert.Equal(ReportingAuthority.NotOwnCode, e.Code));
        Assert.StartsWith($"处罚机关统一社会信用代码“{bureau}”不是本单位", errors.Single(e => e.Field == "CF_CFJGDM").Message);

        Assert.False(await app.WithDbAsync(db => db.CreditRecords.AnyAsync(r => r.SourceKey == spoofed["CF_WSH"])));
        var entry = await app.WithDbAsync(db => db.AbnormalEntries.SingleAsync(a => a.SourceKey == spoofed["CF_WSH"]));
        Assert.Equal(courtId, entry.UnitId);
        Assert.Contains($" {ReportingAuthority.NotOwnCode} ", entry.ErrorCodes);
        var queue = await OkAsync<List<AbnormalView>>(await court.GetAsync("/api/v1/abnormal"));
        Assert.Contains(queue, a => a.SourceKey == spoofed["CF_WSH"]);
    }

    [Fact]
    public async Task Records_without_a_source_unit_or_authority_are_filled_from_the_certificates_unit()
    {
        var (court, _, uscc) = await CourtAsync("XZCF");
        var record = Revocation(uscc, "");
        foreach (var field in new[] { "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM" })
        {
            record.Remove(field);
        }

        var result = await OkAsync<BatchResult>(await court.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));
        var row = result.Records[0];
        Assert.Equal("accepted", row.Status);
        Assert.Equal(["CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"],
            row.Warnings.Where(w => w.Code == ReportingAuthority.FilledCode).Select(w => w.Field).Order());
        var stored = await app.WithDbAsync(db => db.CreditRecords.SingleAsync(r => r.SourceKey == record["CF_WSH"]));
        var data = JsonDocument.Parse(stored.DataJson).RootElement;
        Assert.Equal((uscc, uscc, "测试中级人民法院"), (data.GetProperty("CF_CFJGDM").GetString(), data.GetProperty("CF_SJLYDM").GetString(), data.GetProperty("CF_CFJG").GetString()));
    }

    [Fact]
    public async Task A_unit_reports_for_others_only_while_the_center_has_them_registered()
    {
        var (court, courtId, _) = await CourtAsync("XZCF");
        var district = Core.Codes.UnifiedSocialCreditCode.Compose("11640104", $"{TestRecords.Next() % 100_000_000:D8}");
        var record = Revocation(district, "兴庆区人民法院");
        var before = await OkAsync<BatchResult>(await court.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));
        Assert.Equal("rejected", before.Records[0].Status);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<ReportingAssignments>().AddOnBehalfAsync(CreditShareApp.SetupReviewer, courtId, district, "兴庆区人民法院")).IsOk);
        }

        var after = await OkAsync<BatchResult>(await court.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));
        Assert.Equal("accepted", after.Records[0].Status);
        Assert.NotNull(await app.WithDbAsync(db => db.AbnormalEntries.Where(a => a.SourceKey == record["CF_WSH"]).Select(a => a.ClosedAt).SingleAsync()));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<ReportingAssignments>().RemoveOnBehalfAsync(CreditShareApp.SetupReviewer, courtId, district)).IsOk);
        }

        var another = Revocation(district, "兴庆区人民法院");
        var removed = await OkAsync<BatchResult>(await court.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { another }));
        Assert.Equal("rejected", removed.Records[0].Status);
    }
}
