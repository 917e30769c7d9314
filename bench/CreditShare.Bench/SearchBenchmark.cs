using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CreditShare.Core.Synthetic;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Bench;

/// <summary>
/// The public register under load (issue 4): a register of N records about M subjects loaded through the reporting
/// API, then <c>wrk</c> at 64 connections against the public JSON API — lookup by code and name search with common and
/// rare words — and against a minimal ASP.NET endpoint running the same queries over the raw driver (the ceiling).
/// </summary>
public static class SearchBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchPlatform.Options(args);
        var records = int.Parse(options.GetValueOrDefault("records") ?? "1000000", CultureInfo.InvariantCulture);
        var subjects = int.Parse(options.GetValueOrDefault("subjects") ?? (records / 5).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var register = new SyntheticRegister(subjects);
        var platform = await BenchPlatform.CreateAsync(options, options.GetValueOrDefault("keep"));
        var shape = SyntheticRegister.Describe(subjects, records);
        Console.WriteLine($"search benchmark: {records:N0} records about {subjects:N0} subjects, {platform.Provider}, work folder {platform.Work}");
        if (!platform.IsLoaded(shape))
        {
            await LoadAsync(platform, register, records);
            platform.MarkLoaded(shape);
        }

        await SettleAsync(platform);

        var duration = int.Parse(options.GetValueOrDefault("seconds") ?? "20", CultureInfo.InvariantCulture);
        var workloads = Workloads(register, platform.Work);
        if (options.GetValueOrDefault("only") == "blacklist")
        {
            return await BlacklistCostAsync(platform, workloads[0].PathsFile, duration);
        }

        var platformUrl = $"http://127.0.0.1:{BenchPlatform.FreePort()}";
        var results = new List<(string Name, WrkResult Platform, WrkResult Ceiling)>();
        double peakMb;
        using (var server = await platform.StartAsync(platformUrl, new Uri(platformUrl), "PublicSite__RequestsPerMinute=1000000000", "Surfaces=public"))
        {
            var ceilingUrl = $"http://127.0.0.1:{BenchPlatform.FreePort()}";
            await using var ceiling = SearchCeiling.Build(platform.Provider, platform.Connection, ceilingUrl);
            await ceiling.StartAsync();
            foreach (var (name, paths, connections) in workloads)
            {
                var measured = await WrkAsync(platformUrl, "/api/public/v1", paths, duration, connections);
                var bound = await WrkAsync(ceilingUrl, "", paths, duration, connections);
                Console.WriteLine($"{name}: platform {measured}, ceiling {bound}");
                results.Add((name, measured, bound));
            }

            peakMb = BenchPlatform.PeakResidentMb(server.Id);
            server.Kill(entireProcessTree: true);
        }

        Console.WriteLine();
        Console.WriteLine($"{platform.Provider}, {records:N0} records about {subjects:N0} subjects, wrk 64 connections unless said, {duration} s per run; server peak RSS {peakMb:N0} MB");
        Console.WriteLine("| workload | platform rps | p50 ms | p99 ms | ceiling rps | p50 ms | p99 ms | rps ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, measured, bound) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {measured.Rps:N0} | {measured.P50Ms:F1} | {measured.P99Ms:F1} | {bound.Rps:N0} | {bound.P50Ms:F1} | {bound.P99Ms:F1} | {measured.Rps / bound.Rps:F2} |"));
        }

        return 0;
    }

    /// <summary>
    /// What the blacklist costs a public lookup (issue 16: at most 5 %): the platform with the blacklist off and no
    /// decisions, then on (detection running, its thresholds out of reach of the benchmark's one address) with 1,000
    /// decisions in force — 500 addresses and 500 /24 networks, none matching the client — then off again; the
    /// ratio is the middle run over the mean of the two outer ones, all in this run.
    /// </summary>
    private static async Task<int> BlacklistCostAsync(BenchPlatform platform, string codes, int duration)
    {
        async Task<WrkResult> MeasureAsync(params string[] settings)
        {
            var url = $"http://127.0.0.1:{BenchPlatform.FreePort()}";
            using var server = await platform.StartAsync(url, new Uri(url), [.. settings, "PublicSite__RequestsPerMinute=1000000000", "Surfaces=public"]);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var measured = await WrkAsync(url, "/api/public/v1", codes, duration, 64);
            server.Kill(entireProcessTree: true);
            return measured;
        }

        var before = await MeasureAsync("Security__Mode=Off");
        Console.WriteLine($"blacklist off, no decisions: {before}");
        await DecisionsAsync(platform, add: true);
        var with = await MeasureAsync("Security__Mode=Enforce", "Security__Detection__PublicQuery__Threshold=2000000000",
            "Security__Detection__DistinctSubject__Threshold=2000000000", "Security__Detection__ClientError__Threshold=2000000000");
        Console.WriteLine($"blacklist on, 1,000 decisions in force: {with}");
        await DecisionsAsync(platform, add: false);
        var after = await MeasureAsync("Security__Mode=Off");
        Console.WriteLine($"blacklist off, no decisions: {after}");
        var ratio = with.Rps / ((before.Rps + after.Rps) / 2);
        Console.WriteLine();
        Console.WriteLine("| run | rps | p50 ms | p99 ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, r) in new[] { ("off, no decisions", before), ("on, 1,000 decisions", with), ("off again", after) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {r.Rps:N0} | {r.P50Ms:F1} | {r.P99Ms:F1} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lookup throughput with the blacklist: {ratio:F3} of without (goal ≥ 0.95)"));
        return 0;
    }

    private static async Task DecisionsAsync(BenchPlatform platform, bool add)
    {
        await using Web.Data.AppDbContext db = platform.Provider == "Postgres"
            ? new Web.Data.PostgresAppDbContext(new DbContextOptionsBuilder<Web.Data.PostgresAppDbContext>().UseNpgsql(platform.Connection).Options)
            : new Web.Data.SqliteAppDbContext(new DbContextOptionsBuilder<Web.Data.SqliteAppDbContext>().UseSqlite(platform.Connection).Options);
        if (!add)
        {
            await db.AddressBlocks.LoadAsync();
            db.AddressBlocks.RemoveRange(db.AddressBlocks.Local);
            await db.SaveChangesAsync();
            return;
        }

        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 1000; i++)
        {
            db.AddressBlocks.Add(new Web.Features.Security.AddressBlock
            {
                Address = i < 500 ? $"203.0.{i / 250}.{i % 250}" : $"198.{18 + ((i - 500) / 256)}.{(i - 500) % 256}.0/24",
                Source = Web.Features.Security.BlockSources.Manual,
                AttackType = "基准测试",
                Target = "公共信用信息查询",
                Evidence = "bench",
                CreatedAt = now,
                ExpiresAt = now.AddDays(1),
                Review = Web.Features.Security.BlockReviews.Confirmed,
            });
        }

        await db.SaveChangesAsync();
    }

    public sealed record WrkResult(double Rps, double P50Ms, double P99Ms, long Errors)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Rps:N0} rps, p50 {P50Ms:F1} ms, p99 {P99Ms:F1} ms, {Errors} errors");
    }

    /// <summary>
    /// The request mixes, each a file of paths wrk picks from at random: lookups of 10,000 codes spread over the
    /// register; words matching about one name in twelve (商贸, 银川) or all of them (公司), pages 1 to 10; and 2,000
    /// two-character 字号 matching a few dozen to a few hundred names each.
    /// </summary>
    private static List<(string Name, string PathsFile, int Connections)> Workloads(SyntheticRegister register, string work)
    {
        string Write(string name, IEnumerable<string> paths)
        {
            var file = Path.Combine(work, $"paths-{name}.txt");
            File.WriteAllLines(file, paths);
            return file;
        }

        IEnumerable<string> Pages(string word) => Enumerable.Range(1, 10).Select(p => $"/subjects?q={Uri.EscapeDataString(word)}&page={p}");
        var chars = SyntheticRegister.TradeNameCharacters;
        var random = new Random(7);
        var rare = Enumerable.Range(0, 2000).Select(_ => $"/subjects?q={Uri.EscapeDataString($"{chars[random.Next(chars.Length)]}{chars[random.Next(chars.Length)]}")}");
        var codes = Write("code", register.SampleCodes(10_000).Select(c => $"/subjects/{c}"));
        return
        [
            ("lookup by code", codes, 64),
            ("search 商贸 (common)", Write("trade", Pages("商贸")), 64),
            ("search 银川 (common)", Write("place", Pages("银川")), 64),
            ("search 公司 (every name)", Write("company", Pages("公司")), 64),
            ("search rare 2-character 字号", Write("rare", rare), 64),
            // Latency when the machine is not saturated: with 64 connections on two cores shared with the database and
            // wrk, every request queues behind 63 others.
            ("lookup by code, 8 connections", codes, 8),
        ];
    }

    /// <summary>Runs wrk (Debian package) over the paths in <paramref name="pathsFile"/>, after a 10 s warm-up (the JIT settles).</summary>
    private static async Task<WrkResult> WrkAsync(string baseUrl, string prefix, string pathsFile, int seconds, int connections)
    {
        var script = Path.Combine(Path.GetDirectoryName(pathsFile)!, "paths.lua");
        await File.WriteAllTextAsync(script, """
            local paths = {}
            init = function(args)
              for line in io.lines(args[1]) do paths[#paths + 1] = args[2] .. line end
              math.randomseed(os.time() + math.floor(os.clock() * 1000000))
            end
            request = function() return wrk.format("GET", paths[math.random(#paths)]) end
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("RESULT %d %d %d %d %d\n", summary.requests, summary.duration, latency:percentile(50),
                latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
            end
            """);
        await RunWrkAsync(baseUrl, prefix, pathsFile, script, 10, connections);
        return await RunWrkAsync(baseUrl, prefix, pathsFile, script, seconds, connections);
    }

    private static async Task<WrkResult> RunWrkAsync(string baseUrl, string prefix, string pathsFile, string script, int seconds, int connections)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-t2", $"-c{connections}", $"-d{seconds}s", "--timeout", "10s", "-s", script, baseUrl, "--", pathsFile, prefix })
        {
            start.ArgumentList.Add(arg);
        }

        using var wrk = Process.Start(start)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result: {output}");
        var f = line.Split(' ')[1..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new WrkResult(f[0] / (f[1] / 1e6), f[2] / 1000, f[3] / 1000, (long)f[4]);
    }

    /// <summary>
    /// Measures a settled database, not one busy with the load's aftermath: right after 10M rows PostgreSQL's
    /// autovacuum and checkpoints run for minutes and put 100–250 ms into the p99 of platform and ceiling alike.
    /// </summary>
    private static async Task SettleAsync(BenchPlatform platform)
    {
        if (platform.Provider != "Postgres")
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        await using var db = new Npgsql.NpgsqlConnection(platform.Connection);
        await db.OpenAsync();
        await new Npgsql.NpgsqlCommand("VACUUM (ANALYZE)", db) { CommandTimeout = 0 }.ExecuteNonQueryAsync();
        try
        {
            await new Npgsql.NpgsqlCommand("CHECKPOINT", db) { CommandTimeout = 0 }.ExecuteNonQueryAsync();
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "42501")
        {
            Console.WriteLine("CHECKPOINT not allowed for this role (grant pg_checkpoint); measuring without it");
        }

        Console.WriteLine($"database settled (VACUUM ANALYZE, CHECKPOINT) in {watch.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>Loads the register through the reporting API, four clients, batches of 5,000 alternating 行政处罚 and 行政许可.</summary>
    private static async Task LoadAsync(BenchPlatform platform, SyntheticRegister register, int records)
    {
        var address = new Uri($"https://127.0.0.1:{BenchPlatform.FreePort()}");
        using var client = platform.ReportingClient(address);
        using var server = await platform.StartAsync(address.ToString(), address);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var batches = (records + 4999) / 5000;
        var next = -1;
        var accepted = 0;
        var watch = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var b = Interlocked.Increment(ref next); b < batches; b = Interlocked.Increment(ref next))
            {
                var category = register.CategoryOfBatch(b * 5000);
                var generator = new RecordGenerator(1000 + b, today);
                var batch = JsonSerializer.SerializeToUtf8Bytes(Enumerable.Range(b * 5000, Math.Min(5000, records - (b * 5000)))
                    .Select(n => register.Record(generator, category, n)).ToList());
                var count = Interlocked.Add(ref accepted, await IngestBenchmark.SendAsync(client, category, batch));
                if (b % 100 == 0)
                {
                    Console.WriteLine($"loaded {count:N0} records in {watch.Elapsed.TotalSeconds:F0} s");
                }
            }
        })));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }

        Console.WriteLine($"loaded {accepted:N0} of {records:N0} records in {watch.Elapsed.TotalSeconds:F0} s");
        if (accepted != records)
        {
            throw new InvalidOperationException("some generated records were rejected");
        }
    }
}
