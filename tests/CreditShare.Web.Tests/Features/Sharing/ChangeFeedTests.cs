using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Sharing;
using CreditShare.Web.Records;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Sharing;

/// <summary>The change feed under concurrent writers, and records leaving it when their sharing period ends.</summary>
public class ChangeFeedTests(SharingApp app) : IClassFixture<SharingApp>, IAsyncLifetime
{
    private const string Purpose = "purpose=%E4%BF%A1%E7%94%A8%E7%9B%91%E7%AE%A1";

    public async Task InitializeAsync()
    {
        if (!app.UnitIds.ContainsKey("writer"))
        {
            (await app.NewUnitAsync("writer", "测试并发报送局", ["source"])).Dispose();
            await app.GrantAsync("user", "XZCF", ["CF_XDR_MC", "CF_WSH", "CF_JDRQ"]);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_consumer_following_the_feed_while_eight_units_write_ends_with_exactly_the_records_written()
    {
        // Long and short batches side by side: a short one that began later often commits before a long one that began
        // earlier — the case where a feed ordered by "when it began" would skip the long one's records.
        const int writers = 8, batches = 8;
        static int Size(int writer, int batch) => (writer + batch) % 2 == 0 ? ReportingApp.MaxBatch : 2;
        using var consumer = app.Unit("user");
        var cursor = (await PageAsync(consumer, null, 1000)).Next;
        var written = new System.Collections.Concurrent.ConcurrentBag<long>();
        var seen = new List<long>();
        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            using var client = app.Unit("writer");
            for (var b = 0; b < batches; b++)
            {
                var rows = Enumerable.Range(0, Size(w, b)).Select(_ => TestRecords.Penalty(TestRecords.Next())).ToList();
                var response = await client.PostAsJsonAsync("/api/v1/reports/XZCF", rows);
                var result = (await response.Content.ReadFromJsonAsync<BatchResult>())!;
                Assert.Equal(rows.Count, result.Accepted);
                foreach (var record in result.Records)
                {
                    written.Add(record.RecordId!.Value);
                }
            }
        }));

        // Follow the feed in small pages while the writers run, then once more to its end.
        while (!writing.IsCompleted)
        {
            var page = await PageAsync(consumer, cursor, 25);
            seen.AddRange(Mine(page.Changes));
            cursor = page.Next;
        }

        await writing;
        await app.FeedReachesAsync([.. written]);
        while (true)
        {
            var page = await PageAsync(consumer, cursor, 25);
            seen.AddRange(Mine(page.Changes));
            cursor = page.Next;
            if (!page.HasMore)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(0, writers).Sum(w => Enumerable.Range(0, batches).Sum(b => Size(w, b))), written.Count);
        Assert.Equal(written.Order(), seen.Order());
    }

    [Fact]
    public async Task A_change_that_commits_after_a_later_one_is_still_delivered()
    {
        if (app.Database.Provider != "Postgres")
        {
            // SQLite runs one write transaction at a time (BEGIN IMMEDIATE): commits cannot overtake each other.
            return;
        }

        var early = (await app.ReportAsync("writer", "XZCF", TestRecords.Penalty(TestRecords.Next())))[0];
        using var consumer = app.Unit("user");
        var cursor = await EndAsync(consumer);

        // A writer takes its feed position and stays open while another writer reports and commits.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CreditShare.Web.Data.AppDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var tx = await ChangeFeed.StampAsync(db);
            await db.CreditRecords.Where(r => r.Id == early).ExecuteUpdateAsync(
                u => u.SetProperty(r => r.ChangeTx, tx));
            var late = (await app.ReportAsync("writer", "XZCF", waitForFeed: false, TestRecords.Penalty(TestRecords.Next())))[0];
            var meanwhile = await PageAsync(consumer, cursor, 1000);
            Assert.DoesNotContain(late, meanwhile.Changes.Select(c => c.RecordId));
            cursor = meanwhile.Next;
            await transaction.CommitAsync();
            await app.FeedReachesAsync([early, late]);
            var after = (await PageAsync(consumer, cursor, 1000)).Changes.Select(c => c.RecordId).ToList();
            Assert.Equal([early, late], after);
        }
    }

    [Fact]
    public async Task A_record_whose_sharing_period_ends_is_announced_on_the_feed_the_day_after()
    {
        var today = app.Today;
        var record = TestRecords.Penalty(TestRecords.Next());
        var decided = today.AddDays(1).AddMonths(-60);
        record["CF_JDRQ"] = decided.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        record["CF_YXQ"] = decided.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var id = (await app.ReportAsync("writer", "XZCF", record))[0];
        using var consumer = app.Unit("user");
        var announcer = app.Services.GetRequiredService<ExpiryAnnouncer>();
        await announcer.AnnounceAsync();
        var page = await PageAsync(consumer, null, 1000);
        while (page.HasMore)
        {
            page = await PageAsync(consumer, page.Next, 1000);
        }

        // Still shared today: nothing to announce.
        Assert.Equal(0, await announcer.AnnounceAsync());
        Assert.Empty((await PageAsync(consumer, page.Next, 1000)).Changes);

        // The announcer's own loop wakes up on the clock too; either of them may do the work.
        app.Clock.Advance(TimeSpan.FromDays(1));
        await announcer.AnnounceAsync();
        await app.FeedReachesAsync([id]);
        var expired = (await PageAsync(consumer, page.Next, 1000)).Changes.Single(c => c.RecordId == id);
        Assert.Equal("expired", expired.Change);
        Assert.Equal(0, await announcer.AnnounceAsync());
    }

    private static async Task<string> EndAsync(HttpClient client)
    {
        var page = await PageAsync(client, null, 1000);
        while (page.HasMore)
        {
            page = await PageAsync(client, page.Next, 1000);
        }

        return page.Next;
    }

    private static IEnumerable<long> Mine(IReadOnlyList<SharedChange> changes) => changes
        .Where(c => c.Record is not null && c.Record.SourceUnit == "测试并发报送局")
        .Select(c => c.RecordId);

    private static async Task<ChangePage> PageAsync(HttpClient client, string? after, int limit)
    {
        var response = await client.GetAsync($"/api/v1/shared/changes?{Purpose}&limit={limit}" + (after is null ? "" : $"&after={after}"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonSerializer.Deserialize<ChangePage>(text, JsonSerializerOptions.Web)!;
    }
}
