using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;
using CreditShare.Core.Contract;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Public;

/// <summary>
/// The security review's item 2: an ID or mobile number in the free text of a public record, in any of twelve
/// spellings, is masked when it comes in (and the reporter told), and on every public surface — page, kiosk, JSON
/// API, credit report — even when it was stored before masking on the way in existed.
/// </summary>
public class PersonalNumbersInFreeTextTests(PublicApp app) : IClassFixture<PublicApp>
{
    /// <summary>Spelling, the masked form every surface must show, and the number's digits that must appear nowhere.</summary>
    private static readonly (string Spelling, string Masked, string Digits)[] Spellings =
    [
        ("640104198503122066", "640104********2066", "640104198503122066"),
        ("13912345678", "139****5678", "13912345678"),
        ("640104198503122066A", "640104********2066A", "640104198503122066"),
        ("640104 19850312 2066", "640104********2066", "640104198503122066"),
        ("640104-19850312-2066", "640104********2066", "640104198503122066"),
        ("６４０１０４１９８５０３１２２０６６", "640104********2066", "640104198503122066"),
        ("640104850312206", "640104******206", "640104850312206"),
        ("+8613912345678", "+86139****5678", "13912345678"),
        ("139-1234-5678", "139****5678", "13912345678"),
        ("139 1234 5678", "139****5678", "13912345678"),
        ("１３９１２３４５６７８", "139****5678", "13912345678"),
        ("11010519491231002Ｘ", "110105********002X", "11010519491231002"),
    ];

    /// <summary>The free-text fields of 行政处罚 the numbers are put into, in turn.</summary>
    private static readonly string[] FreeTextFields = ["CF_SY", "CF_NR", "BZ"];

    private HttpClient Anonymous() => app.MachineClient(null);

    private static string Sentence(int i) => $"当事人王某（证件{Spellings[i].Spelling}）第{i}项";

    private static string MaskedSentence(int i) => $"当事人王某（证件{Spellings[i].Masked}）第{i}项";

    /// <summary>One company with one record per spelling, the spelling in a free-text field.</summary>
    private static List<Dictionary<string, string?>> Records(string company, Func<int, string> text)
    {
        var records = new List<Dictionary<string, string?>>();
        for (var i = 0; i < Spellings.Length; i++)
        {
            var record = TestRecords.Penalty(TestRecords.Next(), company, name: $"遮蔽测试{company[^6..]}商贸有限公司");
            record["CF_GSJZQ"] = "2030-12-31";
            record[FreeTextFields[i % FreeTextFields.Length]] = text(i);
            records.Add(record);
        }

        return records;
    }

    /// <summary>Digits (full-width ones too) in the order they appear: a number survives here whatever separates its digits.</summary>
    private static string DigitsOf(string text) => new([.. CodeText.Normalize(text).Where(c => char.IsAsciiDigit(c) || c == 'X')]);

    private static void AssertMasked(string surface, string text)
    {
        for (var i = 0; i < Spellings.Length; i++)
        {
            Assert.True(text.Contains(MaskedSentence(i), StringComparison.Ordinal), $"{surface}: “{MaskedSentence(i)}” is missing");
        }

        var digits = DigitsOf(text);
        foreach (var (spelling, _, number) in Spellings)
        {
            Assert.True(!digits.Contains(number, StringComparison.Ordinal), $"{surface}: {spelling} is shown in clear");
        }
    }

    /// <summary>Every string in a JSON answer, joined: what the app built on the API shows.</summary>
    private static string Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()! + "\n",
        JsonValueKind.Object => string.Concat(element.EnumerateObject().Select(p => Strings(p.Value))),
        JsonValueKind.Array => string.Concat(element.EnumerateArray().Select(Strings)),
        _ => "",
    };

    /// <summary>Every public surface's view of the company, as text a person would read.</summary>
    private async Task<Dictionary<string, string>> SurfacesAsync(string company)
    {
        var browser = Anonymous();
        var surfaces = new Dictionary<string, string>
        {
            ["public page"] = WebUtility.HtmlDecode(await browser.GetStringAsync($"/public/subjects/{company}")),
            ["kiosk"] = WebUtility.HtmlDecode(await browser.GetStringAsync($"/kiosk/subjects/{company}")),
            ["public API"] = Strings(await browser.GetFromJsonAsync<JsonElement>($"/api/public/v1/subjects/{company}")),
        };
        var report = await browser.PostAsync($"/api/public/v1/subjects/{company}/reports", null);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        surfaces["credit report PDF"] = PdfText.Extract(await report.Content.ReadAsByteArrayAsync());
        return surfaces;
    }

    [Fact]
    public async Task Numbers_in_free_text_are_masked_on_the_way_in_the_reporter_is_warned_and_nothing_is_stored_in_clear()
    {
        var company = TestRecords.Company(TestRecords.Next());
        var records = Records(company, Sentence);
        // A row rejected for another reason keeps its masked text in the abnormal queue, not the number.
        var rejected = TestRecords.Penalty(TestRecords.Next(), company);
        rejected["CF_JDRQ"] = "不是日期";
        rejected["CF_SY"] = Sentence(3);

        using var unit = app.Unit("source");
        var response = await unit.PostAsJsonAsync("/api/v1/reports/XZCF", records.Append(rejected).ToArray());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
        Assert.Equal((Spellings.Length, 1), (result.Accepted, result.Rejected));
        var answers = result.Records;
        for (var i = 0; i <= Spellings.Length; i++)
        {
            var field = i < Spellings.Length ? FreeTextFields[i % FreeTextFields.Length] : "CF_SY";
            var warning = Assert.Single(answers[i].Warnings, w => w.Code == FreeText.PersonalNumberCode);
            Assert.Equal(field, warning.Field);
            Assert.Contains(BuiltInCatalog.Penalty.Field(field)!.Label, warning.Message);
        }

        var keys = records.Select(r => r["CF_WSH"]).ToList();
        var stored = await app.WithDbAsync(db => db.CreditRecords.AsNoTracking().Where(r => keys.Contains(r.SourceKey)).OrderBy(r => r.Id).Select(r => r.DataJson).ToListAsync());
        Assert.Equal(Spellings.Length, stored.Count);
        var abnormal = await app.WithDbAsync(db => db.AbnormalEntries.AsNoTracking().SingleAsync(a => a.SourceKey == rejected["CF_WSH"]));
        foreach (var json in stored.Append(abnormal.RawJson))
        {
            var values = string.Concat(JsonSerializer.Deserialize<Dictionary<string, string?>>(json)!.Values);
            Assert.All(Spellings, s => Assert.DoesNotContain(s.Digits, DigitsOf(values), StringComparison.Ordinal));
        }

        Assert.Contains(MaskedSentence(3), abnormal.RawJson, StringComparison.Ordinal);

        // The portal's batch page tells the reporter, per row.
        var reporter = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source"));
        var page = WebUtility.HtmlDecode(await reporter.GetStringAsync($"/Reporting/Batch?id={result.BatchId}"));
        Assert.Contains("第 1 行：“违法事实”中含有身份证号码或手机号码，已遮蔽后保存", page);
        Assert.Contains("第 3 行：“备注”中含有身份证号码或手机号码，已遮蔽后保存", page);

        foreach (var (surface, text) in await SurfacesAsync(company))
        {
            AssertMasked(surface, text);
        }
    }

    [Fact]
    public async Task Numbers_stored_in_clear_before_masking_on_the_way_in_are_masked_on_every_public_surface_and_in_the_report()
    {
        var company = TestRecords.Company(TestRecords.Next());
        var records = Records(company, i => $"占位{i}号");
        using var unit = app.Unit("source");
        var result = (await (await unit.PostAsJsonAsync("/api/v1/reports/XZCF", records)).Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
        Assert.Equal(Spellings.Length, result.Accepted);

        // As a row stored before this change would be: the number in clear in the stored text.
        await app.WithDbAsync(async db =>
        {
            var keys = records.Select(r => r["CF_WSH"]).ToList();
            foreach (var record in await db.CreditRecords.Where(r => keys.Contains(r.SourceKey)).ToListAsync())
            {
                var i = keys.IndexOf(record.SourceKey);
                var values = JsonSerializer.Deserialize<Dictionary<string, string?>>(record.DataJson)!;
                values[FreeTextFields[i % FreeTextFields.Length]] = Sentence(i);
                record.DataJson = JsonSerializer.Serialize(values);
            }

            return await db.SaveChangesAsync();
        });

        foreach (var (surface, text) in await SurfacesAsync(company))
        {
            AssertMasked(surface, text);
        }
    }

    [Fact]
    public async Task A_number_typed_into_the_public_search_is_not_echoed_in_clear()
    {
        var browser = Anonymous();
        foreach (var (spelling, masked, number) in Spellings)
        {
            var query = Uri.EscapeDataString($"王某{spelling}");
            var api = await browser.GetFromJsonAsync<JsonElement>($"/api/public/v1/subjects?q={query}");
            Assert.Equal($"王某{masked}", api.GetProperty("query").GetString());
            foreach (var path in new[] { $"/public?q={query}", $"/kiosk?q={query}" })
            {
                var page = WebUtility.HtmlDecode(await browser.GetStringAsync(path));
                Assert.DoesNotContain(number, DigitsOf(page), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_subjects_own_registration_number_and_company_codes_in_the_text_are_shown_as_they_are()
    {
        var company = TestRecords.Company(TestRecords.Next());
        var record = TestRecords.Penalty(TestRecords.Next(), company, name: $"注册号测试{company[^6..]}有限公司");
        record["CF_GSJZQ"] = "2030-12-31";
        record["CF_XDR_GSZC"] = "640104850312206";
        var authority = record["CF_CFJGDM"]!;
        record["CF_SY"] = $"该公司（{company}）与{authority}于20260301查明，宁市监罚〔2026〕123号，罚款12345.67元";
        using var unit = app.Unit("source");
        var result = (await (await unit.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record })).Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
        var answer = Assert.Single(result.Records);
        Assert.DoesNotContain(answer.Warnings, w => w.Code == FreeText.PersonalNumberCode);

        var page = WebUtility.HtmlDecode(await Anonymous().GetStringAsync($"/public/subjects/{company}"));
        Assert.Contains(record["CF_SY"]!, page);
        Assert.Contains("640104850312206", page);
    }
}
