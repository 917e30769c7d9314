using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Public;

public class CreditReportTests(PublicApp app) : IClassFixture<PublicApp>
{
    private HttpClient Anonymous() => app.MachineClient(null);

    private async Task<string> CompanyAsync()
    {
        var record = TestRecords.Penalty(TestRecords.Next(), name: $"报告测试{TestRecords.Next()}商贸有限公司");
        record["CF_GSJZQ"] = "2030-12-31";
        using var client = app.Unit("source");
        var result = (await (await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record })).Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
        Assert.Equal(1, result.Accepted);
        return record["CF_XDR_SHXYM"]!;
    }

    private static ByteArrayContent Pdf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return content;
    }

    [Fact]
    public async Task An_issued_report_verifies_and_an_edited_or_invented_one_does_not()
    {
        var code = await CompanyAsync();
        var issued = await Anonymous().PostAsync($"/api/public/v1/subjects/{code}/reports", null);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal("application/pdf", issued.Content.Headers.ContentType?.MediaType);
        var pdf = await issued.Content.ReadAsByteArrayAsync();
        var number = issued.Headers.GetValues("X-Report-Number").Single();
        var verification = issued.Headers.GetValues("X-Verification-Code").Single();
        var text = Encoding.Latin1.GetString(pdf);
        Assert.StartsWith("%PDF-", text);
        Assert.Contains("/FontFile2", text); // the CJK font travels inside the file
        Assert.Contains("/ToUnicode", text);  // and its text can be copied and searched

        var facts = await (await Anonymous().GetAsync($"/api/public/v1/reports/{number}?code={verification.ToLowerInvariant()}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), facts.GetProperty("sha256").GetString());
        Assert.Equal(code, facts.GetProperty("subjectCode").GetString());

        var same = await (await Anonymous().PostAsync($"/api/public/v1/reports/{number}/verify?code={verification}", Pdf(pdf))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(same.GetProperty("fileMatches").GetBoolean());
        var edited = (byte[])pdf.Clone();
        edited[edited.Length / 2] ^= 0x01;
        var changed = await (await Anonymous().PostAsync($"/api/public/v1/reports/{number}/verify?code={verification}", Pdf(edited))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(changed.GetProperty("fileMatches").GetBoolean());

        var wrongCode = await Anonymous().GetAsync($"/api/public/v1/reports/{number}?code=ABCDEFGH");
        Assert.Equal("report.not_found", (await wrongCode.ProblemAsync(HttpStatusCode.NotFound)).Code);
        var invented = await Anonymous().GetAsync($"/api/public/v1/reports/XYBG20261127{RandomNumberGenerator.GetInt32(1_000_000_000):D10}?code={verification}");
        await invented.ProblemAsync(HttpStatusCode.NotFound);

        var page = await Anonymous().GetStringAsync($"/public/reports/verify?number={number}&code={verification}");
        Assert.Contains("报告真实有效", page);
        Assert.Contains(facts.GetProperty("sha256").GetString()!, page);
    }

    [Fact]
    public async Task Issuing_a_report_is_audited_with_the_address_not_the_person()
    {
        var code = await CompanyAsync();
        var issued = await Anonymous().PostAsync($"/api/public/v1/subjects/{code}/reports", null);
        var number = issued.Headers.GetValues("X-Report-Number").Single();
        var entry = await app.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Target == $"report:{number}"));
        Assert.Equal((int)AuditEvent.Public_ReportIssued, entry.EventCode);
        Assert.Equal("127.0.0.1", entry.ClientIp);
        Assert.Null(entry.Account);

        var unknown = await Anonymous().PostAsync($"/api/public/v1/subjects/{TestRecords.Company(TestRecords.Next())}/reports", null);
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
    }
}
