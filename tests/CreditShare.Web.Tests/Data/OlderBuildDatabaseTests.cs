using System.Data.Common;
using System.Diagnostics;
using CreditShare.Web.Features.Certificates;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CreditShare.Web.Tests.Data;

/// <summary>
/// A database made by an older build: its history names a migration this build does not know (and lacks this build's
/// baseline). EF alone would create the baseline's tables over the existing ones and fail half-way. The platform runs
/// as a real process, as an operator or a developer starts it.
/// </summary>
public sealed class OlderBuildDatabaseTests : IAsyncLifetime
{
    private const string ForeignMigration = "20261126000000_FromAnOlderBuild";
    private const string DemoBanner = "CreditShare 公共信用信息共享平台已启动";

    private readonly TestDatabase database = TestDatabase.Create();
    private readonly string folder = Directory.CreateTempSubdirectory("creditshare-older-").FullName;
    private readonly string[] keys = [.. Enumerable.Range(0, 3).Select(_ => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)))];

    public async Task InitializeAsync()
    {
        await database.CreateAsync();
        CertificateAuthority.CreateCa(Path.Combine(folder, "ca.crt"), Path.Combine(folder, "ca.key"), "Older Build Test CA", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    public async Task DisposeAsync()
    {
        await database.DropAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task In_production_the_start_stops_naming_the_unknown_migration_and_leaves_the_database_as_it_was()
    {
        var configured = Configured();
        var migrate = await RunAsync("Production", configured, "migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        await MakeOlderAsync(database.ConnectionString);
        var tables = await TableCountAsync(database.ConnectionString);

        var again = await RunAsync("Production", configured, "migrate");
        Assert.NotEqual(0, again.ExitCode);
        AssertRefusal(again.Output);
        Assert.Equal([ForeignMigration], await HistoryAsync(database.ConnectionString));
        Assert.Equal(tables, await TableCountAsync(database.ConnectionString));
    }

    [Fact]
    public async Task In_development_a_configured_database_is_not_recreated_either()
    {
        var configured = Configured();
        var migrate = await RunAsync("Production", configured, "migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        await MakeOlderAsync(database.ConnectionString);

        // Development makes its own keys and certificates under data/; only the database is configured.
        var start = await StartDevelopmentAsync(new Dictionary<string, string?>
        {
            ["Database__Provider"] = database.Provider,
            ["ConnectionStrings__CreditShare"] = database.ConnectionString,
        });
        Assert.False(start.Started, start.Output);
        AssertRefusal(start.Output);
        Assert.Equal([ForeignMigration], await HistoryAsync(database.ConnectionString));
    }

    [Fact]
    public async Task In_development_the_embedded_database_is_recreated_with_the_demo_seed_and_a_clean_audit_archive()
    {
        if (database.IsPostgres)
        {
            return; // the embedded database is SQLite whatever the provider under test
        }

        var embedded = $"Data Source={Path.Combine(folder, "data", "creditshare.db")};Pooling=False";
        var first = await StartDevelopmentAsync(new Dictionary<string, string?>());
        Assert.True(first.Started, first.Output);
        var ours = await HistoryAsync(embedded);
        Assert.NotEmpty(ours);
        // The old database's chain gets a checkpoint in the archive folder, as every running instance writes one.
        var archive = await RunAsync("Development", new Dictionary<string, string?>(), "archive-audit");
        Assert.True(archive.ExitCode == 0, archive.Output);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(folder, "data", "audit-archive"), "audit-checkpoint-*.json"));
        await MakeOlderAsync(embedded);

        var second = await StartDevelopmentAsync(new Dictionary<string, string?>());
        Assert.True(second.Started, second.Output);
        Assert.Contains("was made by an older build", second.Output, StringComparison.Ordinal);
        Assert.Contains("由旧版本程序创建", second.Output, StringComparison.Ordinal);
        Assert.Contains(ForeignMigration, second.Output, StringComparison.Ordinal);
        Assert.Equal(ours, await HistoryAsync(embedded));
        Assert.Equal(7, await ScalarAsync(embedded, """SELECT COUNT(*) FROM "Units" """)); // the demo seed ran on the new file
        Assert.Single(Directory.GetDirectories(Path.Combine(folder, "data"), "audit-archive.older-build-*"));
        var verify = await RunAsync("Development", new Dictionary<string, string?>(), "verify-audit");
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    private static void AssertRefusal(string output)
    {
        Assert.Contains("数据库由旧版本程序创建", output, StringComparison.Ordinal);
        Assert.Contains("The database was made by an older build", output, StringComparison.Ordinal);
        Assert.Contains(ForeignMigration, output, StringComparison.Ordinal);
    }

    /// <summary>The database under test, named in the configuration (as production does).</summary>
    private Dictionary<string, string?> Configured() => new()
    {
        ["Database__Provider"] = database.Provider,
        ["ConnectionStrings__CreditShare"] = database.ConnectionString,
        ["CertificateAuthority__CertificatePath"] = Path.Combine(folder, "ca.crt"),
        ["CertificateAuthority__KeyPath"] = Path.Combine(folder, "ca.key"),
        ["PersonalData__EncryptionKey"] = keys[0],
        ["PersonalData__LookupKey"] = keys[1],
        ["Audit__ChainKey"] = keys[2],
    };

    /// <summary>What an older build leaves behind: its own history, without this build's migrations.</summary>
    private static Task MakeOlderAsync(string connectionString) =>
        ExecuteAsync(connectionString, $"""DELETE FROM "__EFMigrationsHistory"; INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('{ForeignMigration}', '10.0.0')""");

    private ProcessStartInfo Start(string environment, IReadOnlyDictionary<string, string?> settings, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.ArgumentList.Add(ServerProcess.WebAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string environment, IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        using var process = Process.Start(Start(environment, settings, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    /// <summary>A Development start (`dotnet run`): until its banner shows it serving, or until it exits.</summary>
    private async Task<(bool Started, string Output)> StartDevelopmentAsync(IReadOnlyDictionary<string, string?> settings)
    {
        using var process = Process.Start(Start("Development", settings, ["--urls", "https://127.0.0.1:0"]))!;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
                if (e.Data.Contains(DemoBanner, StringComparison.Ordinal))
                {
                    started.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Up to three minutes: the demo seed reports a few thousand records, slow on a busy two-core machine.
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(started.Task, exited).WaitAsync(TimeSpan.FromMinutes(3));
        var running = first == started.Task;
        if (running)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync(); // with redirected output: also waits for the last lines
        return (running, string.Join('\n', lines));
    }

    private static DbConnection Connect(string connectionString) =>
        connectionString.StartsWith("Data Source=", StringComparison.Ordinal)
            ? new SqliteConnection(connectionString)
            : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = Connect(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = Connect(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> HistoryAsync(string connectionString)
    {
        await using var connection = Connect(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY "MigrationId" """;
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static Task<long> TableCountAsync(string connectionString) => ScalarAsync(connectionString, connectionString.StartsWith("Data Source=", StringComparison.Ordinal)
        ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
        : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'");
}
