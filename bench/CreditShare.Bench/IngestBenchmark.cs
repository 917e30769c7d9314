using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Codes;
using CreditShare.Core.Synthetic;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace CreditShare.Bench;

/// <summary>
/// Whole-system ingest: N synthetic 行政处罚 records sent through the reporting API (mutual TLS, batches of 5,000, the
/// platform running as its own process in Production mode), against the raw rate of loading rows of the same shape into
/// a table with the same indexes in the same database, without the platform. Prints both rates and their ratio, and the
/// server's peak resident memory.
/// </summary>
public static class IngestBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options(args);
        var provider = options.GetValueOrDefault("provider") ?? "Sqlite";
        var records = int.Parse(options.GetValueOrDefault("records") ?? "1000000", CultureInfo.InvariantCulture);
        var clients = int.Parse(options.GetValueOrDefault("clients") ?? "4", CultureInfo.InvariantCulture);
        var web = options.GetValueOrDefault("web") ?? Path.GetFullPath(Path.Combine("src", "CreditShare.Web", "bin", "Release", "net10.0", "CreditShare.Web.dll"));
        var work = Directory.CreateTempSubdirectory("creditshare-ingest-").FullName;
        string connection;
        if (provider == "Postgres")
        {
            var server = options.GetValueOrDefault("postgres") ?? throw new ArgumentException("--postgres CONNECTION (a role that may create databases)");
            var name = $"cs_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
            await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString))
            {
                await admin.OpenAsync();
                await new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin).ExecuteNonQueryAsync();
            }

            connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        }
        else
        {
            connection = $"Data Source={Path.Combine(work, "bench.db")}";
        }

        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = provider,
            ["ConnectionStrings__CreditShare"] = connection,
            ["CertificateAuthority__CertificatePath"] = Path.Combine(work, "ca.crt"),
            ["CertificateAuthority__KeyPath"] = Path.Combine(work, "ca.key"),
            ["Tls__CertificatePath"] = Path.Combine(work, "ca.crt"),
            ["PersonalData__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["PersonalData__LookupKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Reporting__MaxBatchSize"] = "5000",
        };

        Console.WriteLine($"ingest benchmark: {records:N0} records, {provider}, {clients} concurrent clients, work folder {work}");
        await Cli(web, environment, "create-ca", "--out", work);
        var source = UnifiedSocialCreditCode.Compose("11640000", "01350012");
        await Cli(web, environment, "migrate");
        await Cli(web, environment, "create-unit", "--name", "基准测试市场监督管理厅", "--uscc", source, "--roles", "source");
        await Cli(web, environment, "issue-cert", "--unit", source, "--months", "24", "--out", work);
        MakeServerCertificate(work);
        environment["Tls__CertificatePath"] = Path.Combine(work, "server.crt");
        environment["Tls__KeyPath"] = Path.Combine(work, "server.key");

        var generator = new RecordGenerator(42, DateOnly.FromDateTime(DateTime.UtcNow));
        var batches = new List<byte[]>();
        for (var start = 0; start < records; start += 5000)
        {
            batches.Add(JsonSerializer.SerializeToUtf8Bytes(Enumerable.Range(start, Math.Min(5000, records - start))
                .Select(n => generator.Penalty(n, "基准测试市场监督管理厅", source)).ToList()));
        }

        var (platformRate, peakMb) = await PlatformAsync(web, environment, work, source, batches, records, clients);
        var rawRate = provider == "Postgres" ? await RawPostgresAsync(connection, records) : RawSqlite(connection, records);
        Console.WriteLine();
        Console.WriteLine($"| provider | records | platform rec/s | raw rows/s | ratio | server peak RSS |");
        Console.WriteLine($"| {provider} | {records:N0} | {platformRate:N0} | {rawRate:N0} | {platformRate / rawRate:F2} | {peakMb:N0} MB |");
        return 0;
    }

    private static async Task<(double Rate, double PeakMb)> PlatformAsync(string web, Dictionary<string, string> environment, string work, string source,
        List<byte[]> batches, int records, int clients)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var server = Start(web, environment, "--urls", $"https://127.0.0.1:{port}");
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(work, "ca.crt")));
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [X509Certificate2.CreateFromPemFile(Path.Combine(work, $"{source}.crt"), Path.Combine(work, $"{source}.key"))],
                RemoteCertificateValidationCallback = (_, c, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return c is not null && chain.Build(X509CertificateLoader.LoadCertificate(c.GetRawCertData()));
                },
            },
        })
        { BaseAddress = new Uri($"https://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (i < 200)
            {
            }

            await Task.Delay(100);
        }

        // Several reporting systems send at once, as on a working day; each sends its batches one after another.
        var watch = Stopwatch.StartNew();
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var accepted = 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < batches.Count; i = Interlocked.Increment(ref next))
            {
                using var content = new ByteArrayContent(batches[i]);
                content.Headers.ContentType = new("application/json");
                using var response = await client.PostAsync("/api/v1/reports/XZCF", content);
                response.EnsureSuccessStatusCode();
                using var result = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
                Interlocked.Add(ref accepted, result.RootElement.GetProperty("accepted").GetInt32());
            }
        }));

        var elapsed = watch.Elapsed.TotalSeconds;
        var peak = PeakResidentMb(server.Id);
        clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
        server.Refresh();
        Console.WriteLine($"client CPU time: {clientCpu.TotalSeconds:F1} s ({clientCpu.TotalMilliseconds * 1000 / records:F0} µs per record)");
        Console.WriteLine($"server CPU time: {server.TotalProcessorTime.TotalSeconds:F1} s ({server.TotalProcessorTime.TotalMilliseconds * 1000 / records:F0} µs per record, start-up included)");
        server.Kill(entireProcessTree: true);
        Console.WriteLine($"platform: {accepted:N0} of {records:N0} accepted in {elapsed:F1} s");
        return (records / elapsed, peak);
    }

    /// <summary>The raw ceiling: binary COPY of rows of the same shape into a table with the same indexes.</summary>
    private static async Task<double> RawPostgresAsync(string connection, int records)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await new NpgsqlCommand(RawTable("bigint GENERATED BY DEFAULT AS IDENTITY", "text", "timestamptz", "date"), db).ExecuteNonQueryAsync();
        var watch = Stopwatch.StartNew();
        await using (var importer = await db.BeginBinaryImportAsync(
            "COPY raw_records (category_code, catalog_version, subject_id, source_unit_id, source_key, status, current_version, content_hash, data_json, decision_date, first_received_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (key, json, hash, date) in RawRows(records))
            {
                await importer.StartRowAsync();
                await importer.WriteAsync("XZCF", NpgsqlDbType.Text);
                await importer.WriteAsync(1, NpgsqlDbType.Integer);
                await importer.WriteAsync((long)(key.GetHashCode() & 0xFFFFF), NpgsqlDbType.Bigint);
                await importer.WriteAsync(1, NpgsqlDbType.Integer);
                await importer.WriteAsync(key, NpgsqlDbType.Text);
                await importer.WriteAsync(0, NpgsqlDbType.Integer);
                await importer.WriteAsync(1, NpgsqlDbType.Integer);
                await importer.WriteAsync(hash, NpgsqlDbType.Text);
                await importer.WriteAsync(json, NpgsqlDbType.Text);
                await importer.WriteAsync(date, NpgsqlDbType.Date);
                await importer.WriteAsync(DateTimeOffset.UtcNow, NpgsqlDbType.TimestampTz);
            }

            await importer.CompleteAsync();
        }

        var rate = records / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"raw COPY: {records:N0} rows in {watch.Elapsed.TotalSeconds:F1} s");
        return rate;
    }

    /// <summary>The raw ceiling on SQLite: one prepared INSERT in one transaction, WAL and synchronous=FULL as the platform runs.</summary>
    private static double RawSqlite(string connection, int records)
    {
        using var db = new SqliteConnection(connection);
        db.Open();
        using (var pragma = db.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;" + RawTable("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "INTEGER", "TEXT");
            pragma.ExecuteNonQuery();
        }

        var watch = Stopwatch.StartNew();
        using (var transaction = db.BeginTransaction())
        using (var insert = db.CreateCommand())
        {
            insert.CommandText = "INSERT INTO raw_records (category_code, catalog_version, subject_id, source_unit_id, source_key, status, current_version, content_hash, data_json, decision_date, first_received_at) VALUES ('XZCF', 1, $s, 1, $k, 0, 1, $h, $j, $d, $t)";
            var s = insert.Parameters.Add("$s", SqliteType.Integer);
            var k = insert.Parameters.Add("$k", SqliteType.Text);
            var h = insert.Parameters.Add("$h", SqliteType.Text);
            var j = insert.Parameters.Add("$j", SqliteType.Text);
            var d = insert.Parameters.Add("$d", SqliteType.Text);
            var t = insert.Parameters.Add("$t", SqliteType.Integer);
            insert.Prepare();
            foreach (var (key, json, hash, date) in RawRows(records))
            {
                s.Value = key.GetHashCode() & 0xFFFFF;
                k.Value = key;
                h.Value = hash;
                j.Value = json;
                d.Value = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                t.Value = DateTime.UtcNow.Ticks;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        var rate = records / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"raw prepared inserts: {records:N0} rows in {watch.Elapsed.TotalSeconds:F1} s");
        return rate;
    }

    private static string RawTable(string identity, string text, string time, string date) => $"""
        CREATE TABLE raw_records (id {identity} PRIMARY KEY, category_code {text} NOT NULL, catalog_version integer NOT NULL,
            subject_id bigint NOT NULL, source_unit_id integer NOT NULL, source_key {text} NOT NULL, status integer NOT NULL,
            current_version integer NOT NULL, content_hash {text} NOT NULL, data_json {text} NOT NULL, decision_date {date},
            first_received_at {time} NOT NULL);
        CREATE UNIQUE INDEX raw_records_source ON raw_records (source_unit_id, category_code, source_key);
        CREATE INDEX raw_records_subject ON raw_records (subject_id, category_code);
        """.Replace("PRIMARY KEY AUTOINCREMENT PRIMARY KEY", "PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal);

    /// <summary>Rows like the platform stores: the record's JSON, a 64-character hash, a key and a date.</summary>
    private static IEnumerable<(string Key, string Json, string Hash, DateOnly Date)> RawRows(int records)
    {
        var generator = new RecordGenerator(43, DateOnly.FromDateTime(DateTime.UtcNow));
        for (var n = 0; n < records; n++)
        {
            var record = generator.Penalty(n, "基准测试市场监督管理厅", "11640000013500127K");
            yield return (record["CF_WSH"]!, JsonSerializer.Serialize(record), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n))),
                DateOnly.Parse(record["CF_JDRQ"]!, CultureInfo.InvariantCulture));
        }
    }

    private static void MakeServerCertificate(string work)
    {
        using var caCert = X509Certificate2.CreateFromPemFile(Path.Combine(work, "ca.crt"), Path.Combine(work, "ca.key"));
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.Create(caCert, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        File.WriteAllText(Path.Combine(work, "server.crt"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(work, "server.key"), key.ExportPkcs8PrivateKeyPem());
    }

    private static double PeakResidentMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static async Task Cli(string web, Dictionary<string, string> environment, params string[] args)
    {
        using var process = Start(web, environment, args);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} failed with {process.ExitCode}");
        }
    }

    private static Process Start(string web, Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(web);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length - 1; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }
}
