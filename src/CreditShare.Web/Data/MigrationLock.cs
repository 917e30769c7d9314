using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CreditShare.Web.Data;

/// <summary>
/// One instance at a time prepares the database (creates it, migrates, loads roles, catalog and demo data); the others
/// wait and then find nothing left to do. EF's own migration lock is taken only after the history table exists, so two
/// instances starting together on an empty database both try to create it (or the database itself) and one crashes.
/// </summary>
public static partial class MigrationLock
{
    // Any constant will do; it only has to be the same for every instance. "CSMIGRAT" in ASCII.
    private const long AdvisoryKey = 0x43534D4947524154;

    public static async Task<IAsyncDisposable> AcquireAsync(AppDbContext db, ILogger logger, CancellationToken cancellationToken = default)
    {
        var connectionString = db.Database.GetConnectionString()!;
        return db.Database.IsNpgsql()
            ? await AcquirePostgresAsync(connectionString, logger, cancellationToken)
            : await AcquireSqliteAsync(connectionString, logger, cancellationToken);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The advisory key is a constant.")]
    private static async Task<IAsyncDisposable> AcquirePostgresAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        // Outside the pool: a session-level advisory lock must end with this connection, not linger in a pooled one.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await EnsurePostgresDatabaseAsync(builder, logger, cancellationToken);
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryKey})", connection))
        {
            if ((bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
            {
                return connection;
            }
        }

        LogWaiting(logger);
        await using (var wait = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryKey})", connection) { CommandTimeout = 0 })
        {
            await wait.ExecuteNonQueryAsync(cancellationToken);
        }

        return connection;
    }

    /// <summary>Creates the database if it is missing; losing that race to another instance is fine.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "CREATE DATABASE takes no parameters; the configured name is quoted as an identifier.")]
    private static async Task EnsurePostgresDatabaseAsync(NpgsqlConnectionStringBuilder target, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await using var probe = new NpgsqlConnection(target.ConnectionString);
            await probe.OpenAsync(cancellationToken);
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
        }

        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres" };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var name = target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal);
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogCreated(logger, target.Database);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            LogCreatedByOther(logger, target.Database);
        }
    }

    private static async Task<IAsyncDisposable> AcquireSqliteAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:")
        {
            return new FileLock(null);
        }

        // An exclusive open is an flock on Unix and a share-mode lock on Windows: both end with the process.
        var path = Path.GetFullPath(source) + ".migration-lock";
        var logged = false;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                if (!logged)
                {
                    LogWaiting(logger);
                    logged = true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    private sealed class FileLock(FileStream? stream) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => stream?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Another instance is preparing the database; waiting for it to finish")]
    private static partial void LogWaiting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created database {Database}")]
    private static partial void LogCreated(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Database} was created by another instance at the same moment")]
    private static partial void LogCreatedByOther(ILogger logger, string database);
}
