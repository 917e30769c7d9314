using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
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
        var options = BenchPlatform.Options(args);
        var records = int.Parse(options.GetValueOrDefault("records") ?? "1000000", CultureInfo.InvariantCulture);
        var clients = int.Parse(options.GetValueOrDefault("clients") ?? "4", CultureInfo.InvariantCulture);
        var platform = await BenchPlatform.CreateAsync(options);
        Console.WriteLine($"ingest benchmark: {records:N0} records, {platform.Provider}, {clients} concurrent clients, work folder {platform.Work}");

        var generator = new RecordGenerator(42, DateOnly.FromDateTime(DateTime.UtcNow));
        var batches = new List<byte[]>();
        for (var start = 0; start < records; start += 5000)
        {
            batches.Add(JsonSerializer.SerializeToUtf8Bytes(Enumerable.Range(start, Math.Min(5000, records - start))
                .Select(n => generator.Penalty(n, BenchPlatform.SourceName, BenchPlatform.SourceCode)).ToList()));
        }

        var (platformRate, peakMb) = await PlatformAsync(platform, batches, records, clients);
        var rawRate = platform.Provider == "Postgres" ? await RawPostgresAsync(platform.Connection, records) : RawSqlite(platform.Connection, records);
        Console.WriteLine();
        Console.WriteLine($"| provider | records | platform rec/s | raw rows/s | ratio | server peak RSS |");
        Console.WriteLine($"| {platform.Provider} | {records:N0} | {platformRate:N0} | {rawRate:N0} | {platformRate / rawRate:F2} | {peakMb:N0} MB |");
        return 0;
    }

    private static async Task<(double Rate, double PeakMb)> PlatformAsync(BenchPlatform platform, List<byte[]> batches, int records, int clients)
    {
        var address = new Uri($"https://127.0.0.1:{BenchPlatform.FreePort()}");
        using var client = platform.ReportingClient(address);
        using var server = await platform.StartAsync(address.ToString(), address);

        // Several reporting systems send at once, as on a working day; each sends its batches one after another.
        var watch = Stopwatch.StartNew();
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var accepted = 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < batches.Count; i = Interlocked.Increment(ref next))
            {
                Interlocked.Add(ref accepted, await SendAsync(client, "XZCF", batches[i]));
            }
        }));

        var elapsed = watch.Elapsed.TotalSeconds;
        var peak = BenchPlatform.PeakResidentMb(server.Id);
        clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
        server.Refresh();
        Console.WriteLine($"client CPU time: {clientCpu.TotalSeconds:F1} s ({clientCpu.TotalMilliseconds * 1000 / records:F0} µs per record)");
        Console.WriteLine($"server CPU time: {server.TotalProcessorTime.TotalSeconds:F1} s ({server.TotalProcessorTime.TotalMilliseconds * 1000 / records:F0} µs per record, start-up included)");
        server.Kill(entireProcessTree: true);
        Console.WriteLine($"platform: {accepted:N0} of {records:N0} accepted in {elapsed:F1} s");
        return (records / elapsed, peak);
    }

    /// <summary>Posts one batch to the reporting API; returns how many records were accepted.</summary>
    public static async Task<int> SendAsync(HttpClient client, string category, byte[] batch)
    {
        using var content = new ByteArrayContent(batch);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync($"/api/v1/reports/{category}", content);
        response.EnsureSuccessStatusCode();
        using var result = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        var rejected = result.RootElement.GetProperty("rejected").GetInt32();
        if (rejected > 0)
        {
            var text = result.RootElement.ToString();
            Console.WriteLine($"{rejected} rejected: {text[..Math.Min(text.Length, 1500)]}");
        }

        return result.RootElement.GetProperty("accepted").GetInt32();
    }

    /// <summary>The raw ceiling: binary COPY of rows of the same shape into a table with the same indexes.</summary>
    private static async Task<double> RawPostgresAsync(string connection, int records)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await new NpgsqlCommand(RawTable("bigint GENERATED BY DEFAULT AS IDENTITY", "text", "timestamptz", "date"), db).ExecuteNonQueryAsync();
        var watch = Stopwatch.StartNew();
        await using (var importer = await db.BeginBinaryImportAsync(
            "COPY raw_records (category_code, catalog_version, subject_id, source_unit_id, source_key, status, current_version, content_hash, data_json, decision_date, first_received_at, change_tx) FROM STDIN (FORMAT BINARY)"))
        {
            var row = 0L;
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
                await importer.WriteAsync(row++ / 5000, NpgsqlDbType.Bigint);
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
            insert.CommandText = "INSERT INTO raw_records (category_code, catalog_version, subject_id, source_unit_id, source_key, status, current_version, content_hash, data_json, decision_date, first_received_at, change_tx) VALUES ('XZCF', 1, $s, 1, $k, 0, 1, $h, $j, $d, $t, $c)";
            var s = insert.Parameters.Add("$s", SqliteType.Integer);
            var k = insert.Parameters.Add("$k", SqliteType.Text);
            var h = insert.Parameters.Add("$h", SqliteType.Text);
            var j = insert.Parameters.Add("$j", SqliteType.Text);
            var d = insert.Parameters.Add("$d", SqliteType.Text);
            var t = insert.Parameters.Add("$t", SqliteType.Integer);
            var c = insert.Parameters.Add("$c", SqliteType.Integer);
            insert.Prepare();
            var row = 0L;
            foreach (var (key, json, hash, date) in RawRows(records))
            {
                s.Value = key.GetHashCode() & 0xFFFFF;
                k.Value = key;
                h.Value = hash;
                j.Value = json;
                d.Value = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                t.Value = DateTime.UtcNow.Ticks;
                c.Value = row++ / 5000;
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
            first_received_at {time} NOT NULL, change_tx bigint NOT NULL);
        CREATE UNIQUE INDEX raw_records_source ON raw_records (source_unit_id, category_code, source_key);
        CREATE INDEX raw_records_subject ON raw_records (subject_id, category_code);
        CREATE INDEX raw_records_change ON raw_records (change_tx, id);
        """.Replace("PRIMARY KEY AUTOINCREMENT PRIMARY KEY", "PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal);

    /// <summary>Rows like the platform stores: the record's JSON, a 64-character hash, a key and a date.</summary>
    private static IEnumerable<(string Key, string Json, string Hash, DateOnly Date)> RawRows(int records)
    {
        var generator = new RecordGenerator(43, DateOnly.FromDateTime(DateTime.UtcNow));
        for (var n = 0; n < records; n++)
        {
            var record = generator.Penalty(n, BenchPlatform.SourceName, BenchPlatform.SourceCode);
            yield return (record["CF_WSH"]!, JsonSerializer.Serialize(record), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n))),
                DateOnly.Parse(record["CF_JDRQ"]!, CultureInfo.InvariantCulture));
        }
    }
}
