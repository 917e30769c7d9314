using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Core.Sharing;
using CreditShare.Gateway.Databases;

namespace CreditShare.Gateway.Pull;

/// <summary>What the unit may receive right now, by category: the granted field codes (as the platform spells them).</summary>
public sealed class GrantedFields
{
    public GrantedFields(IEnumerable<KeyValuePair<string, SortedSet<string>>> byCategory)
    {
        ByCategory = new SortedDictionary<string, SortedSet<string>>(byCategory.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
    }

    public SortedDictionary<string, SortedSet<string>> ByCategory { get; }

    public string ToJson() => JsonSerializer.Serialize(ByCategory);

    public static GrantedFields FromJson(string? json) =>
        new(string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, string[]>>(json)!
            .Select(p => KeyValuePair.Create(p.Key, new SortedSet<string>(p.Value, StringComparer.Ordinal))));

    public bool SameAs(GrantedFields other) => ToJson() == other.ToJson();
}

/// <summary>Where the local copy stands: the feed position its rows reflect, the grants they were pulled under, and the resync round.</summary>
public sealed record PullCursor(bool Exists, string? Position, GrantedFields Grants, long Round, bool Sweeping);

/// <summary>
/// The unit's local copy of its granted data in its own database (SQLite or PostgreSQL): one table per category
/// (<c>cs_xzcf</c>) with the fixed columns and one text column per granted field, and <c>cs_cursor</c> holding the
/// feed position. Every page of changes and the position after it are written in ONE transaction, so a kill at any
/// point leaves either the whole page applied with its position, or neither — resuming neither loses nor repeats.
/// </summary>
/// <remarks>
/// When the grants change (a category or field added or removed, a grant ending) the copy is rebuilt from the start of
/// the feed, which carries every shareable record once in its latest state: rows seen again get the new columns filled,
/// rows not seen by the end (<c>sync_round</c> older than the round) are swept. What is no longer granted is removed at
/// once, not at the end of the rebuild: a unit must not keep data it is no longer entitled to.
/// </remarks>
public sealed class LocalCopy(PullOptions options)
{
    public const string CursorTable = "cs_cursor";

    /// <summary>The columns every category table has; a field whose column name would clash with one is refused.</summary>
    public static readonly string[] FixedColumns = ["record_id", "subject_code", "version", "changed_at", "decision_date", "sharing_end", "source_unit", "sync_round"];

    private static readonly JsonSerializerOptions FileJson = new(WireJson.Options) { WriteIndented = true };

    private bool Postgres => options.Provider.Equals("postgresql", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>XZCF</c> → <c>cs_xzcf</c>; only category codes of the catalog's shape get a table.</summary>
    public static string TableFor(string category) =>
        GatewayConfiguration.IsCategoryCode(category) ? "cs_" + category.ToLowerInvariant() : throw new PullException($"平台发来的信息类别代码“{category}”格式不对，无法建表");

    /// <summary>A field code as a lower-case column name (so the unit's SQL needs no quotes on PostgreSQL).</summary>
    public static string ColumnFor(string field)
    {
        var name = field.ToLowerInvariant();
        var valid = name.Length is > 0 and <= 63 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
        if (!valid || FixedColumns.Contains(name))
        {
            throw new PullException($"授权字段“{field}”不能用作本地副本的列名（只能是字母开头的字母、数字、下划线，且不能与固定列同名）");
        }

        return name;
    }

    private static string Q(string identifier) => "\"" + identifier + "\"";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await DbProviders.OpenAsync(options.Provider, options.ConnectionString, cancellationToken);
        try
        {
            if (!Postgres)
            {
                // WAL with full sync: a committed page survives a power cut, and the unit's readers do not block the gateway.
                await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;", cancellationToken);
            }

            await ExecuteAsync(connection, null,
                $"CREATE TABLE IF NOT EXISTS {CursorTable} (id INTEGER PRIMARY KEY, position TEXT NULL, grants TEXT NOT NULL, sync_round BIGINT NOT NULL, sweeping INTEGER NOT NULL, updated_at TEXT NOT NULL)",
                cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<PullCursor> ReadCursorAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT position, grants, sync_round, sweeping FROM {CursorTable} WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new PullCursor(false, null, new GrantedFields([]), 0, false);
        }

        return new PullCursor(true, reader.IsDBNull(0) ? null : reader.GetString(0), GrantedFields.FromJson(reader.GetString(1)),
            Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture) != 0);
    }

    /// <summary>
    /// Applies one page and stores its <c>next</c> in the same transaction; <paramref name="restart"/> begins a rebuild
    /// under <paramref name="grants"/>. Returns the number of changes taken from the page.
    /// </summary>
    public async Task<int> ApplyAsync(PullCursor before, GrantedFields grants, bool restart, ChangePage page, DateTimeOffset now,
        Func<ChangePage, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var round = before.Round;
        var sweeping = before.Sweeping;
        if (restart)
        {
            round++;
            sweeping = true;
            await DropUngrantedAsync(connection, transaction, before.Grants, grants, cancellationToken);
        }

        var columns = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (category, fields) in grants.ByCategory)
        {
            columns[category] = await EnsureTableAsync(connection, transaction, category, fields, cancellationToken);
        }

        var taken = 0;
        foreach (var change in page.Changes)
        {
            // A category granted after this page's grants were read: the next page sees the new grants and rebuilds.
            if (!columns.TryGetValue(change.Category, out var fieldColumns))
            {
                continue;
            }

            var table = TableFor(change.Category);
            if (ChangeKinds.CarriesRecord(change.Change) && change.Record is { } record)
            {
                if (await UpsertAsync(connection, transaction, table, fieldColumns, change, record, round, cancellationToken) > 0)
                {
                    WriteJson(change);
                }
            }
            else if (change.Change is ChangeKinds.Withdrawn or ChangeKinds.Expired)
            {
                await using var delete = Command(connection, transaction, $"DELETE FROM {Q(table)} WHERE record_id = @id AND version <= @version");
                Add(delete, "@id", change.RecordId);
                Add(delete, "@version", change.Version);
                if (await delete.ExecuteNonQueryAsync(cancellationToken) > 0 || !await ExistsAsync(connection, transaction, table, change.RecordId, cancellationToken))
                {
                    DeleteJson(change.Category, change.RecordId);
                }
            }

            taken++;
        }

        if (sweeping && !page.HasMore)
        {
            // The rebuild reached the end of the feed: what it did not see again is no longer shared.
            foreach (var category in grants.ByCategory.Keys)
            {
                await SweepAsync(connection, transaction, category, $"sync_round < {round.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
            }

            sweeping = false;
        }

        await using (var cursor = Command(connection, transaction,
            $"INSERT INTO {CursorTable} (id, position, grants, sync_round, sweeping, updated_at) VALUES (1, @position, @grants, @round, @sweeping, @at) "
            + "ON CONFLICT (id) DO UPDATE SET position = excluded.position, grants = excluded.grants, sync_round = excluded.sync_round, sweeping = excluded.sweeping, updated_at = excluded.updated_at"))
        {
            Add(cursor, "@position", page.Next);
            Add(cursor, "@grants", grants.ToJson());
            Add(cursor, "@round", round);
            Add(cursor, "@sweeping", sweeping ? 1 : 0);
            Add(cursor, "@at", now.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            await cursor.ExecuteNonQueryAsync(cancellationToken);
        }

        if (beforeCommit is not null)
        {
            await beforeCommit(page);
        }

        await transaction.CommitAsync(cancellationToken);
        return taken;
    }

    /// <summary>Rows of categories no longer granted are deleted; columns of fields no longer granted are emptied.</summary>
    private async Task DropUngrantedAsync(DbConnection connection, DbTransaction transaction, GrantedFields old, GrantedFields now, CancellationToken cancellationToken)
    {
        var known = old.ByCategory.Keys.ToList();
        foreach (var category in known)
        {
            var existing = await ColumnsAsync(connection, transaction, TableFor(category), cancellationToken);
            if (existing.Count == 0)
            {
                continue;
            }

            if (!now.ByCategory.TryGetValue(category, out var fields))
            {
                await SweepAsync(connection, transaction, category, "1 = 1", cancellationToken);
                continue;
            }

            var keep = fields.Select(ColumnFor).ToHashSet();
            var gone = existing.Where(c => !FixedColumns.Contains(c) && !keep.Contains(c)).ToList();
            if (gone.Count > 0)
            {
                await ExecuteAsync(connection, transaction, $"UPDATE {Q(TableFor(category))} SET {string.Join(", ", gone.Select(c => Q(c) + " = NULL"))}", cancellationToken);
            }
        }
    }

    private async Task SweepAsync(DbConnection connection, DbTransaction transaction, string category, string where, CancellationToken cancellationToken)
    {
        var table = TableFor(category);
        if (options.JsonDirectory is { Length: > 0 })
        {
            var ids = new List<long>();
            await using (var select = Command(connection, transaction, $"SELECT record_id FROM {Q(table)} WHERE {where}"))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
                }
            }

            foreach (var id in ids)
            {
                DeleteJson(category, id);
            }
        }

        await ExecuteAsync(connection, transaction, $"DELETE FROM {Q(table)} WHERE {where}", cancellationToken);
    }

    /// <summary>Creates the category's table if needed and adds a column for every granted field it lacks; returns its field columns.</summary>
    private async Task<List<string>> EnsureTableAsync(DbConnection connection, DbTransaction transaction, string category, IEnumerable<string> fields,
        CancellationToken cancellationToken)
    {
        var table = TableFor(category);
        var wanted = fields.Select(ColumnFor).ToList();
        var existing = await ColumnsAsync(connection, transaction, table, cancellationToken);
        if (existing.Count == 0)
        {
            var fixedColumns = Postgres
                ? "record_id BIGINT PRIMARY KEY, subject_code TEXT NULL, version INTEGER NOT NULL, changed_at TIMESTAMPTZ NOT NULL, decision_date DATE NULL, sharing_end DATE NULL, source_unit TEXT NULL, sync_round BIGINT NOT NULL"
                : "record_id INTEGER PRIMARY KEY, subject_code TEXT NULL, version INTEGER NOT NULL, changed_at TEXT NOT NULL, decision_date TEXT NULL, sharing_end TEXT NULL, source_unit TEXT NULL, sync_round INTEGER NOT NULL";
            await ExecuteAsync(connection, transaction,
                $"CREATE TABLE {Q(table)} ({fixedColumns}{string.Concat(wanted.Select(c => $", {Q(c)} TEXT NULL"))})", cancellationToken);
            await ExecuteAsync(connection, transaction, $"CREATE INDEX IF NOT EXISTS {Q("ix_" + table + "_subject")} ON {Q(table)} (subject_code)", cancellationToken);
            return wanted;
        }

        foreach (var column in wanted.Where(c => !existing.Contains(c)))
        {
            // A grant grew: the new column starts empty; the rebuild that a grant change starts fills it.
            await ExecuteAsync(connection, transaction, $"ALTER TABLE {Q(table)} ADD COLUMN {Q(column)} TEXT NULL", cancellationToken);
            existing.Add(column);
        }

        return [.. existing.Where(c => !FixedColumns.Contains(c))];
    }

    private async Task<List<string>> ColumnsAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken)
    {
        // Catalog queries, not a probe that fails: a failed statement would abort a PostgreSQL transaction.
        await using var command = Command(connection, transaction, Postgres
            ? "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table ORDER BY ordinal_position"
            : "SELECT name FROM pragma_table_info(@table) ORDER BY cid");
        Add(command, "@table", table);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    /// <summary>Inserts or replaces the row unless the local one is newer; every field column is written, so one no longer carried becomes empty.</summary>
    private async Task<int> UpsertAsync(DbConnection connection, DbTransaction transaction, string table, List<string> fieldColumns, SharedChange change,
        SharedRecord record, long round, CancellationToken cancellationToken)
    {
        var values = record.Fields.ToDictionary(f => f.Key.ToLowerInvariant(), f => f.Value);
        var all = FixedColumns.Concat(fieldColumns).ToList();
        var parameters = all.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var sql = $"INSERT INTO {Q(table)} ({string.Join(", ", all.Select(Q))}) VALUES ({string.Join(", ", parameters)}) "
            + $"ON CONFLICT (record_id) DO UPDATE SET {string.Join(", ", all.Skip(1).Select(c => $"{Q(c)} = excluded.{Q(c)}"))} "
            + $"WHERE {Q(table)}.version <= excluded.version";
        await using var command = Command(connection, transaction, sql);
        object?[] fixedValues =
        [
            change.RecordId, change.SubjectCode, change.Version, Postgres ? change.ChangedAt.ToUniversalTime() : change.ChangedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            Date(record.DecisionDate), Date(record.SharingEnd), record.SourceUnit, round,
        ];
        for (var i = 0; i < all.Count; i++)
        {
            Add(command, parameters[i], i < fixedValues.Length ? fixedValues[i] : values.GetValueOrDefault(all[i]));
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private object? Date(DateOnly? date) => date is not { } d ? null : Postgres ? d : d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<bool> ExistsAsync(DbConnection connection, DbTransaction transaction, string table, long id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT COUNT(*) FROM {Q(table)} WHERE record_id = @id");
        Add(command, "@id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
    }

    private string? JsonPath(string category, long id) =>
        options.JsonDirectory is { Length: > 0 } root ? Path.Combine(root, category, id.ToString(CultureInfo.InvariantCulture) + ".json") : null;

    /// <summary>
    /// Written before the page's transaction commits: if the commit never happens, the page is applied again and the
    /// file rewritten, so a file is never missing for a committed row. Temp file and rename: a reader never sees half a file.
    /// </summary>
    private void WriteJson(SharedChange change)
    {
        if (JsonPath(change.Category, change.RecordId) is not { } path)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, change, FileJson);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private void DeleteJson(string category, long id)
    {
        if (JsonPath(category, id) is { } path)
        {
            File.Delete(path);
        }
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // table and column names are validated identifiers (TableFor, ColumnFor), quoted; values are parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        return command;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>A failure of pull mode, in words the unit's operator can act on; the cursor has not moved past anything unapplied.</summary>
public sealed class PullException(string message, Exception? inner = null) : Exception(message, inner);
