using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CreditShare.Core.Synthetic;

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

        return 0;
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
                var category = b % 2 == 0 ? "XZCF" : "XZXK";
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
