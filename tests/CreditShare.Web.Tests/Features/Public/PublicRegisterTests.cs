using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CreditShare.Core.Codes;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Public;
using CreditShare.Web.Tests.Features.Reporting;

namespace CreditShare.Web.Tests.Features.Public;

public partial class PublicRegisterTests(PublicApp app) : IClassFixture<PublicApp>
{
    [GeneratedRegex(@"(?<![0-9])[0-9]{17}[0-9X](?![0-9A-Z])")]
    private static partial Regex FullIdNumber();

    [GeneratedRegex(@"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")]
    private static partial Regex FullPhoneNumber();

    /// <summary>Anyone on the internet: no certificate, no account.</summary>
    private HttpClient Anonymous() => app.MachineClient(null);

    /// <summary>Reports through the API; records stay public until 2030 unless a test sets their disclosure end.</summary>
    private async Task ReportAsync(params Dictionary<string, string?>[] records)
    {
        foreach (var record in records)
        {
            record.TryAdd("CF_GSJZQ", "2030-12-31");
        }

        using var client = app.Unit("source");
        var response = await client.PostAsJsonAsync("/api/v1/reports/XZCF", records);
        var result = (await response.Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
        Assert.Equal(records.Length, result.Accepted);
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Anonymous().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Two_characters_of_a_name_find_organisations_prefix_first_and_never_natural_persons()
    {
        var n = TestRecords.Next();
        var word = $"星{n % 1000:D3}";
        var prefixed = TestRecords.Penalty(TestRecords.Next(), name: $"{word}商贸有限公司");
        var inside = TestRecords.Penalty(TestRecords.Next(), name: $"宁夏{word}物流有限公司");
        var person = TestRecords.PersonPenalty(TestRecords.Next(), TestRecords.IdNumber(TestRecords.Next()));
        person["CF_XDR_MC"] = $"{word}某";
        await ReportAsync(inside, prefixed, person);

        var found = await GetJsonAsync($"/api/public/v1/subjects?q={Uri.EscapeDataString(word)}");
        var names = found.GetProperty("subjects").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal([prefixed["CF_XDR_MC"], inside["CF_XDR_MC"]], names);
        Assert.All(found.GetProperty("subjects").EnumerateArray(), s => Assert.Equal(1, s.GetProperty("publicRecords").GetInt32()));

        var byCode = await GetJsonAsync($"/api/public/v1/subjects?q={inside["CF_XDR_SHXYM"]!.ToLowerInvariant()}");
        Assert.Equal(inside["CF_XDR_MC"], Assert.Single(byCode.GetProperty("subjects").EnumerateArray()).GetProperty("name").GetString());
        var byId = await GetJsonAsync($"/api/public/v1/subjects?q={person["CF_XDR_ZJHM"]}");
        Assert.Empty(byId.GetProperty("subjects").EnumerateArray());

        var tooShort = await GetJsonAsync("/api/public/v1/subjects?q=星");
        Assert.Contains("两个字", tooShort.GetProperty("hint").GetString());
        var page = await Anonymous().GetStringAsync("/public?q=" + Uri.EscapeDataString("星"));
        Assert.Contains("请至少输入两个字", page);
    }

    [Fact]
    public async Task Paging_stops_at_the_last_allowed_page_with_a_hint_to_narrow_the_query()
    {
        var word = $"页{TestRecords.Next() % 1000:D3}";
        for (var batch = 0; batch < 3; batch++)
        {
            await ReportAsync([.. Enumerable.Range(0, ReportingApp.MaxBatch).Select(i => TestRecords.Penalty(TestRecords.Next(), name: $"{word}第{batch}{i:D2}商行"))]);
        }

        var first = await GetJsonAsync($"/api/public/v1/subjects?q={Uri.EscapeDataString(word)}&page=1");
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        var beyond = await GetJsonAsync($"/api/public/v1/subjects?q={Uri.EscapeDataString(word)}&page=50");
        Assert.Equal(PublicRegister.MaxPage, beyond.GetProperty("page").GetInt32());
        Assert.False(beyond.GetProperty("hasMore").GetBoolean());
        Assert.Contains("请输入更完整的名称", beyond.GetProperty("hint").GetString());
        Assert.Equal(PublicRegister.PageSize, beyond.GetProperty("subjects").GetArrayLength());
    }

    [Fact]
    public async Task Prefix_matches_in_name_order_fill_the_pages_before_other_matches_in_reporting_order_and_wildcards_are_literal()
    {
        var word = $"序{TestRecords.Next() % 1000:D3}";
        var prefixed = Enumerable.Range(0, 12).Select(i => $"{word}{(char)('甲' + i)}商贸有限公司").ToList();
        var inside = Enumerable.Range(0, 5).Select(i => $"宁夏{(char)('乙' + i)}{word}物流有限公司").ToList();
        var wildcard = $"宁夏{word}%_百分号有限公司";
        await ReportAsync([.. prefixed.Concat(inside).Append(wildcard).Select(name => TestRecords.Penalty(TestRecords.Next(), name: name))]);

        var first = await GetJsonAsync($"/api/public/v1/subjects?q={Uri.EscapeDataString(word)}&page=1");
        var second = await GetJsonAsync($"/api/public/v1/subjects?q={Uri.EscapeDataString(word)}&page=2");
        static List<string?> Names(JsonElement page) => [.. page.GetProperty("subjects").EnumerateArray().Select(s => s.GetProperty("name").GetString())];
        var ordinal = StringComparer.Ordinal;
        Assert.Equal(prefixed.Order(ordinal).Take(10), Names(first));
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        Assert.Equal(prefixed.Order(ordinal).Skip(10).Concat(inside).Append(wildcard), Names(second));
        Assert.False(second.GetProperty("hasMore").GetBoolean());

        var literal = await GetJsonAsync($"/api/public/v1/subjects?q={Uri.EscapeDataString(word + "%_")}");
        Assert.Equal([wildcard], Names(literal));
        var noWildcard = await GetJsonAsync($"/api/public/v1/subjects?q={Uri.EscapeDataString("序%物流")}");
        Assert.Empty(Names(noWildcard));
    }

    [Fact]
    public async Task An_old_registration_number_finds_its_subject_also_when_a_later_record_brings_it()
    {
        var number = $"640100{TestRecords.Next() % 1_000_000_000:D9}";
        var withNumber = TestRecords.Penalty(TestRecords.Next());
        withNumber["CF_XDR_GSZC"] = number;
        var first = TestRecords.Penalty(TestRecords.Next());
        var later = TestRecords.Penalty(TestRecords.Next(), uscc: first["CF_XDR_SHXYM"], name: first["CF_XDR_MC"]);
        var laterNumber = $"640200{TestRecords.Next() % 1_000_000_000:D9}";
        later["CF_XDR_GSZC"] = laterNumber;
        await ReportAsync(withNumber, first);
        await ReportAsync(later);

        static string? OnlyName(JsonElement found) => Assert.Single(found.GetProperty("subjects").EnumerateArray()).GetProperty("name").GetString();
        Assert.Equal(withNumber["CF_XDR_MC"], OnlyName(await GetJsonAsync($"/api/public/v1/subjects?q={number}")));
        Assert.Equal(first["CF_XDR_MC"], OnlyName(await GetJsonAsync($"/api/public/v1/subjects?q={laterNumber}")));
        var unknown = await GetJsonAsync("/api/public/v1/subjects?q=640300999999999");
        Assert.Empty(unknown.GetProperty("subjects").EnumerateArray());
        Assert.Contains("注册号", unknown.GetProperty("hint").GetString());
    }

    [Fact]
    public async Task A_record_is_public_until_its_disclosure_end_and_gone_the_day_after_or_when_withdrawn()
    {
        var record = TestRecords.Penalty(TestRecords.Next());
        record["CF_GSJZQ"] = "2027-01-15";
        var withdrawn = TestRecords.Penalty(TestRecords.Next(), record["CF_XDR_SHXYM"], record["CF_XDR_MC"]);
        await ReportAsync(record, withdrawn);
        using (var client = app.Unit("source"))
        {
            var response = await client.PostAsJsonAsync("/api/v1/reports/XZCF/withdrawals", new { sourceKey = withdrawn["CF_WSH"], reason = "决定已撤销" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The fixture's clock only moves forward: this test leaves it in 2027, which the others' records outlive.
        var code = record["CF_XDR_SHXYM"];
        async Task<int> PenaltiesOn(string chinaTime)
        {
            var at = DateTimeOffset.Parse(chinaTime + "+08:00", System.Globalization.CultureInfo.InvariantCulture);
            if (at > app.Clock.GetUtcNow())
            {
                app.Clock.SetUtcNow(at.ToUniversalTime());
            }

            var subject = await GetJsonAsync($"/api/public/v1/subjects/{code}");
            return subject.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("category").GetString() == "XZCF").GetProperty("records").GetArrayLength();
        }

        Assert.Equal(1, await PenaltiesOn("2027-01-14T09:00:00"));
        Assert.Equal(1, await PenaltiesOn("2027-01-15T23:59:00"));
        Assert.Equal(0, await PenaltiesOn("2027-01-16T00:01:00"));
        var page = await Anonymous().GetStringAsync($"/public/subjects/{code}");
        Assert.Contains("查询期内无相关信息", page);
        Assert.DoesNotContain(record["CF_WSH"]!, page);
    }

    [Fact]
    public async Task No_public_page_or_response_shows_a_full_id_or_phone_number()
    {
        var people = Enumerable.Range(0, 5).Select(_ => TestRecords.PersonPenalty(TestRecords.Next(), TestRecords.IdNumber(TestRecords.Next()))).ToList();
        var companies = Enumerable.Range(0, 5).Select(_ =>
        {
            var r = TestRecords.Penalty(TestRecords.Next(), name: $"掩码测试{TestRecords.Next()}有限公司");
            r["CF_FR_ZJLX"] = "身份证";
            r["CF_FR_ZJHM"] = TestRecords.IdNumber(TestRecords.Next());
            r["CF_SY"] = "当事人联系电话13912345678，经抽检不合格";
            return r;
        }).ToList();
        await ReportAsync([.. people, .. companies]);

        var browser = Anonymous();
        var bodies = new List<string>();
        foreach (var q in new[] { "掩码测试", "李某", "商贸", "有限公司" })
        {
            bodies.Add(await browser.GetStringAsync("/public?q=" + Uri.EscapeDataString(q)));
            bodies.Add(await browser.GetStringAsync("/api/public/v1/subjects?q=" + Uri.EscapeDataString(q)));
        }

        foreach (var person in people)
        {
            bodies.Add(await browser.GetStringAsync("/api/public/v1/subjects?q=" + person["CF_XDR_ZJHM"]));
        }

        foreach (var company in companies)
        {
            bodies.Add(await browser.GetStringAsync($"/public/subjects/{company["CF_XDR_SHXYM"]}"));
            bodies.Add(await browser.GetStringAsync($"/api/public/v1/subjects/{company["CF_XDR_SHXYM"]}"));
        }

        Assert.Contains(bodies, b => b.Contains(companies[0]["CF_XDR_MC"]!, StringComparison.Ordinal));
        Assert.All(bodies, b => Assert.DoesNotMatch(FullIdNumber(), b));
        Assert.All(people, p => Assert.All(bodies, b => Assert.DoesNotContain(p["CF_XDR_ZJHM"]!, b)));
        Assert.All(companies, c => Assert.All(bodies, b => Assert.DoesNotContain(c["CF_FR_ZJHM"]!, b)));
        Assert.DoesNotContain(bodies, b => b.Contains("李某", StringComparison.Ordinal) && b.Contains("自然人", StringComparison.Ordinal) && b.Contains("/public/subjects/", StringComparison.Ordinal));
        // A phone number a unit wrote into the free text of a public field is masked on the way out.
        Assert.All(bodies, b => Assert.DoesNotMatch(FullPhoneNumber(), b));
        Assert.Contains(bodies, b => b.Contains("当事人联系电话139****5678", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repeat_lookups_are_cheap_with_an_etag_and_unknown_codes_are_a_clear_404()
    {
        var record = TestRecords.Penalty(TestRecords.Next());
        await ReportAsync(record);
        var browser = Anonymous();
        var first = await browser.GetAsync($"/api/public/v1/subjects/{record["CF_XDR_SHXYM"]}");
        Assert.Equal("public, max-age=300", first.Headers.CacheControl?.ToString());
        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/public/v1/subjects/{record["CF_XDR_SHXYM"]}");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await browser.SendAsync(again)).StatusCode);

        var unknown = await browser.GetAsync($"/api/public/v1/subjects/{TestRecords.Company(TestRecords.Next())}");
        Assert.Equal("subject.not_found", (await unknown.ProblemAsync(HttpStatusCode.NotFound)).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/public/subjects/{TestRecords.Company(TestRecords.Next())}")).StatusCode);
    }

    [Fact]
    public void Personal_values_are_masked_by_kind()
    {
        Assert.Equal("110105********002X", PersonalMask.Mask("11010519491231002X"));
        Assert.Equal("139****5678", PersonalMask.Mask("13912345678"));
        Assert.Equal("王**", PersonalMask.Mask("王小明"));
        Assert.Equal("电话139****5678，身份证640104********1234。", PersonalMask.Scrub("电话13912345678，身份证640104199001011234。"));
        Assert.Equal("金额12345678901234567890元", PersonalMask.Scrub("金额12345678901234567890元"));
    }
}
