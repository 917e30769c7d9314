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
            var path = ConnectionString["Data Source=".Length..];
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnection(Environment.GetEnvironmentVariable("CREDITSHARE_TEST_POSTGRES")!));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A connection as the superuser, to do what an attacker with database access would do.</summary>
    public string AdminConnectionString =>
        new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("CREDITSHARE_TEST_POSTGRES_ADMIN")
            ?? throw new InvalidOperationException("CREDITSHARE_TEST_POSTGRES_ADMIN is not set"))
        { Database = Name, Pooling = false }.ConnectionString;

    private static string ServerConnection(string server) => new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
}
