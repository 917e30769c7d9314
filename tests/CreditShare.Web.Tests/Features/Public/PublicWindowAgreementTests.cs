using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Contract;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Public;

/// <summary>
/// The public register decides what is disclosed in three places: the name search (one SQL statement per provider),
/// the search by code and the subject page (LINQ). All three take the window's dates from Core; on the days around a
/// record's first and last public day they must show the same records. Its own fixture: the clock moves forward here.
/// </summary>
public sealed class PublicWindowAgreementTests(PublicApp app) : IClassFixture<PublicApp>
{
    [Fact]
    public async Task The_name_search_the_code_search_and_the_subject_page_agree_on_the_days_around_the_window()
    {
        var today = ProvincialTime.Today(app.Clock);
        var end = today.AddDays(10);
        var start = today.AddDays(20);
        var word = $"窗{TestRecords.Next() % 1000:D3}";
        // Name, decision date, disclosure end: each subject holds one record.
        (string Name, DateOnly? Decided, DateOnly? Ends)[] subjects =
        [
            ($"{word}甲截止有限公司", today.AddDays(-30), end),
            ($"{word}乙起始有限公司", start, start.AddYears(1)),
            ($"{word}丙当日有限公司", end, end),
            ($"{word}丁无期有限公司", null, null),
            ($"{word}戊后止有限公司", today.AddDays(-30), start),
        ];
        var records = subjects.Select(s => TestRecords.Penalty(TestRecords.Next(), name: s.Name)).ToList();
        using (var client = app.Unit("source"))
        {
            var response = await client.PostAsJsonAsync("/api/v1/reports/XZCF", records);
            Assert.Equal(records.Count, (await response.Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!.Accepted);
        }

        // Dates the reporting API would refuse today (a decision in the future) are set in the database.
        foreach (var ((_, decided, ends), record) in subjects.Zip(records))
        {
            var uscc = record["CF_XDR_SHXYM"];
            await app.WithDbAsync(db => db.CreditRecords.Where(r => db.Subjects.Any(s => s.Id == r.SubjectId && s.Key == uscc))
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.DecisionDate, decided).SetProperty(r => r.DisclosureEnd, ends)));
        }

        // Which of the five are public on each day, in the order above.
        (DateOnly Day, bool[] Shown)[] days =
        [
            (end.AddDays(-1), [true, false, false, true, true]),
            (end, [true, false, true, true, true]),
            (end.AddDays(1), [false, false, false, true, true]),
            (start.AddDays(-1), [false, false, false, true, true]),
            (start, [false, true, false, true, true]),
            (start.AddDays(1), [false, true, false, true, false]),
        ];
        foreach (var (day, shown) in days)
        {
            // The first instant of the day in Beijing: the boundary is the provincial midnight, not UTC's.
            app.Clock.SetUtcNow(ProvincialTime.StartOfDayUtc(day));
            var byName = (await GetJsonAsync($"/api/public/v1/subjects?q={Uri.EscapeDataString(word)}")).GetProperty("subjects").EnumerateArray()
                .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("publicRecords").GetInt32());
            Assert.Equal(subjects.Length, byName.Count);
            for (var i = 0; i < subjects.Length; i++)
            {
                var code = records[i]["CF_XDR_SHXYM"]!;
                var byCode = Assert.Single((await GetJsonAsync($"/api/public/v1/subjects?q={code}")).GetProperty("subjects").EnumerateArray()).GetProperty("publicRecords").GetInt32();
                var page = (await GetJsonAsync($"/api/public/v1/subjects/{code}")).GetProperty("sections").EnumerateArray()
                    .Single(s => s.GetProperty("category").GetString() == "XZCF").GetProperty("records").EnumerateArray()
                    .Select(r => r.GetProperty("id").GetInt64()).ToList();
                var expected = shown[i] ? 1 : 0;
                var seen = (Day: day, Subject: subjects[i].Name, Sql: byName[subjects[i].Name], Code: byCode, Page: page.Count);
                Assert.Equal((day, subjects[i].Name, expected, expected, expected), seen);
            }
        }
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await app.MachineClient(null).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
