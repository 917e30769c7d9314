using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Gateway.Folders;
using CreditShare.Gateway.Operations;
using Microsoft.Data.Sqlite;

namespace CreditShare.Gateway.Queue;

/// <summary>Where a spooled file came from: written beside it before it is moved in, so a crash in between can be undone or finished.</summary>
public sealed record SpoolMeta(string Source, string Name, string Category, string Media, DateTimeOffset ReceivedAt, string? CommitKey = null, string? CommitValue = null);

/// <summary>
/// The spool: one directory per taken file, named by its SHA-256, holding the file, its metadata and its batch
/// bodies. A file is in the queue only once its bodies are on disk; its directory goes when its answers are stored and
/// its feedback written. Its size is counted at start and kept under the configured cap.
/// </summary>
public sealed class Spool(GatewayOptions options, GatewayStore queue, GatewayStatus status, TimeProvider time, ILogger<Spool> logger)
{
    public string Root { get; } = Path.Combine(options.DataDirectory, "spool");

    public string DirectoryOf(string hash) => Path.Combine(Root, hash);

    /// <summary>Counts what is there and finishes or undoes what a crash interrupted.</summary>
    public void Recover()
    {
        Directory.CreateDirectory(Root);
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var hash = Path.GetFileName(directory);
            if (queue.FindFile(hash) is not null)
            {
                continue;
            }

            var metaPath = Path.Combine(directory, "meta.json");
            var meta = File.Exists(metaPath) ? JsonSerializer.Deserialize<SpoolMeta>(File.ReadAllText(metaPath), WireJson.Options) : null;
            var content = meta is null ? null : Path.Combine(directory, "content" + Path.GetExtension(meta.Name));
            if (meta is null || content is null || !File.Exists(content))
            {
                // Taken no further than the metadata: the file is still where it was and will be taken again.
                Directory.Delete(directory, recursive: true);
                continue;
            }

            logger.LogWarning("finishing the spooling of {Name} ({Hash}) that a stop interrupted", meta.Name, hash);
            Register(hash, meta, content, null);
        }

        Recount();
    }

    public void Recount()
    {
        status.SpoolLimit = options.Spool.MaxBytes;
        status.SpoolBytes = Directory.Exists(Root)
            ? new DirectoryInfo(Root).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;
        if (status.SpoolBytes < options.Spool.MaxBytes * 9 / 10)
        {
            status.Clear("spool_full");
        }
    }

    /// <summary>Whether <paramref name="bytes"/> more fit; raises the alarm when they do not (the input waits where it is).</summary>
    public bool HasRoomFor(long bytes)
    {
        // Batch bodies take about as much again as the file.
        if (status.SpoolBytes + (2 * bytes) <= options.Spool.MaxBytes)
        {
            return true;
        }

        status.Raise("spool_full", $"暂存区已满（已用 {status.SpoolBytes / 1048576} MB，上限 {options.Spool.MaxBytes / 1048576} MB）：新文件暂不接收，待平台恢复、积压报送后自动继续；不会丢弃任何数据");
        return false;
    }

    /// <summary>
    /// Moves <paramref name="source"/> into the spool under its hash and queues its batches. Returns the queued file, or
    /// throws <see cref="UnreadableFileException"/> (the file is then back at <paramref name="source"/>'s place for the caller to move to failed/).
    /// </summary>
    public QueuedFile Take(string source, string hash, SpoolMeta meta, Action<SqliteConnection, SqliteTransaction>? alsoInTransaction = null)
    {
        var directory = DirectoryOf(hash);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "meta.json"), JsonSerializer.Serialize(meta, WireJson.Options));
        var content = Path.Combine(directory, "content" + Path.GetExtension(meta.Name));
        File.Move(source, content, overwrite: true);
        try
        {
            return Register(hash, meta, content, alsoInTransaction);
        }
        catch (UnreadableFileException)
        {
            File.Move(content, source, overwrite: true);
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    private QueuedFile Register(string hash, SpoolMeta meta, string content, Action<SqliteConnection, SqliteTransaction>? alsoInTransaction)
    {
        var directory = Path.GetDirectoryName(content)!;
        var bodies = FileSplitter.Split(content, meta.Media, options.Spool.BatchSize, directory);
        var file = new QueuedFile(0, hash, meta.Source, meta.Name, meta.Category, meta.Media, new FileInfo(content).Length, GatewayStore.Queued, bodies.Count,
            meta.ReceivedAt, null, meta.CommitKey, meta.CommitValue);
        var batches = bodies.Select(b => new QueuedBatch(0, b.Index, IdempotencyKey(hash, b.Index), b.Rows, JsonSerializer.Serialize(b.Lines), b.Digest,
            GatewayStore.Pending, 0, null, null, null, null)).ToList();
        var seq = queue.InTransaction((c, t) =>
        {
            var added = GatewayStore.AddFile(c, t, file, batches);
            alsoInTransaction?.Invoke(c, t);
            return added;
        });
        status.SpoolBytes += new DirectoryInfo(directory).EnumerateFiles().Sum(f => f.Length);
        return file with { Seq = seq };
    }

    /// <summary>Derived from the content and the part, never from a name or a clock: a resend after any crash is the same request.</summary>
    public static string IdempotencyKey(string hash, int index) => $"gw-{hash[..40]}-{index}";

    public string BodyPath(QueuedFile file, int index) => Path.Combine(DirectoryOf(file.Hash), $"batch-{index}.body");

    public string ContentPath(QueuedFile file) => Path.Combine(DirectoryOf(file.Hash), "content" + Path.GetExtension(file.Name));

    public void Remove(QueuedFile file)
    {
        var directory = DirectoryOf(file.Hash);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Recount();
    }

    public DateTimeOffset Now => time.GetUtcNow();
}
