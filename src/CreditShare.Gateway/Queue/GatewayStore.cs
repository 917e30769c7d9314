using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CreditShare.Gateway.Queue;

/// <summary>A file (or a block of database rows) taken into the spool: the unit of what the unit reported.</summary>
public sealed record QueuedFile(long Seq, string Hash, string Source, string Name, string Category, string Media, long Bytes, string State,
    int Batches, DateTimeOffset ReceivedAt, string? Error, string? CommitKey, string? CommitValue);

/// <summary>One request to the platform: a part of a file, at most one batch's worth of records.</summary>
public sealed record QueuedBatch(long FileSeq, int Index, string IdempotencyKey, int Rows, string Lines, string BodyDigest, string State, int Attempts,
    DateTimeOffset? NextAttemptAt, string? LastError, string? Answer, int? StatusCode);

/// <summary>
/// The gateway's durable state: a SQLite database in WAL mode with full sync, one transaction per state change, so
/// a SIGKILL at any point leaves either the state before or the state after — never a half-written registry, which
/// cost Filebeat users their whole backlog (elastic/beats#19634). The spool directory holds the bytes; this holds
/// what has been done with them.
/// </summary>
public sealed class GatewayStore
{
    public const string Pending = "pending";
    public const string Answered = "answered";
    public const string Refused = "refused";
    public const string Queued = "queued";
    public const string Done = "done";
    public const string Failed = "failed";

    private readonly string connectionString;

    public GatewayStore(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        DatabasePath = Path.Combine(dataDirectory, "gateway.db");
        connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        Execute(connection, null, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS files(
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              hash TEXT NOT NULL UNIQUE,
              source TEXT NOT NULL,
              name TEXT NOT NULL,
              category TEXT NOT NULL,
              media TEXT NOT NULL,
              bytes INTEGER NOT NULL,
              state TEXT NOT NULL,
              batches INTEGER NOT NULL,
              received_at TEXT NOT NULL,
              finished_at TEXT,
              error TEXT,
              commit_key TEXT,
              commit_value TEXT);
            CREATE TABLE IF NOT EXISTS batches(
              file_seq INTEGER NOT NULL REFERENCES files(seq),
              idx INTEGER NOT NULL,
              idempotency_key TEXT NOT NULL UNIQUE,
              rows INTEGER NOT NULL,
              lines TEXT NOT NULL,
              body_digest TEXT NOT NULL,
              state TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              next_attempt_at TEXT,
              last_error TEXT,
              answer TEXT,
              status_code INTEGER,
              answered_at TEXT,
              PRIMARY KEY(file_seq, idx));
            CREATE INDEX IF NOT EXISTS batches_pending ON batches(state, file_seq, idx);
            CREATE TABLE IF NOT EXISTS receipts(
              seq INTEGER PRIMARY KEY,
              file_seq INTEGER NOT NULL,
              idx INTEGER NOT NULL,
              idempotency_key TEXT NOT NULL,
              body_digest TEXT NOT NULL,
              status_code INTEGER NOT NULL,
              answer_digest TEXT,
              receipt TEXT,
              at TEXT NOT NULL,
              prev TEXT NOT NULL,
              hash TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS state(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS seen(source TEXT NOT NULL, row_key TEXT NOT NULL, content TEXT NOT NULL, mark TEXT, PRIMARY KEY(source, row_key, content));
            """);
    }

    public string DatabasePath { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // FULL: a committed state change survives a power cut, not only a process kill.
        Execute(connection, null, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction (BEGIN IMMEDIATE: writers queue instead of failing).</summary>
    public T InTransaction<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = work(connection, transaction);
        transaction.Commit();
        return result;
    }

    public void InTransaction(Action<SqliteConnection, SqliteTransaction> work) => InTransaction<object?>((c, t) =>
    {
        work(c, t);
        return null;
    });

    public QueuedFile? FindFile(string hash)
    {
        using var connection = Open();
        return ReadFiles(connection, null, "WHERE hash = $p0", hash).FirstOrDefault();
    }

    public QueuedFile? FindFile(long seq)
    {
        using var connection = Open();
        return ReadFiles(connection, null, "WHERE seq = $p0", seq).FirstOrDefault();
    }

    /// <summary>Registers a spooled file and its batches in one transaction; returns its sequence number.</summary>
    public static long AddFile(SqliteConnection connection, SqliteTransaction transaction, QueuedFile file, IReadOnlyList<QueuedBatch> batches)
    {
        var seq = Scalar<long>(connection, transaction, """
            INSERT INTO files(hash, source, name, category, media, bytes, state, batches, received_at, error, commit_key, commit_value)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11) RETURNING seq
            """, file.Hash, file.Source, file.Name, file.Category, file.Media, file.Bytes, file.State, batches.Count, Time(file.ReceivedAt), file.Error,
            file.CommitKey, file.CommitValue);
        foreach (var batch in batches)
        {
            Execute(connection, transaction, """
                INSERT INTO batches(file_seq, idx, idempotency_key, rows, lines, body_digest, state) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6)
                """, seq, batch.Index, batch.IdempotencyKey, batch.Rows, batch.Lines, batch.BodyDigest, Pending);
        }

        return seq;
    }

    /// <summary>The next batch to send: strictly in the order files were taken, then by batch index.</summary>
    public (QueuedFile File, QueuedBatch Batch)? NextPending()
    {
        using var connection = Open();
        var batch = ReadBatches(connection, null, "WHERE state = $p0 ORDER BY file_seq, idx LIMIT 1", Pending).FirstOrDefault();
        if (batch is null)
        {
            return null;
        }

        return (ReadFiles(connection, null, "WHERE seq = $p0", batch.FileSeq).Single(), batch);
    }

    public IReadOnlyList<QueuedBatch> Batches(long fileSeq)
    {
        using var connection = Open();
        return ReadBatches(connection, null, "WHERE file_seq = $p0 ORDER BY idx", fileSeq);
    }

    /// <summary>Files whose every batch has its answer but which are not finished (feedback and move still to do).</summary>
    public IReadOnlyList<QueuedFile> FilesToFinish()
    {
        using var connection = Open();
        return ReadFiles(connection, null, "WHERE state = $p0 AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.file_seq = files.seq AND b.state = $p1) ORDER BY seq",
            Queued, Pending);
    }

    public void RecordAttemptFailure(QueuedBatch batch, string error, DateTimeOffset nextAttemptAt) => InTransaction((c, t) =>
        Execute(c, t, "UPDATE batches SET attempts = attempts + 1, last_error = $p0, next_attempt_at = $p1 WHERE file_seq = $p2 AND idx = $p3",
            error, Time(nextAttemptAt), batch.FileSeq, batch.Index));

    public void MarkFile(long seq, string state, string? error, DateTimeOffset at) => InTransaction((c, t) =>
        Execute(c, t, "UPDATE files SET state = $p0, error = COALESCE($p1, error), finished_at = $p2 WHERE seq = $p3", state, error, Time(at), seq));

    public string? GetState(string key)
    {
        using var connection = Open();
        return GetState(connection, null, key);
    }

    public static string? GetState(SqliteConnection connection, SqliteTransaction? transaction, string key) =>
        Scalar<string?>(connection, transaction, "SELECT value FROM state WHERE key = $p0", key);

    public static void SetState(SqliteConnection connection, SqliteTransaction transaction, string key, string value) =>
        Execute(connection, transaction, "INSERT INTO state(key, value) VALUES ($p0, $p1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);

    public void SetState(string key, string value) => InTransaction((c, t) => SetState(c, t, key, value));

    /// <summary>What the status page and the heartbeat show.</summary>
    public QueueFigures Figures()
    {
        using var connection = Open();
        var depth = Scalar<long>(connection, null, "SELECT COUNT(*) FROM batches WHERE state = $p0", Pending);
        var oldest = Scalar<string?>(connection, null,
            "SELECT MIN(f.received_at) FROM files f WHERE f.state = $p0", Queued);
        var failed = Scalar<long>(connection, null, "SELECT COUNT(*) FROM files WHERE state = $p0", Failed);
        var done = Scalar<long>(connection, null, "SELECT COUNT(*) FROM files WHERE state = $p0", Done);
        return new QueueFigures((int)depth, oldest is null ? null : DateTimeOffset.Parse(oldest, CultureInfo.InvariantCulture), (int)done, (int)failed);
    }

    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? text) => text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    public static List<QueuedFile> ReadFiles(SqliteConnection connection, SqliteTransaction? transaction, string where, params object?[] args)
    {
        using var command = Command(connection, transaction,
            $"SELECT seq, hash, source, name, category, media, bytes, state, batches, received_at, error, commit_key, commit_value FROM files {where}", args);
        using var reader = command.ExecuteReader();
        var list = new List<QueuedFile>();
        while (reader.Read())
        {
            list.Add(new QueuedFile(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt64(6), reader.GetString(7), reader.GetInt32(8), ParseTime(reader.GetString(9))!.Value, Text(reader, 10), Text(reader, 11),
                Text(reader, 12)));
        }

        return list;
    }

    public static List<QueuedBatch> ReadBatches(SqliteConnection connection, SqliteTransaction? transaction, string where, params object?[] args)
    {
        using var command = Command(connection, transaction,
            $"SELECT file_seq, idx, idempotency_key, rows, lines, body_digest, state, attempts, next_attempt_at, last_error, answer, status_code FROM batches {where}", args);
        using var reader = command.ExecuteReader();
        var list = new List<QueuedBatch>();
        while (reader.Read())
        {
            list.Add(new QueuedBatch(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetInt32(7), ParseTime(Text(reader, 8)), Text(reader, 9), Text(reader, 10),
                reader.IsDBNull(11) ? null : reader.GetInt32(11)));
        }

        return list;
    }

    private static string? Text(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    public static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params object?[] args)
    {
        using var command = Command(connection, transaction, sql, args);
        return command.ExecuteNonQuery();
    }

    public static T Scalar<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, params object?[] args)
    {
        using var command = Command(connection, transaction, sql, args);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params object?[] args)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // statements are constants of this class; values are parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        for (var i = 0; i < args.Length; i++)
        {
            command.Parameters.AddWithValue($"$p{i}", args[i] ?? DBNull.Value);
        }

        return command;
    }
}

public sealed record QueueFigures(int PendingBatches, DateTimeOffset? OldestQueuedAt, int FilesDone, int FilesFailed);
