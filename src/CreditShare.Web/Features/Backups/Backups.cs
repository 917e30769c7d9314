using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CreditShare.Core.Audit;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CreditShare.Web.Features.Backups;

/// <summary>The section <c>Backup</c>.</summary>
public sealed class BackupOptions
{
    /// <summary>Folder of the PostgreSQL client tools (pg_dump, pg_restore); empty: on PATH, else the newest under /usr/lib/postgresql.</summary>
    public string? PostgresBinDirectory { get; set; }
}

/// <summary>What a backup holds, written beside it: the restore drill checks a restored copy against it.</summary>
public sealed record BackupManifest(string Provider, DateTimeOffset CreatedAt, string Sha256, long Bytes, IReadOnlyDictionary<string, long> Rows, long AuditHead);

/// <summary>The result of one restore drill, recorded in the live database (and audited).</summary>
public sealed class RestoreDrill
{
    public long Id { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset FinishedAt { get; set; }

    public string BackupFile { get; set; } = "";

    public DateTimeOffset BackupCreatedAt { get; set; }

    public bool Succeeded { get; set; }

    /// <summary>Rows compared, the audit chain's verdict, or what failed — in Chinese.</summary>
    public string Detail { get; set; } = "";
}

/// <summary>
/// Backups (等保 数据备份恢复): SQLite through its online backup API (a consistent copy while the platform runs);
/// PostgreSQL with <c>pg_dump</c> in custom format, taken in an exported snapshot whose row counts go into the manifest —
/// so the manifest describes exactly what the dump holds. A restore drill restores into a scratch database, compares
/// every table's rows with the manifest, verifies the audit chain there, drops the scratch database and records the
/// result.
/// </summary>
public sealed class Backups(AppDbContext db, AuditChainKey chainKey, AuditWriter audit, IServiceScopeFactory scopes, TimeProvider time,
    IOptions<BackupOptions> options, ILoggerFactory loggers)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string ManifestPath(string backup) => backup + ".manifest.json";

    public async Task<BackupManifest> BackupAsync(string path, CancellationToken cancellationToken = default)
    {
        path = Path.GetFullPath(path);
        if (File.Exists(path))
        {
            throw new InvalidOperationException($"{path} exists already; a backup never overwrites one.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        IReadOnlyDictionary<string, long> rows;
        long head;
        if (db.IsSqlite)
        {
            var live = (SqliteConnection)db.Database.GetDbConnection();
            var opened = live.State != System.Data.ConnectionState.Open;
            if (opened)
            {
                await live.OpenAsync(cancellationToken);
            }

            try
            {
                await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
                await copy.OpenAsync(cancellationToken);
                live.BackupDatabase(copy);
                // One self-contained file (no -wal beside it), which a drill can open read-only.
                await using var journal = copy.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode=DELETE";
                await journal.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                if (opened)
                {
                    await live.CloseAsync();
                }
            }

            await using var counted = SqliteContext(path);
            (rows, head) = await CountAsync(counted, cancellationToken);
        }
        else
        {
            // The counts and the dump see one snapshot: the transaction exports it and pg_dump takes it.
            await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            var snapshot = await db.Database.SqlQueryRaw<string>("SELECT pg_export_snapshot() AS \"Value\"").SingleAsync(cancellationToken);
            (rows, head) = await CountAsync(db, cancellationToken);
            await RunAsync("pg_dump", ["--format=custom", $"--snapshot={snapshot}", "--no-owner", $"--file={path}"], db.Database.GetConnectionString()!, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var bytes = new FileInfo(path).Length;
        var manifest = new BackupManifest(db.IsSqlite ? "Sqlite" : "Postgres", time.GetUtcNow(), await HashAsync(path, cancellationToken), bytes, rows, head);
        await File.WriteAllTextAsync(ManifestPath(path), JsonSerializer.Serialize(manifest, Json), cancellationToken);
        return manifest;
    }

    /// <summary>Restores a backup into the configured database, which must be empty (a restore never merges into live data).</summary>
    public async Task RestoreAsync(string path, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadManifestAsync(path, cancellationToken);
        if (db.IsSqlite)
        {
            if (manifest.Provider != "Sqlite")
            {
                throw new InvalidOperationException($"这是 {manifest.Provider} 的备份，不能恢复到 SQLite");
            }

            var target = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (File.Exists(target) && new FileInfo(target).Length > 0)
            {
                throw new InvalidOperationException($"目标数据库文件 {target} 不是空库：请恢复到新的数据库文件（ConnectionStrings:CreditShare），核对后再切换 / the target database is not empty.");
            }

            await CopySqliteAsync(path, target, cancellationToken);
            return;
        }

        if (manifest.Provider != "Postgres")
        {
            throw new InvalidOperationException($"这是 {manifest.Provider} 的备份，不能恢复到 PostgreSQL");
        }

        var tables = await db.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public'").SingleAsync(cancellationToken);
        if (tables > 0)
        {
            throw new InvalidOperationException("目标数据库不是空库：请恢复到新建的空数据库（ConnectionStrings:CreditShare），核对后再切换 / the target database is not empty.");
        }

        await RestorePostgresAsync(path, db.Database.GetConnectionString()!, cancellationToken);
    }

    /// <summary>Restores into a scratch database, checks it against the manifest and the audit chain, drops it, records the result.</summary>
    public async Task<RestoreDrill> DrillAsync(string path, CancellationToken cancellationToken = default)
    {
        var drill = new RestoreDrill { StartedAt = time.GetUtcNow(), BackupFile = Path.GetFileName(path) };
        var problems = new List<string>();
        var notes = new List<string>();
        try
        {
            var manifest = await ReadManifestAsync(path, cancellationToken);
            drill.BackupCreatedAt = manifest.CreatedAt;
            if (await HashAsync(path, cancellationToken) != manifest.Sha256)
            {
                problems.Add("备份文件的 SHA-256 与清单不符（文件被改动或不完整）");
            }
            else
            {
                await using var scratch = await ScratchAsync(path, cancellationToken);
                var (rows, head) = await CountAsync(scratch.Context, cancellationToken);
                foreach (var (table, expected) in manifest.Rows)
                {
                    var found = rows.GetValueOrDefault(table, -1);
                    if (found != expected)
                    {
                        problems.Add($"表 {table}：清单 {expected} 行，恢复后 {found} 行");
                    }
                }

                notes.Add($"{manifest.Rows.Count} 张表、{manifest.Rows.Values.Sum()} 行与清单一致性已比对");
                var checkpoints = Directory.CreateTempSubdirectory("creditshare-drill-checkpoints-");
                AuditVerification verification;
                try
                {
                    verification = await new AuditVerifier(scratch.Context, chainKey, NoCheckpoints(checkpoints.FullName)).VerifyAsync(cancellationToken);
                }
                finally
                {
                    checkpoints.Delete(recursive: true);
                }

                if (!verification.Intact)
                {
                    problems.Add($"审计链断裂于第 {verification.FirstBreak!.Sequence} 条：{verification.FirstBreak.Message}");
                }
                else if (head != manifest.AuditHead)
                {
                    problems.Add($"审计链末条为第 {head} 条，清单为第 {manifest.AuditHead} 条");
                }
                else
                {
                    notes.Add($"审计链完整（{verification.EntriesChecked} 条，末条第 {head} 条）");
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or JsonException or DbException or System.ComponentModel.Win32Exception)
        {
            problems.Add(e.Message);
        }

        drill.FinishedAt = time.GetUtcNow();
        drill.Succeeded = problems.Count == 0;
        var detail = string.Join("；", problems.Count == 0 ? notes : problems);
        drill.Detail = detail.Length <= 4000 ? detail : detail[..3999] + "…";
        db.RestoreDrills.Add(drill);
        audit.Stage(db, new AuditRecord(AuditEvent.Security_RestoreDrill, drill.Succeeded ? AuditOutcome.Success : AuditOutcome.Failure)
        {
            Account = "system",
            Target = drill.BackupFile,
            Detail = drill.Detail,
        });
        await db.SaveChangesAsync(cancellationToken);
        await audit.ChainPendingAsync();
        return drill;
    }

    // The live checkpoints describe the chain as it is now, beyond the backup; the chain's own keyed links are checked.
    private AuditCheckpoints NoCheckpoints(string empty)
    {
        return new AuditCheckpoints(scopes, chainKey, time, Options.Create(new AuditOptions { ArchiveDirectory = empty }), loggers.CreateLogger<AuditCheckpoints>());
    }

    private static async Task<BackupManifest> ReadManifestAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path) || !File.Exists(ManifestPath(path)))
        {
            throw new InvalidOperationException($"没有找到备份文件或其清单：{path}（{Path.GetFileName(ManifestPath(path))}）");
        }

        return JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(ManifestPath(path), cancellationToken), Json)
            ?? throw new InvalidOperationException("备份清单无法读取");
    }

    /// <summary>Rows per table of the model, and the audit chain's last sequence.</summary>
    private static async Task<(IReadOnlyDictionary<string, long> Rows, long AuditHead)> CountAsync(AppDbContext context, CancellationToken cancellationToken)
    {
        var rows = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in context.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct())
        {
            // The table name comes from the model, never from input.
#pragma warning disable EF1002
            rows[table] = await context.Database.SqlQueryRaw<long>($"SELECT COUNT(*) AS \"Value\" FROM \"{table}\"").SingleAsync(cancellationToken);
#pragma warning restore EF1002
        }

        var head = await context.AuditEntries.Select(a => (long?)a.Sequence).MaxAsync(cancellationToken) ?? 0;
        return (rows, head);
    }

    private async Task<Scratch> ScratchAsync(string path, CancellationToken cancellationToken)
    {
        if (db.IsSqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"creditshare-drill-{Guid.NewGuid():N}.db");
            try
            {
                await CopySqliteAsync(path, file, cancellationToken);
            }
            catch
            {
                SqliteConnection.ClearAllPools();
                File.Delete(file);
                throw;
            }

            return new Scratch(SqliteContext(file), () =>
            {
                SqliteConnection.ClearAllPools();
                File.Delete(file);
                return Task.CompletedTask;
            });
        }

        var live = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        var name = $"creditshare_drill_{Guid.NewGuid():N}"[..40];
        var admin = new NpgsqlConnectionStringBuilder(live.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"", cancellationToken);
        var target = new NpgsqlConnectionStringBuilder(live.ConnectionString) { Database = name, Pooling = false }.ConnectionString;
        try
        {
            await RestorePostgresAsync(path, target, cancellationToken);
        }
        catch
        {
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None);
            throw;
        }

        var context = new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(target).Options);
        return new Scratch(context, () => ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None));
    }

    private async Task RestorePostgresAsync(string path, string connectionString, CancellationToken cancellationToken) =>
        await RunAsync("pg_restore", ["--no-owner", "--exit-on-error", "--single-transaction", path], connectionString, cancellationToken);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "CREATE and DROP of a scratch database whose name the code makes from a GUID.")]
    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqliteAppDbContext SqliteContext(string file) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ConnectionString).Options);

    private static async Task CopySqliteAsync(string from, string to, CancellationToken cancellationToken)
    {
        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = from, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = to, Pooling = false }.ConnectionString);
        await source.OpenAsync(cancellationToken);
        await target.OpenAsync(cancellationToken);
        source.BackupDatabase(target);
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>Runs a PostgreSQL client tool; the password goes in PGPASSWORD, never on the command line.</summary>
    private async Task RunAsync(string tool, IEnumerable<string> arguments, string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(ToolPath(tool)) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add($"--dbname={connection.Database}");
        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = connection.Username;
        start.Environment["PGDATABASE"] = connection.Database;
        if (connection.Password is { Length: > 0 } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} 无法启动（{start.FileName}）：{e.Message}", e);
        }

        using var process = started ?? throw new InvalidOperationException($"{tool} could not be started");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} 失败（退出码 {process.ExitCode}）：{(await errors).Trim()}");
        }
    }

    private string ToolPath(string tool)
    {
        if (options.Value.PostgresBinDirectory is { Length: > 0 } configured)
        {
            return Path.Combine(configured, tool);
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            return onPath;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", tool)).Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0).FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException($"{tool} not found: install postgresql-client or set Backup:PostgresBinDirectory.");
    }

    private sealed class Scratch(AppDbContext context, Func<Task> drop) : IAsyncDisposable
    {
        public AppDbContext Context { get; } = context;

        public async ValueTask DisposeAsync()
        {
            await Context.DisposeAsync();
            await drop();
        }
    }
}

internal sealed class RestoreDrillConfiguration : IEntityTypeConfiguration<RestoreDrill>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<RestoreDrill> builder)
    {
        builder.Property(d => d.BackupFile).HasMaxLength(260);
        builder.Property(d => d.Detail).HasMaxLength(4000);
        builder.HasIndex(d => d.StartedAt);
    }
}
