using CreditShare.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CreditShare.Web.Tests;

/// <summary>
/// One throwaway database per test application, on the engine named by CREDITSHARE_TEST_PROVIDER (Sqlite or Postgres).
/// scripts/test starts the PostgreSQL server and passes its connection strings in CREDITSHARE_TEST_POSTGRES (the
/// application's role, no superuser) and CREDITSHARE_TEST_POSTGRES_ADMIN (a superuser, for tests that tamper).
/// </summary>
public sealed class TestDatabase
{
    private TestDatabase(string provider, string connectionString, string? name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Name = name;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>PostgreSQL database name, or null on SQLite.</summary>
    public string? Name { get; }

    public bool IsPostgres => Provider == "Postgres";

    public static string ProviderFromEnvironment => Environment.GetEnvironmentVariable("CREDITSHARE_TEST_PROVIDER") is { Length: > 0 } p ? p : "Sqlite";

    public static TestDatabase Create()
    {
        if (ProviderFromEnvironment.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            var server = Environment.GetEnvironmentVariable("CREDITSHARE_TEST_POSTGRES")
                ?? throw new InvalidOperationException("CREDITSHARE_TEST_POSTGRES is not set: run the tests through scripts/test.");
            var name = $"cs_test_{Guid.NewGuid():N}";
            var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true, MaxPoolSize = 20 };
            return new TestDatabase("Postgres", builder.ConnectionString, name);
        }

        var path = Path.Combine(Path.GetTempPath(), $"creditshare-test-{Guid.NewGuid():N}.db");
        return new TestDatabase("Sqlite", $"Data Source={path}", null);
    }

    /// <summary>
    /// The database with the schema already in place: a copy of a template migrated once per test process (a file copy
    /// on SQLite, <c>CREATE DATABASE … TEMPLATE</c> on PostgreSQL). Migrating every test app's database from nothing
    /// cost a few seconds each, over a hundred apps; what an app does at start (roles, catalog, keys, units) still runs
    /// on its own copy. Migrating from nothing stays tested by <c>MigrationTests</c>, <c>StartupTests</c> and
    /// <c>OlderBuildDatabaseTests</c>, which start from <see cref="CreateAsync"/>.
    /// </summary>
    public async Task CreateMigratedAsync()
    {
        var template = await MigratedTemplate.Value;
        if (IsPostgres)
        {
            await using var connection = new NpgsqlConnection(ServerConnection(Environment.GetEnvironmentVariable("CREDITSHARE_TEST_POSTGRES")!));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{Name}\" TEMPLATE \"{template}\"", connection);
            await command.ExecuteNonQueryAsync();
            return;
        }

        File.Copy(template, SqlitePath);
    }

    private static readonly Lazy<Task<string>> MigratedTemplate = new(CreateTemplateAsync);

    /// <summary>An empty database of the provider under test, migrated by the application's own database setup.</summary>
    private static async Task<string> CreateTemplateAsync()
    {
        var template = Create();
        await template.CreateAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = template.Provider,
            ["ConnectionStrings:CreditShare"] = template.ConnectionString,
        }).Build();
        await using (var services = new ServiceCollection().AddLogging().AddAppDatabase(configuration).BuildServiceProvider())
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.MigrateAsync();
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => DropQuietly(template);
        if (template.IsPostgres)
        {
            // No connection may stay open on a database that is being copied.
            NpgsqlConnection.ClearAllPools();
            return template.Name!;
        }

        // Closing the last connection checkpoints the WAL into the file, so the one file is the whole database.
        SqliteConnection.ClearAllPools();
        return template.SqlitePath;
    }

    /// <summary>At the end of the test process; scripts/test throws the whole server and folder away anyway.</summary>
    private static void DropQuietly(TestDatabase template)
    {
        try
        {
            template.DropAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
        {
        }
    }

    private string SqlitePath => ConnectionString["Data Source=".Length..];

    /// <summary>An empty database (on SQLite nothing at all: the file appears when the app first opens it).</summary>
    public async Task CreateAsync()
    {
        if (!IsPostgres)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ServerConnection(Environment.GetEnvironmentVariable("CREDITSHARE_TEST_POSTGRES")!));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DropAsync()
    {
        if (!IsPostgres)
        {
            var path = SqlitePath;
            foreach (var file in new[] { path, path + "-wal", path + "-shm", path + ".migration-lock" })
            {
                File.Delete(file);
            }

            return;
        }

        // A throwaway cluster's database: a drop that keeps failing (seen once in CI, class cleanup of a suite whose
        // loops were still winding down) is reported and left for the cluster's removal, not turned into a failed run.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(ServerConnection(Environment.GetEnvironmentVariable("CREDITSHARE_TEST_POSTGRES")!));
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (attempt < 5)
            {
                await Console.Error.WriteLineAsync($"DROP DATABASE {Name}, attempt {attempt}: {e.SqlState} {e.MessageText}");
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (PostgresException e)
            {
                await Console.Error.WriteLineAsync($"DROP DATABASE {Name} left to the cluster's removal: {e.SqlState} {e.MessageText}");
                return;
            }
        }
    }

    /// <summary>A connection as the superuser, to do what an attacker with database access would do.</summary>
    public string AdminConnectionString =>
        new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("CREDITSHARE_TEST_POSTGRES_ADMIN")
            ?? throw new InvalidOperationException("CREDITSHARE_TEST_POSTGRES_ADMIN is not set"))
        { Database = Name, Pooling = false }.ConnectionString;

    private static string ServerConnection(string server) => new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
}
