using System.Diagnostics;
using System.Globalization;
using System.Text;
using CreditShare.Core.Synthetic;

namespace CreditShare.Bench;

/// <summary>
/// The gateway's path against the direct API path, same platform, same run, records of the same shape: CSV files of
/// 5,000 records posted one after another by one client, and the same kind of files dropped into a gateway's outbox
/// (taken, hashed, spooled, queued in SQLite, sent, answered, receipts checked and chained, feedback written, moved to
/// sent/). Alternating rounds, so neither path gets the emptier table. Prints the ratio and the gateway's peak RSS.
/// </summary>
public static class GatewayBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchPlatform.Options(args);
        var records = int.Parse(options.GetValueOrDefault("records") ?? "200000", CultureInfo.InvariantCulture);
        var rounds = 2;
        var platform = await BenchPlatform.CreateAsync(options);
        var gatewayDll = Path.GetFullPath(Path.Combine("src", "CreditShare.Gateway", "bin", "Release", "net10.0", "CreditShare.Gateway.dll"));
        Console.WriteLine($"gateway benchmark: {records:N0} records ({records / 2:N0} each path, in {rounds} rounds), {platform.Provider}, work folder {platform.Work}");

        var certificates = Path.Combine(platform.Work, "gateway-cert");
        await platform.CliAsync("issue-cert", "--unit", BenchPlatform.SourceCode, "--gateway", "--out", certificates);
        var generator = new RecordGenerator(43, DateOnly.FromDateTime(DateTime.UtcNow));
        var perRound = records / (2 * rounds);
        var next = 0;
        List<byte[]> Files(int count)
        {
            var files = new List<byte[]>();
            for (var start = 0; start < count; start += 5000)
            {
                var rows = Enumerable.Range(next + start, Math.Min(5000, count - start)).Select(n => generator.Penalty(n, BenchPlatform.SourceName, BenchPlatform.SourceCode)).ToList();
                files.Add(Csv(rows));
            }

            next += count;
            return files;
        }

        var address = new Uri($"https://127.0.0.1:{BenchPlatform.FreePort()}");
        using var client = platform.ReportingClient(address);
        using var server = await platform.StartAsync(address.ToString(), address);
        var exchange = Directory.CreateDirectory(Path.Combine(platform.Work, "exchange")).FullName;
        var outbox = Directory.CreateDirectory(Path.Combine(exchange, "outbox")).FullName;
        var config = Path.Combine(platform.Work, "gateway.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Gateway": { "Name": "基准测试前置机", "DataDirectory": "{{Json(Path.Combine(platform.Work, "gateway-data"))}}",
              "Platform": { "Url": "{{address}}", "CaCertificate": "{{Json(Path.Combine(platform.Work, "ca.crt"))}}",
                "Certificate": "{{Json(Path.Combine(certificates, BenchPlatform.SourceCode + ".crt"))}}", "Key": "{{Json(Path.Combine(certificates, BenchPlatform.SourceCode + ".key"))}}" },
              "Spool": { "BatchSize": 5000 }, "Folders": [ { "Path": "{{Json(exchange)}}", "Category": "XZCF", "ScanSeconds": 1 } ], "Status": { "Port": 0 } } }
            """);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(gatewayDll);
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(config);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var gateway = Process.Start(start)!;
        await Task.Delay(3000);

        double direct = 0, viaGateway = 0;
        var sentSoFar = 0;
        for (var round = 0; round < rounds; round++)
        {
            var directFiles = Files(perRound);
            var watch = Stopwatch.StartNew();
            foreach (var file in directFiles)
            {
                using var content = new ByteArrayContent(file);
                content.Headers.ContentType = new("text/csv");
                using var response = await client.PostAsync("/api/v1/reports/XZCF", content);
                response.EnsureSuccessStatusCode();
            }

            direct += watch.Elapsed.TotalSeconds;
            var gatewayFiles = Files(perRound);
            watch.Restart();
            for (var i = 0; i < gatewayFiles.Count; i++)
            {
                var path = Path.Combine(outbox, $"XZCF_{round}_{i:D4}.csv");
                await File.WriteAllBytesAsync(path + ".tmp", gatewayFiles[i]);
                File.Move(path + ".tmp", path);
                await File.WriteAllTextAsync(path + ".ready", "");
            }

            sentSoFar += gatewayFiles.Count;
            while (Directory.GetFiles(Path.Combine(exchange, "sent"), "*.csv").Length < sentSoFar)
            {
                if (gateway.HasExited)
                {
                    throw new InvalidOperationException($"the gateway exited with {gateway.ExitCode}");
                }

                await Task.Delay(50);
            }

            viaGateway += watch.Elapsed.TotalSeconds;
            Console.WriteLine($"round {round + 1}: direct {perRound / direct * (round + 1):N0} rec/s so far, gateway {perRound / viaGateway * (round + 1):N0} rec/s so far");
        }

        var peak = BenchPlatform.PeakResidentMb(gateway.Id);
        gateway.Kill(entireProcessTree: true);
        server.Kill(entireProcessTree: true);
        var directRate = perRound * rounds / direct;
        var gatewayRate = perRound * rounds / viaGateway;
        Console.WriteLine();
        Console.WriteLine("| provider | records per path | direct API rec/s | gateway rec/s | ratio | gateway peak RSS |");
        Console.WriteLine($"| {platform.Provider} | {perRound * rounds:N0} | {directRate:N0} | {gatewayRate:N0} | {gatewayRate / directRate:F2} | {peak:N0} MB |");
        return 0;
    }

    private static string Json(string path) => path.Replace("\\", "\\\\", StringComparison.Ordinal);

    private static byte[] Csv(List<Dictionary<string, string?>> rows)
    {
        var columns = rows[0].Keys.ToList();
        var text = new StringBuilder(string.Join(',', columns)).Append("\r\n");
        foreach (var row in rows)
        {
            text.Append(string.Join(',', columns.Select(c => Quote(row.GetValueOrDefault(c) ?? "")))).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
