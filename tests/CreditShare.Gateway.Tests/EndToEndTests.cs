using System.Diagnostics;
using System.Text;
using CreditShare.Web.Tests;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CreditShare.Gateway.Tests;

/// <summary>
/// The gateway and the platform as real processes over real mutual TLS: 100,000 records in 50 files, while the platform
/// is SIGKILLed and restarted twice and the gateway once. At the end the platform holds every valid record exactly once,
/// every invalid one is in a feedback file with its reason, and the receipt chain verifies offline. Beside the files the
/// same gateway reads 20,000 rows from a unit's PostgreSQL outbox table and smaller ones from MariaDB and SQLite.
/// <para>
/// That scale runs when the platform is on PostgreSQL, the production database. On SQLite the same run is a fifth of the
/// size (10 files of 2,000, outboxes of 4,000, 400 and 400 rows) with the kills at the same points of the run: what the
/// test proves (nothing lost or doubled when either side is killed in the middle of a file, of a batch, with files
/// still waiting and outbox rows not yet acknowledged) depends on where the kills fall, not on how many records there
/// are. Every file still spans two batches, so a kill can fall between them; the gateway's side (its SQLite store and
/// spool) is the same code at either size and is exercised at full size by the PostgreSQL run. Throughput at scale is
/// measured by <c>scripts/bench gateway</c>, not here.
/// </para>
/// </summary>
public sealed class EndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly bool FullScale = TestDatabase.ProviderFromEnvironment.Equals("Postgres", StringComparison.OrdinalIgnoreCase);
    private static readonly int Files = FullScale ? 50 : 10;
    private const int PerFile = 2000;
    private static readonly (string Provider, int Rows)[] UnitDatabases = FullScale
        ? [("postgresql", 20_000), ("mysql", 2_000), ("sqlite", 2_000)]
        : [("postgresql", 4_000), ("mysql", 400), ("sqlite", 400)];

    /// <summary>Stored records at which the next kill falls: the same fractions of the file records at either scale.</summary>
    private static int At(double fraction) => (int)(Files * PerFile * fraction);
    private readonly CreditShareApp app = new();

    public Task InitializeAsync() => app.InitializeAsync();

    public Task DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task Everything_dropped_arrives_once_through_kills_of_the_platform_and_the_gateway()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        var port = ServerProcess.FreePort();
        var options = GatewayRig.OptionsFor(credentials, new Uri($"https://127.0.0.1:{port}"), "XZCF");
        options.Spool.MaxRetryDelaySeconds = 2;
        options.Folders[0].ScanSeconds = 1;
        var first = 900_000 + (Random.Shared.Next(1, 90) * 10_000);
        var databases = new List<Databases.SourceDatabase>();
        var expected = Files * (PerFile - 1);
        var rowBase = first + (Files * PerFile);
        foreach (var (provider, rows) in UnitDatabases)
        {
            var db = await Databases.SourceDatabase.CreateAsync(provider, output);
            if (db is null)
            {
                continue;
            }

            databases.Add(db);
            await FillOutboxAsync(db, rowBase, rows);
            rowBase += rows;
            expected += rows - 1;
            options.Databases.Add(new DatabaseSourceOptions
            {
                Name = $"outbox-{provider}",
                Provider = db.Provider,
                ConnectionString = db.ConnectionString,
                Category = "XZCF",
                Mode = "outbox",
                Table = "penalty_outbox",
                KeyColumn = "id",
                AckColumn = "acked_at",
                PollSeconds = 1,
            });
        }

        var config = Path.Combine(credentials.Directory, "gateway.json");
        await GatewayRig.WriteConfigAsync(options, config);

        var files = Enumerable.Range(0, Files).Select(f => Enumerable.Range(0, PerFile).Select(i => TestRecords.Penalty(first + (f * PerFile) + i)).ToList()).ToList();
        foreach (var file in files)
        {
            file[PerFile / 2]["CF_JDRQ"] = "2026-02-30"; // one invalid record per file
        }

        var numbers = files.SelectMany(f => f).Select(r => r["CF_WSH"]!).ToList();
        var watch = Stopwatch.StartNew();
        void Drop(int from, int to)
        {
            for (var f = from; f < to; f++)
            {
                // As a business system should: written under a temporary name, then renamed into place.
                var path = Path.Combine(options.Folders[0].Path, "outbox", $"XZCF_{f:D3}.csv");
                File.WriteAllBytes(path + ".tmp", Csv.Of(files[f]));
                File.Move(path + ".tmp", path);
                File.WriteAllText(path + ".ready", "");
            }
        }

        Directory.CreateDirectory(Path.Combine(options.Folders[0].Path, "outbox"));
        var platform = await ServerProcess.StartAsync(app, new Dictionary<string, string>(), port);
        var gateway = GatewayProcess.Start(config);
        try
        {
            Drop(0, Files / 2);
            await WaitForAsync(numbers, At(0.08), gateway);
            platform.Kill();
            output.WriteLine($"{watch.Elapsed.TotalSeconds:F0} s: platform killed at {await StoredAsync(numbers)} records");
            Drop(Files / 2, Files * 7 / 10);
            await Task.Delay(TimeSpan.FromSeconds(3));
            platform.Dispose();
            platform = await ServerProcess.StartAsync(app, new Dictionary<string, string>(), port);

            await WaitForAsync(numbers, At(0.35), gateway);
            gateway.Kill();
            output.WriteLine($"{watch.Elapsed.TotalSeconds:F0} s: gateway killed at {await StoredAsync(numbers)} records");
            gateway.Dispose();
            gateway = GatewayProcess.Start(config);

            await WaitForAsync(numbers, At(0.55), gateway);
            platform.Kill();
            output.WriteLine($"{watch.Elapsed.TotalSeconds:F0} s: platform killed again at {await StoredAsync(numbers)} records");
            Drop(Files * 7 / 10, Files);
            platform.Dispose();
            platform = await ServerProcess.StartAsync(app, new Dictionary<string, string>(), port);

            var sent = Path.Combine(options.Folders[0].Path, "sent");
            var deadline = Stopwatch.StartNew();
            while ((Directory.GetFiles(sent, "*.csv").Length < Files || await UnacknowledgedAsync(databases) > 0) && deadline.Elapsed < TimeSpan.FromMinutes(8))
            {
                Assert.False(gateway.HasExited, gateway.Output);
                await Task.Delay(500);
            }

            output.WriteLine($"{watch.Elapsed.TotalSeconds:F0} s: all files sent");
            Assert.Equal(Files, Directory.GetFiles(sent, "*.csv").Length);
        }
        finally
        {
            gateway.Dispose();
            platform.Dispose();
        }

        Assert.Equal(0, await UnacknowledgedAsync(databases));
        Assert.Equal(expected, await StoredAsync(numbers));
        Assert.Equal(0, await app.WithDbAsync(db => db.CreditRecords.GroupBy(r => r.SourceKey).CountAsync(g => g.Count() > 1)));
        Assert.Equal(expected, await app.WithDbAsync(db => db.CreditRecords.CountAsync(r => r.Channel == "gateway")));
        foreach (var db in options.Databases)
        {
            var feedback = string.Concat(Directory.GetFiles(CreditShare.Gateway.Databases.DatabaseSource.FeedbackDirectory(options, db), "*.csv").Select(f => File.ReadAllText(f, Encoding.UTF8)));
            Assert.Contains(",被拒绝,CF_JDRQ,", feedback, StringComparison.Ordinal);
        }

        foreach (var db in databases)
        {
            await db.DisposeAsync();
        }
        for (var f = 0; f < Files; f++)
        {
            var feedback = await File.ReadAllTextAsync(Path.Combine(options.Folders[0].Path, "feedback", $"XZCF_{f:D3}.csv.feedback.csv"), Encoding.UTF8);
            Assert.Contains($"第 {(PerFile / 2) + 2} 行,被拒绝,CF_JDRQ,", feedback, StringComparison.Ordinal);
        }

        var (exit, verified) = await GatewayProcess.RunAsync(config, "receipts", "verify");
        output.WriteLine(verified);
        Assert.Equal(0, exit);
        Assert.Contains("校验通过", verified, StringComparison.Ordinal);
    }

    /// <summary>A unit's outbox table with <paramref name="rows"/> records, one of them invalid, written in one transaction.</summary>
    private static async Task FillOutboxAsync(Databases.SourceDatabase db, int first, int rows)
    {
        await db.ExecuteAsync($"CREATE TABLE penalty_outbox (id BIGINT PRIMARY KEY, acked_at {db.TimeType} NULL, {Databases.SourceDatabase.PenaltyColumnsDdl})");
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var n = 0; n < rows; n++)
        {
            await Databases.SourceDatabase.InsertPenaltyAsync(connection, transaction, "penalty_outbox", first + n, new Dictionary<string, object?> { ["id"] = (long)n + 1 },
                n == rows / 2 ? r => r["CF_JDRQ"] = "2026-02-30" : null);
        }

        await transaction.CommitAsync();
    }

    private static async Task<long> UnacknowledgedAsync(List<Databases.SourceDatabase> databases)
    {
        long open = 0;
        foreach (var db in databases)
        {
            open += await db.CountAsync("SELECT COUNT(*) FROM penalty_outbox WHERE acked_at IS NULL");
        }

        return open;
    }

    /// <summary>This test's app has its own database: every record in it came through the gateway.</summary>
    private Task<int> StoredAsync(List<string> numbers) => app.WithDbAsync(db => db.CreditRecords.CountAsync());

    private async Task WaitForAsync(List<string> numbers, int count, GatewayProcess gateway)
    {
        var watch = Stopwatch.StartNew();
        while (await StoredAsync(numbers) < count)
        {
            Assert.False(gateway.HasExited, gateway.Output);
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(5), $"stuck below {count} records:\n{gateway.Output}");
            await Task.Delay(200);
        }
    }
}
