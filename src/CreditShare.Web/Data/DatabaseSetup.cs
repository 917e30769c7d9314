using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CreditShare.Web.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DatabaseSetup
{
    public const string DefaultSqlite = "Data Source=data/creditshare.db";

    public static DatabaseProvider Provider(IConfiguration configuration) =>
        Enum.TryParse<DatabaseProvider>(configuration["Database:Provider"], ignoreCase: true, out var p) ? p : DatabaseProvider.Sqlite;

    public static IServiceCollection AddAppDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("CreditShare");
        if (Provider(configuration) == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:CreditShare is empty.");
            }

            services.AddDbContextPool<AppDbContext, PostgresAppDbContext>(o => o.UseNpgsql(connectionString).ConfigureWarnings(ExpectedFailuresAreInformation));
        }
        else
        {
            connectionString = string.IsNullOrWhiteSpace(connectionString) ? DefaultSqlite : connectionString;
            EnsureSqliteDirectory(connectionString);
            var pragmas = new SqlitePragmas(SqliteSynchronous(configuration));
            services.AddDbContextPool<AppDbContext, SqliteAppDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(pragmas)
                .ConfigureWarnings(w =>
                {
                    ExpectedFailuresAreInformation(w);
                    // SQLite alters a column by rebuilding its table with foreign keys off, outside the transaction; the
                    // migrations that do so were reviewed, and a newcomer's first start should not read like a failure.
                    w.Ignore(SqliteEventId.TableRebuildPendingWarning, RelationalEventId.NonTransactionalMigrationOperationWarning);
                }));
        }

        return services;
    }

    /// <summary>
    /// A failed command is often expected and handled: the loser of two batches with one idempotency key hits the
    /// unique index and is answered with the winner's result. EF would log each as an error with a stack trace; a failure
    /// nobody handles still reaches the exception handler, which logs it as the error it is.
    /// </summary>
    private static void ExpectedFailuresAreInformation(WarningsConfigurationBuilder warnings) =>
        warnings.Log((RelationalEventId.CommandError, LogLevel.Information), (CoreEventId.SaveChangesFailed, LogLevel.Information));

    private static void EnsureSqliteDirectory(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (builder.TryGetValue("Data Source", out var source) && source is string path && path != ":memory:")
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
    }

    /// <summary>
    /// <c>Database:SqliteSynchronous</c>: <c>Full</c> (the default) fsyncs every commit, so an acknowledged commit survives
    /// a power cut; <c>Normal</c> fsyncs only at checkpoints — in WAL mode still consistent and still safe against a killed
    /// process, but the last commits before a power cut may be lost. For machines whose storage is battery-backed, and
    /// for the test run on a disk without a RAM disk.
    /// </summary>
    public static string SqliteSynchronous(IConfiguration configuration) => configuration["Database:SqliteSynchronous"]?.Trim().ToUpperInvariant() switch
    {
        null or "" or "FULL" => "FULL",
        "NORMAL" => "NORMAL",
        var other => throw new InvalidOperationException($"Database:SqliteSynchronous is '{other}': use Full or Normal."),
    };

    /// <summary>WAL lets readers work during writes; synchronous=FULL makes an acknowledged commit survive a power cut.</summary>
    private sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
    {
        private const string Full = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";
        private const string Normal = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";
        private readonly bool normal = synchronous == "NORMAL";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            if (normal)
            {
                command.CommandText = Normal;
            }
            else
            {
                command.CommandText = Full;
            }

            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            if (normal)
            {
                command.CommandText = Normal;
            }
            else
            {
                command.CommandText = Full;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

public sealed partial class SqliteAppDbContext
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type: store UTC instants as sortable integers so ORDER BY and comparisons run in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without starting the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(DatabaseSetup.DefaultSqlite).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=localhost;Database=creditshare_design").Options);
}
