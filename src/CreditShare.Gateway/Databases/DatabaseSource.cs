using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CreditShare.Core.Catalog;
using CreditShare.Gateway.Feedback;
using CreditShare.Gateway.Folders;
using CreditShare.Gateway.Operations;
using CreditShare.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace CreditShare.Gateway.Databases;

/// <summary>
/// Database docking (GB/T 39443 §5.6): reads a table or view of the unit's own database and hands blocks of rows to the
/// spool as JSON arrays, one record per row (column name → text). Two modes:
/// <list type="bullet">
/// <item><b>outbox</b> (recommended): the business system writes the row in its own transaction; every row not yet
/// acknowledged is read, and once the platform's answers for its block are stored the rows are marked
/// (<c>AckColumn</c> = the database's time) or deleted.</item>
/// <item><b>watermark</b>: an update-time or sequence column. A plain "greater than the last value" loses rows whose
/// transaction took its value first and committed last (confluentinc/kafka-connect-jdbc#27, #915, #1015), so every poll
/// reads again from <c>Overlap</c> behind the mark, leaves time marks younger than <c>LagSeconds</c> for later, and skips
/// rows whose (key, content hash) were already taken (the store's <c>seen</c> table, written in the same transaction as
/// the block). The mark is the block's commit value: it moves only in the transaction that stores the block's last answer.</item>
/// </list>
/// Rows in flight are remembered in <c>seen</c> too, so an outage of hours does not queue the same rows again; the keys of
/// a block are kept beside it in the spool (<c>rows.json</c>) for its acknowledgement and its feedback.
/// </summary>
public sealed class DatabaseSource(
    DatabaseSourceOptions db, GatewayOptions options, Spool spool, GatewayStore queue, GatewayStatus status, TimeProvider time,
    ILogger<DatabaseSource> logger, Action wakeSender) : BackgroundService, IFinishedFiles
{
    public const string RowsFile = "rows.json";

    /// <summary>Blocks taken by one poll at most; the rest waits for the next.</summary>
    private const int BlocksPerPoll = 20;

    public string SourceName { get; } = "db:" + db.Name;

    private string MarkKey => "mark:" + SourceName;

    private string ColumnsKey => "columns:" + SourceName;

    private bool Watermark => db.Mode == "watermark";

    public bool Owns(QueuedFile file) => file.Source == SourceName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RememberInFlight();
        var interval = TimeSpan.FromSeconds(Math.Max(1, db.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            await PollOnceAsync(stoppingToken);
            await Task.Delay(interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// One look at the table: takes blocks of at most <c>Spool:BatchSize</c> rows until fewer are left; returns the
    /// number of rows taken (tests call it directly). A database that cannot be read raises the source's alarm and is
    /// tried again at the next poll; what is already queued is not touched.
    /// </summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var taken = 0;
        try
        {
            await using var connection = await DbProviders.OpenAsync(db.Provider, db.ConnectionString, cancellationToken);
            for (var block = 0; block < BlocksPerPoll; block++)
            {
                var rows = await TakeBlockAsync(connection, cancellationToken);
                if (rows is null)
                {
                    break;
                }

                taken += rows.Value;
                if (rows.Value < options.Spool.BatchSize)
                {
                    break;
                }
            }

            if (Watermark)
            {
                Prune();
            }

            status.Clear(SourceName);
        }
        catch (ColumnsGoneException)
        {
            // Said already, in the alarm.
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ArgumentException or TimeoutException)
        {
            var message = $"数据库来源“{db.Name}”读取失败：{Explain(e)}。将在 {Math.Max(1, db.PollSeconds)} 秒后重试；已进入暂存区的数据不受影响";
            logger.LogError(e, "database source {Source} could not be read", db.Name);
            status.Raise(SourceName, message);
            status.Failed(message);
        }

        if (taken > 0)
        {
            wakeSender();
        }

        return taken;
    }

    /// <summary>Reads and spools one block; null when there was nothing new (or the table's shape stopped it).</summary>
    private async Task<int?> TakeBlockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var block = await ReadAsync(connection, cancellationToken);
        if (block is null || block.Rows.Count == 0)
        {
            return null;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(block.Rows.Select(r => r.Record).ToList());
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var keys = block.Rows.Select(r => r.Key).ToList();
        if (queue.FindFile(hash) is { } earlier)
        {
            // The same rows again (a crash between the acknowledgement and the store's note of it): answered once is enough.
            if (!Watermark && earlier.State is GatewayStore.Done or GatewayStore.Failed)
            {
                Acknowledge(keys);
            }

            return null;
        }

        if (!spool.HasRoomFor(body.Length))
        {
            return null;
        }

        var name = $"{FileStem}-{Safe(keys[0].Text)}-{Safe(keys[^1].Text)}.json";
        var directory = spool.DirectoryOf(hash);
        Directory.CreateDirectory(directory);
        var rows = new RowsNote([.. keys.Select(k => k.Json)], [.. block.Rows.Select(r => r.Content)], [.. block.Rows.Select(r => r.Mark?.Sortable)]);
        FileSplitter.WriteDurably(Path.Combine(directory, RowsFile), JsonSerializer.SerializeToUtf8Bytes(rows));
        var temporary = Path.Combine(options.DataDirectory, $"db-{hash}.json.tmp");
        FileSplitter.WriteDurably(temporary, body);
        var meta = new SpoolMeta(SourceName, name, db.Category, "json", time.GetUtcNow(), Watermark ? MarkKey : null, block.NewMark?.State);
        var file = spool.Take(temporary, hash, meta, (c, t) =>
        {
            Remember(c, t, rows);
            GatewayStore.SetState(c, t, ColumnsKey, JsonSerializer.Serialize(block.Columns));
        });
        logger.LogInformation("took {Rows} rows of {Source} as {File} ({Batches} batches)", block.Rows.Count, db.Name, name, file.Batches);
        return block.Rows.Count;
    }

    private string FileStem => string.Concat(db.Name.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' ? c : '_'));

    private static string Safe(string key) => string.Concat(key.Take(40).Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' ? c : '_'));

    private sealed record Row(RowKey Key, Dictionary<string, string> Record, string Content, Mark? Mark);

    private sealed record Block(List<Row> Rows, List<string> Columns, Mark? NewMark);

    /// <summary>A block's keys (as the database has them), content hashes and marks, kept beside it in the spool.</summary>
    public sealed record RowsNote(List<JsonElement> Keys, List<string> Contents, List<string?> Marks);

    private async Task<Block?> ReadAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var limit = options.Spool.BatchSize;
        var rows = new List<Row>();
        List<string>? columns = null;
        Mark? from = null, upper = null, newMark = null;
        if (Watermark)
        {
            // Before the first block the column's kind is not known yet: its largest value says it.
            var position = Position() ?? await LargestMarkAsync(connection, cancellationToken);
            if (position is null)
            {
                return null;
            }

            from = Position()?.Minus(db.Overlap);
            if (position.IsTime)
            {
                upper = await DatabaseNowAsync(connection, cancellationToken) is { } now ? Mark.Of(now)?.Minus(Math.Max(0, db.LagSeconds)) : null;
            }
        }

        object? afterKey = null;
        object? afterMark = null;
        var first = true;
        using var lookup = queue.Open();
        while (rows.Count < limit)
        {
            await using var command = connection.CreateCommand();
            var where = new List<string>();
            if (Watermark)
            {
                where.Add($"{db.MarkColumn} IS NOT NULL");
                if (from is not null)
                {
                    where.Add($"{db.MarkColumn} >= {Parameter(command, "pfrom", from.Value)}");
                }

                if (upper is not null)
                {
                    where.Add($"{db.MarkColumn} <= {Parameter(command, "pupper", upper.Value)}");
                }

                if (!first)
                {
                    var m = Parameter(command, "pam", afterMark);
                    where.Add($"({db.MarkColumn} > {m} OR ({db.MarkColumn} = {Parameter(command, "pam2", afterMark)} AND {db.KeyColumn} > {Parameter(command, "pak", afterKey)}))");
                }
            }
            else
            {
                if (db.AckColumn is { Length: > 0 } ack)
                {
                    where.Add($"{ack} IS NULL");
                }

                if (!first)
                {
                    where.Add($"{db.KeyColumn} > {Parameter(command, "pak", afterKey)}");
                }
            }

            var order = Watermark ? $"{db.MarkColumn}, {db.KeyColumn}" : db.KeyColumn;
#pragma warning disable CA2100 // identifiers are checked by GatewayConfiguration (letters, digits, _ and .); values are parameters
            command.CommandText = $"SELECT * FROM {db.Table}{(where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")} ORDER BY {order} {Limit(limit)}";
#pragma warning restore CA2100
            var read = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
                if (columns is null)
                {
                    columns = ExpectedColumns(names);
                    if (Missing(names) is { Count: > 0 } missing)
                    {
                        var message = $"数据库来源“{db.Name}”的表 {db.Table} 缺少列：{string.Join("、", missing)}（上次读取时还在）。为免报送缺字段的记录，已暂停读取该表；" +
                            "请恢复这些列，或把它们写入 IgnoreColumns 后重启前置机。已进入暂存区的数据不受影响";
                        logger.LogError("database source {Source}: columns {Columns} disappeared; reading stopped", db.Name, string.Join(", ", missing));
                        status.Raise(SourceName, message);
                        status.Failed(message);
                        throw new ColumnsGoneException();
                    }
                }

                var keyIndex = IndexOf(names, db.KeyColumn) ?? throw new InvalidOperationException($"表 {db.Table} 中没有键列 {db.KeyColumn}");
                var markIndex = Watermark ? IndexOf(names, db.MarkColumn!) ?? throw new InvalidOperationException($"表 {db.Table} 中没有高水位列 {db.MarkColumn}") : -1;
                while (await reader.ReadAsync(cancellationToken))
                {
                    read++;
                    var keyValue = reader.GetValue(keyIndex);
                    var key = RowKey.Of(keyValue);
                    afterKey = keyValue;
                    Mark? mark = null;
                    if (Watermark)
                    {
                        afterMark = reader.GetValue(markIndex);
                        mark = Mark.Of(afterMark) ?? throw new InvalidOperationException($"高水位列 {db.MarkColumn} 应为时间或整数类型，实际是 {reader.GetFieldType(markIndex).Name}");
                        newMark = mark;
                    }

                    var record = Record(reader, names);
                    var content = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(record)))[..32];
                    if (Seen(lookup, key.Text, Watermark ? content : null))
                    {
                        continue;
                    }

                    rows.Add(new Row(key, record, content, mark));
                    if (rows.Count == limit)
                    {
                        break;
                    }
                }
            }

            first = false;
            if (read < limit)
            {
                break;
            }
        }

        return new Block(rows, columns ?? [], newMark);
    }

    /// <summary>Thrown to end a poll whose table lost columns; the alarm is already raised.</summary>
    private sealed class ColumnsGoneException : InvalidOperationException;

    private static int? IndexOf(List<string> names, string column)
    {
        var i = names.FindIndex(n => string.Equals(n, column, StringComparison.OrdinalIgnoreCase));
        return i < 0 ? null : i;
    }

    /// <summary>The columns sent as fields: all but the ignored ones and the bookkeeping columns (key, mark, acknowledgement).</summary>
    private List<string> ExpectedColumns(List<string> names) => [.. names.Where(Sent).Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal)];

    private List<string> Missing(List<string> names)
    {
        var before = queue.GetState(ColumnsKey) is { } json ? JsonSerializer.Deserialize<List<string>>(json) ?? [] : [];
        var now = names.Select(n => n.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var ignored = db.IgnoreColumns.Select(c => c.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        return [.. before.Where(c => !now.Contains(c) && !ignored.Contains(c))];
    }

    /// <summary>
    /// Whether a column is a field of the record. The acknowledgement column never is; the key and mark columns are
    /// bookkeeping, sent only when they are also field codes of the category (a business key such as CF_WSH); columns
    /// in <c>IgnoreColumns</c> are not sent.
    /// </summary>
    private bool Sent(string column)
    {
        if (db.IgnoreColumns.Any(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase))
            || (db.AckColumn is { Length: > 0 } ack && string.Equals(ack, column, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var bookkeeping = string.Equals(db.KeyColumn, column, StringComparison.OrdinalIgnoreCase)
            || (db.MarkColumn is { Length: > 0 } mark && string.Equals(mark, column, StringComparison.OrdinalIgnoreCase));
        return !bookkeeping || IsFieldCode(column);
    }

    private bool IsFieldCode(string column) =>
        BuiltInCatalog.All.FirstOrDefault(c => c.Code == db.Category) is { } category
        && category.Fields.Any(f => string.Equals(f.Code, column, StringComparison.OrdinalIgnoreCase));

    /// <summary>Column name → text: dates as yyyy-MM-dd, date-times in ISO 8601, numbers invariant, nulls left out.</summary>
    private Dictionary<string, string> Record(DbDataReader reader, List<string> names)
    {
        var record = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (!Sent(names[i]) || reader.IsDBNull(i))
            {
                continue;
            }

            var value = reader.GetValue(i);
            var isDate = reader.GetDataTypeName(i).Equals("date", StringComparison.OrdinalIgnoreCase);
            record[names[i]] = Text(value, isDate);
        }

        return record;
    }

    public static string Text(object value, bool isDate = false) => value switch
    {
        DateTime d when isDate => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString(d.Kind == DateTimeKind.Utc ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private string Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        // Npgsql, MySqlConnector and SQLite take @name; Oracle-style providers take :name.
        return (IsKnown ? "@" : ":") + name;
    }

    private bool IsKnown => db.Provider.ToLowerInvariant() is "postgresql" or "mysql" or "mariadb" or "sqlite";

    private string Limit(int n) => IsKnown ? $"LIMIT {n}" : $"FETCH FIRST {n} ROWS ONLY";

    private async Task<Mark?> LargestMarkAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // identifiers are checked by GatewayConfiguration
        command.CommandText = $"SELECT MAX({db.MarkColumn}) FROM {db.Table}";
#pragma warning restore CA2100
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null
            : Mark.Of(value) ?? throw new InvalidOperationException($"高水位列 {db.MarkColumn} 应为时间或整数类型，实际是 {value.GetType().Name}");
    }

    private async Task<object?> DatabaseNowAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // constants
        command.CommandText = db.Provider.ToLowerInvariant() switch
        {
            "postgresql" => "SELECT now()",
            "mysql" or "mariadb" => "SELECT NOW(6)",
            "sqlite" => "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')",
            _ => "SELECT CURRENT_TIMESTAMP FROM DUAL",
        };
#pragma warning restore CA2100
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is string text ? DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal) : value;
    }

    /// <summary>Where the next read starts: the acknowledged mark, or the furthest mark of a block still in flight.</summary>
    private Mark? Position()
    {
        var marks = new List<Mark>();
        if (Mark.Parse(queue.GetState(MarkKey)) is { } committed)
        {
            marks.Add(committed);
        }

        using var connection = queue.Open();
        foreach (var file in GatewayStore.ReadFiles(connection, null, "WHERE source = $p0 AND state = $p1", SourceName, GatewayStore.Queued))
        {
            if (Mark.Parse(file.CommitValue) is { } inFlight)
            {
                marks.Add(inFlight);
            }
        }

        return marks.Count == 0 ? null : marks.MaxBy(m => m.Sortable, StringComparer.Ordinal);
    }

    private bool Seen(SqliteConnection connection, string key, string? content) => content is null
        ? GatewayStore.Scalar<long>(connection, null, "SELECT COUNT(*) FROM seen WHERE source = $p0 AND row_key = $p1", SourceName, key) > 0
        : GatewayStore.Scalar<long>(connection, null, "SELECT COUNT(*) FROM seen WHERE source = $p0 AND row_key = $p1 AND content = $p2", SourceName, key, content) > 0;

    /// <summary>Notes a block's rows as taken, in the transaction that queues the block.</summary>
    private void Remember(SqliteConnection connection, SqliteTransaction transaction, RowsNote rows)
    {
        for (var i = 0; i < rows.Keys.Count; i++)
        {
            GatewayStore.Execute(connection, transaction, "INSERT OR IGNORE INTO seen(source, row_key, content, mark) VALUES ($p0, $p1, $p2, $p3)",
                SourceName, RowKey.TextOf(rows.Keys[i]), rows.Contents[i], rows.Marks[i]);
        }
    }

    /// <summary>
    /// After a stop between the spool's move and its registration, the spool registers the block without our note in
    /// <c>seen</c>: written again here from <c>rows.json</c> before the first poll, so the rows are not queued twice.
    /// </summary>
    public void RememberInFlight()
    {
        using var connection = queue.Open();
        var files = GatewayStore.ReadFiles(connection, null, "WHERE source = $p0 AND state = $p1", SourceName, GatewayStore.Queued);
        foreach (var file in files)
        {
            if (ReadRows(file) is { } rows)
            {
                queue.InTransaction((c, t) => Remember(c, t, rows));
            }
        }
    }

    private RowsNote? ReadRows(QueuedFile file)
    {
        var path = Path.Combine(spool.DirectoryOf(file.Hash), RowsFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<RowsNote>(File.ReadAllBytes(path)) : null;
    }

    /// <summary>Forgets rows far behind the acknowledged mark: a re-read never reaches back that far.</summary>
    private void Prune()
    {
        if (Mark.Parse(queue.GetState(MarkKey)) is not { } committed)
        {
            return;
        }

        var cut = committed.Minus((2 * db.Overlap) + (committed.IsTime ? Math.Max(0, db.LagSeconds) : 0)).Sortable;
        queue.InTransaction((c, t) => GatewayStore.Execute(c, t, "DELETE FROM seen WHERE source = $p0 AND mark IS NOT NULL AND mark < $p1", SourceName, cut));
    }

    /// <summary>
    /// Every answer of a block is stored: the outbox rows are marked or deleted in the unit's database, the feedback is
    /// written when there is something to say, and the block is done. Run again after a crash until then: marking and
    /// deleting only touch rows not yet acknowledged.
    /// </summary>
    public void Finish(QueuedFile file, IReadOnlyList<QueuedBatch> batches)
    {
        var rows = ReadRows(file);
        if (rows is null)
        {
            logger.LogError("{File}: the spool lost its rows.json; its rows cannot be acknowledged", file.Name);
            status.Failed($"数据库来源“{db.Name}”的数据块 {file.Name} 缺少行键记录，无法在源表中确认；请人工核对这些行");
            queue.MarkFile(file.Seq, GatewayStore.Failed, "暂存区中缺少行键记录（rows.json）", time.GetUtcNow());
            spool.Remove(file);
            return;
        }

        var keys = rows.Keys.Select(RowKey.FromJson).ToList();
        if (!Watermark)
        {
            try
            {
                Acknowledge(keys);
            }
            catch (ColumnsGoneException)
            {
                // Said already, in the alarm.
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
            {
                var message = $"数据库来源“{db.Name}”：平台已答复 {file.Name}，但在源表中确认这些行失败：{Explain(e)}。稍后重试；数据不会重复报送";
                logger.LogError(e, "acknowledging {File} in {Source} failed", file.Name, db.Name);
                status.Raise(SourceName, message);
                status.Failed(message);
                return;
            }
        }

        var summary = FeedbackFiles.Summarise(file, batches, [.. keys.Select(k => k.Text)]);
        if (summary.Lines.Count > 0)
        {
            FeedbackFiles.Write(FeedbackDirectory(options, db), file.Name, file, summary, time.GetUtcNow());
        }

        var allRefused = summary.RefusedBatches == batches.Count;
        queue.MarkFile(file.Seq, allRefused ? GatewayStore.Failed : GatewayStore.Done, allRefused ? "平台拒绝了整个数据块" : null, time.GetUtcNow());
        if (!Watermark)
        {
            // Acknowledged rows are no longer read; nothing needs to remember them.
            queue.InTransaction((c, t) => GatewayStore.Execute(c, t, "DELETE FROM seen WHERE source = $p0 AND row_key IN (SELECT value FROM json_each($p1))",
                SourceName, JsonSerializer.Serialize(keys.Select(k => k.Text))));
        }

        spool.Remove(file);
        logger.LogInformation("{File}: {Accepted} accepted, {Unchanged} unchanged, {Rejected} rejected, {Refused} batches refused",
            file.Name, summary.Accepted, summary.Unchanged, summary.Rejected, summary.RefusedBatches);
    }

    public static string FeedbackDirectory(GatewayOptions options, DatabaseSourceOptions db) => Path.Combine(options.DataDirectory, "feedback", db.Name);

    /// <summary>Marks (or deletes) outbox rows, a few hundred keys per statement; rows already acknowledged are left as they are.</summary>
    private void Acknowledge(List<RowKey> keys)
    {
        if (Watermark || keys.Count == 0)
        {
            return;
        }

        using var connection = DbProviders.Factory(db.Provider).CreateConnection() ?? throw new InvalidOperationException($"数据库驱动“{db.Provider}”无法建立连接");
        connection.ConnectionString = db.ConnectionString;
        connection.Open();
        using var transaction = connection.BeginTransaction();
        foreach (var chunk in keys.Chunk(500))
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var names = chunk.Select((k, i) => Parameter(command, "pk" + i.ToString(CultureInfo.InvariantCulture), k.Value)).ToList();
            var inList = $"{db.KeyColumn} IN ({string.Join(", ", names)})";
#pragma warning disable CA2100 // identifiers are checked by GatewayConfiguration; values are parameters
            command.CommandText = db.AckColumn is { Length: > 0 } ack
                ? $"UPDATE {db.Table} SET {ack} = CURRENT_TIMESTAMP WHERE {inList} AND {ack} IS NULL"
                : $"DELETE FROM {db.Table} WHERE {inList}";
#pragma warning restore CA2100
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>The provider's message, with what it means for the operator in front.</summary>
    public static string Explain(Exception e)
    {
        var text = e.Message;
        var meaning = e switch
        {
            Npgsql.PostgresException p => p.SqlState switch
            {
                "28P01" or "28000" => "用户名或密码错误",
                "3D000" => "数据库不存在",
                "42P01" => "表或视图不存在",
                "42703" => "表中缺少配置的列",
                "42501" => "数据库用户没有读取或修改该表的权限",
                _ => null,
            },
            MySqlConnector.MySqlException m => m.ErrorCode switch
            {
                MySqlConnector.MySqlErrorCode.AccessDenied => "用户名或密码错误",
                MySqlConnector.MySqlErrorCode.UnknownDatabase => "数据库不存在",
                MySqlConnector.MySqlErrorCode.NoSuchTable => "表或视图不存在",
                MySqlConnector.MySqlErrorCode.BadFieldError => "表中缺少配置的列",
                MySqlConnector.MySqlErrorCode.UnableToConnectToHost => "无法连接数据库服务器",
                _ => null,
            },
            SqliteException s when s.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase) => "表或视图不存在",
            SqliteException s when s.Message.Contains("no such column", StringComparison.OrdinalIgnoreCase) => "表中缺少配置的列",
            SqliteException s when s.SqliteErrorCode == 14 => "数据库文件不存在或无法打开",
            Npgsql.NpgsqlException { InnerException: System.Net.Sockets.SocketException } => "无法连接数据库服务器",
            TimeoutException => "连接数据库超时",
            _ => null,
        };
        return meaning is null ? text : $"{meaning}（{text}）";
    }
}

/// <summary>A row's key as the database has it (for the acknowledgement) and as text (for dedupe, names and feedback).</summary>
public sealed record RowKey(object Value, string Text, JsonElement Json)
{
    public static RowKey Of(object value)
    {
        var text = DatabaseSource.Text(value);
        var json = value is long or int or short or byte or decimal ? JsonSerializer.SerializeToElement(Convert.ToInt64(value, CultureInfo.InvariantCulture))
            : JsonSerializer.SerializeToElement(text);
        return new RowKey(value is int or short or byte or decimal ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : value, text, json);
    }

    public static RowKey FromJson(JsonElement json) => json.ValueKind == JsonValueKind.Number
        ? new RowKey(json.GetInt64(), json.GetInt64().ToString(CultureInfo.InvariantCulture), json)
        : new RowKey(json.GetString()!, json.GetString()!, json);

    public static string TextOf(JsonElement json) => FromJson(json).Text;
}

/// <summary>A watermark value: a sequence number or a time, kept as text that sorts in order.</summary>
public sealed record Mark(bool IsTime, long Number, DateTime Time)
{
    public static Mark? Of(object? value) => value switch
    {
        long or int or short or decimal => new Mark(false, Convert.ToInt64(value, CultureInfo.InvariantCulture), default),
        DateTime d => new Mark(true, 0, d),
        DateTimeOffset d => new Mark(true, 0, d.UtcDateTime),
        _ => null,
    };

    /// <summary>As a parameter: the same kind of value the column gave.</summary>
    public object Value => IsTime ? Time : Number;

    public Mark Minus(long amount) => IsTime ? this with { Time = Time.AddSeconds(-amount) } : this with { Number = Number - amount };

    /// <summary>Text that orders like the value (the <c>seen</c> table's mark column).</summary>
    public string Sortable => IsTime ? "t:" + Time.Ticks.ToString("D20", CultureInfo.InvariantCulture) : "n:" + (Number + (long.MaxValue / 2)).ToString("D20", CultureInfo.InvariantCulture);

    /// <summary>The form kept in the store's state: round-trips the time's kind.</summary>
    public string State => IsTime ? "t:" + Time.ToString("O", CultureInfo.InvariantCulture) : "n:" + Number.ToString(CultureInfo.InvariantCulture);

    public static Mark? Parse(string? state) => state switch
    {
        ['t', ':', .. var t] => new Mark(true, 0, DateTime.Parse(t, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)),
        ['n', ':', .. var n] => new Mark(false, long.Parse(n, CultureInfo.InvariantCulture), default),
        _ => null,
    };
}
