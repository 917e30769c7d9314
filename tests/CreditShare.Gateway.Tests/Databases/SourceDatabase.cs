using System.Data.Common;
using CreditShare.Gateway.Databases;
using MySqlConnector;
using Npgsql;
using Xunit.Abstractions;

namespace CreditShare.Gateway.Tests.Databases;

/// <summary>
/// A unit's own database for a test: a fresh PostgreSQL or MariaDB database on the servers scripts/test starts
/// (CREDITSHARE_TEST_POSTGRES, CREDITSHARE_TEST_MARIADB), or a SQLite file. Without the server's variable a test is
/// skipped with a message locally, but fails under CI=true, so a broken set-up is noticed.
/// </summary>
public sealed class SourceDatabase : IAsyncDisposable
{
    private readonly string? server;

    private SourceDatabase(string provider, string connectionString, string? server, string? name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.server = server;
        Name = name;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    public string? Name { get; }

    /// <summary>The database's type for text, times and auto-numbered keys.</summary>
    public string TimeType => Provider switch { "postgresql" => "timestamptz", "mysql" => "DATETIME(6)", _ => "TEXT" };

    public static async Task<SourceDatabase?> CreateAsync(string provider, ITestOutputHelper output)
    {
        var variable = provider switch { "postgresql" => "CREDITSHARE_TEST_POSTGRES", "mysql" => "CREDITSHARE_TEST_MARIADB", _ => null };
        if (variable is null)
        {
            var path = Path.Combine(Path.GetTempPath(), $"creditshare-unitdb-{Guid.NewGuid():N}.db");
            return new SourceDatabase("sqlite", $"Data Source={path};Pooling=False", null, path);
        }

        var server = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(server))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{variable} is not set under CI=true: scripts/test must start the server");
            }

            output.WriteLine($"SKIPPED: {variable} is not set; run through scripts/test to test against {provider}");
            return null;
        }

        var name = $"cs_unit_{Guid.NewGuid():N}"[..24];
        if (provider == "postgresql")
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
            return new SourceDatabase(provider, new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString, server, name);
        }

        await using (var connection = new MySqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new SourceDatabase(provider, new MySqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString, server, name);
    }

    public Task<DbConnection> OpenAsync() => DbProviders.OpenAsync(Provider, ConnectionString, CancellationToken.None);

    public async Task ExecuteAsync(string sql, params object?[] args)
    {
        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, null, sql, args);
    }

    /// <summary>Runs <paramref name="sql"/> with <c>@p0</c>, <c>@p1</c> … bound to <paramref name="args"/>.</summary>
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, params object?[] args)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // test statements
        command.CommandText = sql;
#pragma warning restore CA2100
        for (var i = 0; i < args.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            parameter.Value = args[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // test statements
        command.CommandText = sql;
#pragma warning restore CA2100
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The columns of a 行政处罚 record, as text.</summary>
    public static IReadOnlyList<string> PenaltyColumns { get; } = [.. CreditShare.Web.Tests.TestRecords.Penalty(1).Keys];

    public static string PenaltyColumnsDdl => string.Join(", ", PenaltyColumns.Select(c => $"{c} TEXT"));

    /// <summary>Inserts record <paramref name="n"/> with <paramref name="extra"/> columns first (id, mark …).</summary>
    public static async Task InsertPenaltyAsync(DbConnection connection, DbTransaction? transaction, string table, int n, IReadOnlyDictionary<string, object?> extra,
        Action<Dictionary<string, string?>>? change = null)
    {
        var record = CreditShare.Web.Tests.TestRecords.Penalty(n);
        change?.Invoke(record);
        var columns = extra.Keys.Concat(record.Keys).ToList();
        var values = extra.Values.Concat(record.Values.Cast<object?>()).ToArray();
        await ExecuteAsync(connection, transaction,
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})", values);
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == "sqlite")
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { Name!, Name + "-wal", Name + "-shm" })
            {
                File.Delete(file);
            }

            return;
        }

        if (Provider == "postgresql")
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
            return;
        }

        await using var my = new MySqlConnection(server);
        await my.OpenAsync();
        await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{Name}`", my);
        await drop.ExecuteNonQueryAsync();
    }
}
