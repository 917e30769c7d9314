using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;

namespace CreditShare.Web.Data;

/// <summary>A table and how to turn one object into its row, columns in the same order.</summary>
public sealed record BulkTable<T>(string Name, IReadOnlyList<string> Columns, Func<T, object?[]> Row);

/// <summary>
/// Writes many new rows inside the DbContext's current transaction without change tracking: binary COPY on
/// PostgreSQL, one prepared INSERT reused for every row on SQLite. Ids are allocated up front (sequence values on
/// PostgreSQL, above the current maximum under SQLite's write lock) so that rows can point at each other.
/// </summary>
public static class BulkWriter
{
    private static readonly DateTimeOffsetToBinaryConverter SqliteTime = new();

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The table name comes from the code's BulkTable definitions and the count is an integer.")]
    public static async Task<List<long>> AllocateIdsAsync(AppDbContext db, string table, int count, CancellationToken cancellationToken)
    {
        var ids = new List<long>(count);
        if (count == 0)
        {
            return ids;
        }

        var (connection, transaction) = Current(db);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        if (db.IsSqlite)
        {
            command.CommandText = $"SELECT COALESCE(MAX(\"Id\"), 0) FROM \"{table}\"";
            var start = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            for (var i = 1; i <= count; i++)
            {
                ids.Add(start + i);
            }

            return ids;
        }

        // One array value rather than a row per id: reading thousands of rows cost more than the sequence itself.
        command.CommandText = $"SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'Id')) FROM generate_series(1, {count}))";
        ids.AddRange((long[])(await command.ExecuteScalarAsync(cancellationToken))!);
        return ids;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Table and column names come from the code's BulkTable definitions; values are parameters or COPY data.")]
    public static async Task InsertAsync<T>(AppDbContext db, BulkTable<T> table, IReadOnlyCollection<T> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var (connection, transaction) = Current(db);
        var columns = string.Join(", ", table.Columns.Select(c => $"\"{c}\""));
        if (connection is NpgsqlConnection npgsql)
        {
            await using var importer = await npgsql.BeginBinaryImportAsync($"COPY \"{table.Name}\" ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            // Synchronous writes: a value goes into Npgsql's buffer, and an async call per value cost more than the COPY
            // itself. The buffer is flushed to the socket now and then, briefly holding this thread.
            foreach (var item in items)
            {
                importer.StartRow();
                foreach (var value in table.Row(item))
                {
                    Write(importer, value);
                }
            }

            await importer.CompleteAsync(cancellationToken);
            return;
        }

        await using var command = (SqliteCommand)connection.CreateCommand();
        command.Transaction = (SqliteTransaction?)transaction;
        command.CommandText = $"INSERT INTO \"{table.Name}\" ({columns}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => $"$p{i}"))})";
        var parameters = table.Columns.Select((_, i) => command.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
        command.Prepare();
        foreach (var item in items)
        {
            var values = table.Row(item);
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = ForSqlite(values[i]);
            }

            command.ExecuteNonQuery();
        }
    }

    private static (DbConnection Connection, DbTransaction? Transaction) Current(AppDbContext db) =>
        (db.Database.GetDbConnection(), db.Database.CurrentTransaction?.GetDbTransaction());

    /// <summary>The same representation EF Core uses for SQLite (see the conventions of SqliteAppDbContext).</summary>
    private static object ForSqlite(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => SqliteTime.ConvertToProvider(time)!,
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Guid guid => guid.ToString().ToUpperInvariant(),
        Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture),
        _ => value,
    };

    private static void Write(NpgsqlBinaryImporter importer, object? value)
    {
        switch (value)
        {
            case null: importer.WriteNull(); break;
            case string s: importer.Write(s, NpgsqlDbType.Text); break;
            case long l: importer.Write(l, NpgsqlDbType.Bigint); break;
            case int i: importer.Write(i, NpgsqlDbType.Integer); break;
            case bool b: importer.Write(b, NpgsqlDbType.Boolean); break;
            case DateTimeOffset t: importer.Write(t.ToUniversalTime(), NpgsqlDbType.TimestampTz); break;
            case DateOnly d: importer.Write(d, NpgsqlDbType.Date); break;
            case Guid g: importer.Write(g, NpgsqlDbType.Uuid); break;
            case Enum e: importer.Write(Convert.ToInt32(e, CultureInfo.InvariantCulture), NpgsqlDbType.Integer); break;
            default: throw new NotSupportedException($"No COPY mapping for {value.GetType()}");
        }
    }
}
