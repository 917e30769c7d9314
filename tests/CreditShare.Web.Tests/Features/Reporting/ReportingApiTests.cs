using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Reporting;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>The reporting API over real mutual TLS, on the provider under test.</summary>
public class ReportingApiTests(ReportingApp app) : IClassFixture<ReportingApp>
{
    private static async Task<T> OkAsync<T>(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    private static Task<BatchResult> OkAsync(HttpResponseMessage response) => OkAsync<BatchResult>(response);

    private static string[] Statuses(BatchResult result) => [.. result.Records.Select(r => r.Status)];

    [Fact]
    public async Task Valid_records_are_stored_even_when_others_in_the_batch_are_rejected()
    {
        using var client = app.Unit("source");
        var good = TestRecords.Penalty(TestRecords.Next());
        var bad = TestRecords.Penalty(TestRecords.Next());
        bad["CF_XDR_SHXYM"] = "91440300708461136U";
        bad["CF_JDRQ"] = "2099-01-01";
        var result = await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { good, bad }));

        Assert.Equal(["accepted", "rejected"], Statuses(result));
        Assert.Equal((1, 1), (result.Accepted, result.Rejected));
        var rejected = result.Records[1];
        var errors = rejected.Errors.Select(e => (e.Field, e.Code)).ToList();
        Assert.Contains(("CF_XDR_SHXYM", "uscc.check_digit"), errors);
        Assert.Contains(("CF_JDRQ", "field.date_in_future"), errors);
        Assert.All(rejected.Errors, e => Assert.False(string.IsNullOrEmpty(e.Message)));

        var recordId = result.Records[0].RecordId!.Value;
        var stored = await app.WithDbAsync(db => db.CreditRecords.SingleAsync(r => r.Id == recordId));
        var subject = await app.WithDbAsync(db => db.Subjects.SingleAsync(s => s.Id == stored.SubjectId));
        Assert.Equal(good["CF_WSH"], stored.SourceKey);
        Assert.Equal((good["CF_XDR_SHXYM"], good["CF_XDR_SHXYM"]), (subject.Uscc, subject.Key));
        Assert.Equal(new DateOnly(2027, 2, 28), stored.DisclosureEnd);
        Assert.Equal(("api", 1, RecordAction.Reported, result.BatchId), (stored.Channel, stored.CurrentVersion, stored.LastAction, stored.BatchId));
        Assert.StartsWith("cert:", stored.SubmittedBy);
        Assert.False(await app.WithDbAsync(db => db.RecordVersions.AnyAsync(v => v.RecordId == recordId)), "a record reported once is one row");

        var abnormal = await app.WithDbAsync(db => db.AbnormalEntries.SingleAsync(a => a.SourceKey == bad["CF_WSH"]));
        Assert.Null(abnormal.ClosedAt);
        Assert.Contains(" uscc.check_digit ", abnormal.ErrorCodes);
        Assert.Contains("91440300708461136U", abnormal.RawJson);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_answer_without_processing_again()
    {
        using var client = app.Unit("source");
        var body = JsonSerializer.Serialize(new[] { TestRecords.Penalty(TestRecords.Next()), TestRecords.Penalty(TestRecords.Next()) });
        HttpRequestMessage Request(string content)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports/XZCF") { Content = new StringContent(content, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", "batch-" + body.GetHashCode());
            return request;
        }

        var first = await OkAsync(await client.SendAsync(Request(body)));
        var versionsBefore = await app.WithDbAsync(db => db.RecordVersions.CountAsync());
        var again = await OkAsync(await client.SendAsync(Request(body)));
        Assert.True(again.Replayed);
        Assert.Equal(first.BatchId, again.BatchId);
        Assert.Equal(Statuses(first), Statuses(again));
        Assert.Equal(versionsBefore, await app.WithDbAsync(db => db.RecordVersions.CountAsync()));

        var different = await client.SendAsync(Request(JsonSerializer.Serialize(new[] { TestRecords.Penalty(TestRecords.Next()) })));
        Assert.Equal("batch.idempotency_key_reused", (await different.ProblemAsync(HttpStatusCode.Conflict)).Code);

        var later = await OkAsync(await client.GetAsync($"/api/v1/reports/batches/{first.BatchId}"));
        Assert.Equal(Statuses(first), Statuses(later));
        using var other = app.Unit("source2");
        await (await other.GetAsync($"/api/v1/reports/batches/{first.BatchId}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Identical_content_is_unchanged_and_new_content_is_a_new_version()
    {
        using var client = app.Unit("source");
        var record = TestRecords.Penalty(TestRecords.Next());
        var first = await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));
        var again = await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));
        Assert.Equal(["unchanged"], Statuses(again));
        var id = first.Records[0].RecordId!.Value;
        Assert.Equal(id, again.Records[0].RecordId);

        record["CF_NR"] = "警告并处罚款3万元";
        record["CF_NR_FK"] = "3";
        var corrected = await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));
        Assert.Equal(["accepted"], Statuses(corrected));
        Assert.Equal(1, await app.WithDbAsync(db => db.CreditRecords.CountAsync(r => r.SourceKey == record["CF_WSH"])));

        await OkAsync<RecordSummary>(await client.PostAsJsonAsync("/api/v1/reports/XZCF/withdrawals", new WithdrawRequest(record["CF_WSH"], "文书已被撤销")));
        var history = await HistoryAsync(id);
        Assert.Equal([(1, RecordAction.Reported), (2, RecordAction.Corrected), (3, RecordAction.Withdrawn)], history.Select(v => (v.Version, v.Action)));
        Assert.Equal([first.BatchId, corrected.BatchId, (Guid?)null], history.Select(v => v.BatchId));
        Assert.Equal("文书已被撤销", history[2].Reason);
        Assert.NotEqual(history[0].ContentHash, history[1].ContentHash);
        Assert.Equal(history[1].DataJson, history[2].DataJson);
        Assert.Contains("警告并处罚款3万元", history[1].DataJson);
        Assert.DoesNotContain("警告并处罚款3万元", history[0].DataJson);
    }

    [Fact]
    public async Task Concurrent_batches_about_the_same_new_subjects_all_land_and_make_each_subject_once()
    {
        // Several batches at once, each naming the same new companies in a different order: whichever writes first
        // creates them, the others find them (or start again after a conflict), and nothing is lost or doubled.
        var companies = Enumerable.Range(0, 20).Select(_ => TestRecords.Company(TestRecords.Next())).ToList();
        var batches = Enumerable.Range(0, 6).Select(b => (b % 2 == 0 ? companies : Enumerable.Reverse(companies))
            .Select(code => TestRecords.Penalty(TestRecords.Next(), code, $"并发测试商贸有限公司{code[^6..]}")).ToList()).ToList();
        var results = await Task.WhenAll(batches.Select(async batch =>
        {
            using var client = app.Unit("source");
            return await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", batch));
        }));

        Assert.All(results, r => Assert.Equal(20, r.Accepted));
        var keys = batches.SelectMany(b => b).Select(r => r["CF_WSH"]!).ToList();
        Assert.Equal(120, await app.WithDbAsync(db => db.CreditRecords.CountAsync(r => keys.Contains(r.SourceKey))));
        Assert.Equal(20, await app.WithDbAsync(db => db.Subjects.CountAsync(s => companies.Contains(s.Key))));
        var subjectsOfRecords = await app.WithDbAsync(db => db.CreditRecords.Where(r => keys.Contains(r.SourceKey)).Select(r => r.SubjectId).Distinct().CountAsync());
        Assert.Equal(20, subjectsOfRecords);
    }

    [Fact]
    public async Task Resubmitting_a_fixed_row_closes_its_abnormal_entry()
    {
        using var client = app.Unit("source");
        var record = TestRecords.Penalty(TestRecords.Next());
        record.Remove("CF_NR_FK");
        var rejected = await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));
        Assert.Equal(["rejected"], Statuses(rejected));
        var open = await client.GetFromJsonAsync<List<AbnormalView>>("/api/v1/abnormal?category=XZCF");
        Assert.Contains(open!, e => e.SourceKey == record["CF_WSH"] && e.Errors[0].Code == "rule.required_when");

        record["CF_NR_FK"] = "2";
        var fixedResult = await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));
        var recordId = fixedResult.Records[0].RecordId;
        var entry = await app.WithDbAsync(db => db.AbnormalEntries.SingleAsync(a => a.SourceKey == record["CF_WSH"]));
        Assert.NotNull(entry.ClosedAt);
        Assert.Equal(recordId, entry.ResolvedRecordId);
        var stillOpen = await client.GetFromJsonAsync<List<AbnormalView>>("/api/v1/abnormal?category=XZCF");
        Assert.DoesNotContain(stillOpen!, e => e.SourceKey == record["CF_WSH"]);
    }

    [Fact]
    public async Task A_unit_withdraws_its_own_record_and_cannot_touch_another_units()
    {
        using var client = app.Unit("source");
        using var other = app.Unit("source2");
        var record = TestRecords.Penalty(TestRecords.Next());
        await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));

        var foreign = await other.PostAsJsonAsync("/api/v1/reports/XZCF/withdrawals", new { sourceKey = record["CF_WSH"], reason = "误报" });
        await foreign.ProblemAsync(HttpStatusCode.NotFound);
        var noReason = await client.PostAsJsonAsync("/api/v1/reports/XZCF/withdrawals", new { sourceKey = record["CF_WSH"], reason = "" });
        Assert.Contains(("reason", "record.withdraw_reason"), (await noReason.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());

        var withdrawn = await OkAsync<RecordSummary>(await client.PostAsJsonAsync("/api/v1/reports/XZCF/withdrawals", new WithdrawRequest(record["CF_WSH"], "文书已被撤销")));
        Assert.Equal("withdrawn", withdrawn.Status);

        // The other unit reporting the same document number makes its own record; it never overwrites this one.
        var theirs = await OkAsync(await other.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record }));
        Assert.Equal(["accepted"], Statuses(theirs));
        Assert.Equal(2, await app.WithDbAsync(db => db.CreditRecords.CountAsync(r => r.SourceKey == record["CF_WSH"])));
        Assert.Equal(RecordStatus.Withdrawn, await app.WithDbAsync(db => db.CreditRecords
            .Where(r => r.SourceKey == record["CF_WSH"] && r.SourceUnitId == app.UnitIds["source"]).Select(r => r.Status).SingleAsync()));
    }

    [Fact]
    public async Task Id_numbers_are_never_stored_in_clear_and_subjects_are_found_by_keyed_hash()
    {
        using var client = app.Unit("source");
        var id = TestRecords.IdNumber(TestRecords.Next());
        var first = TestRecords.PersonPenalty(TestRecords.Next(), id);
        var second = TestRecords.PersonPenalty(TestRecords.Next(), id);
        var bad = TestRecords.PersonPenalty(TestRecords.Next(), id);
        bad["CF_CFLB"] = "打板子";
        var result = await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { first, second, bad }));
        Assert.Equal(["accepted", "accepted", "rejected"], Statuses(result));

        var ids = result.Records.Take(2).Select(r => r.RecordId!.Value).ToArray();
        var subjects = await app.WithDbAsync(db => db.CreditRecords.Where(r => ids.Contains(r.Id)).Select(r => r.SubjectId).Distinct().ToListAsync());
        Assert.Single(subjects);

        var everything = await app.WithDbAsync(async db =>
            string.Join("\n", await db.CreditRecords.Select(r => r.DataJson).ToListAsync())
            + string.Join("\n", await db.RecordVersions.Select(r => r.DataJson).ToListAsync())
            + string.Join("\n", await db.AbnormalEntries.Select(r => r.RawJson).ToListAsync())
            + string.Join("\n", await db.Subjects.Select(s => s.IdentityCipher + s.IdentityHash).ToListAsync())
            + string.Join("\n", await db.AuditEntries.Select(a => a.Detail + a.Target).ToListAsync()));
        Assert.DoesNotContain(id, everything);
        Assert.DoesNotContain(id[..14], everything);
    }

    [Fact]
    public async Task A_known_code_under_another_name_is_accepted_with_a_name_mismatch_warning()
    {
        using var client = app.Unit("source");
        var code = TestRecords.Company(TestRecords.Next());
        await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { TestRecords.Penalty(TestRecords.Next(), code, "宁夏甲乙商贸有限公司") }));
        var renamed = await OkAsync(await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { TestRecords.Penalty(TestRecords.Next(), code, "宁夏丙丁商贸有限公司") }));
        var record = renamed.Records[0];
        Assert.Equal("accepted", record.Status);
        var warning = record.Warnings[0];
        Assert.Equal(("CF_XDR_MC", "name_mismatch"), (warning.Field, warning.Code));
        Assert.True(await app.WithDbAsync(db => db.SubjectNames.AnyAsync(n => n.Name == "宁夏丙丁商贸有限公司" && n.NeedsReview)));
    }

    private async Task<IReadOnlyList<RecordVersion>> HistoryAsync(long recordId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportingService>().HistoryAsync(recordId);
    }
}
