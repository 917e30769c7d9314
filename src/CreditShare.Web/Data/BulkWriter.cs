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

        command.CommandText = $"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'Id')) FROM generate_series(1, {count})";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

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
            foreach (var item in items)
            {
                await importer.StartRowAsync(cancellationToken);
                foreach (var value in table.Row(item))
                {
                    await WriteAsync(importer, value, cancellationToken);
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

            await command.ExecuteNonQueryAsync(cancellationToken);
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

    private static Task WriteAsync(NpgsqlBinaryImporter importer, object? value, CancellationToken cancellationToken) => value switch
    {
        null => importer.WriteNullAsync(cancellationToken),
        string s => importer.WriteAsync(s, NpgsqlDbType.Text, cancellationToken),
        long l => importer.WriteAsync(l, NpgsqlDbType.Bigint, cancellationToken),
        int i => importer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken),
        bool b => importer.WriteAsync(b, NpgsqlDbType.Boolean, cancellationToken),
        DateTimeOffset t => importer.WriteAsync(t.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken),
        DateOnly d => importer.WriteAsync(d, NpgsqlDbType.Date, cancellationToken),
        Guid g => importer.WriteAsync(g, NpgsqlDbType.Uuid, cancellationToken),
        Enum e => importer.WriteAsync(Convert.ToInt32(e, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellationToken),
        _ => throw new NotSupportedException($"No COPY mapping for {value.GetType()}"),
    };
}
