using System.Text;
using CreditShare.Core;
using CreditShare.Gateway.Feedback;
using CreditShare.Gateway.Operations;
using CreditShare.Gateway.Queue;

namespace CreditShare.Gateway.Folders;

/// <summary>
/// The file interface (GB/T 39443 §5.5): watches each configured folder's <c>outbox/</c>, takes a file only once it is
/// complete, identifies it by its SHA-256 (not by name or time: NiFi listed files sharing an mtime twice or never), and
/// hands it to the spool. Finished files go to <c>sent/</c> with their feedback in <c>feedback/</c>; unreadable ones to
/// <c>failed/</c> with an explanation beside them.
/// </summary>
public sealed class FolderSource(GatewayOptions options, Spool spool, GatewayStore queue, GatewayStatus status, TimeProvider time, ILogger<FolderSource> logger)
    : BackgroundService, IFinishedFiles
{
    private readonly Dictionary<string, (long Size, DateTime Modified, DateTimeOffset Since)> watching = [];

    public const string Marker = ".ready";

    public static string SourceName(FolderSourceOptions folder) => "folder:" + folder.Path;

    public event Action? Taken;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var folder in options.Folders)
        {
            foreach (var sub in new[] { "outbox", "sent", "feedback", "failed" })
            {
                Directory.CreateDirectory(Path.Combine(folder.Path, sub));
            }
        }

        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Folders.Select(f => f.ScanSeconds).DefaultIfEmpty(2).Min()));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ScanOnce();
            }
            catch (IOException e)
            {
                logger.LogError(e, "scanning the exchange folders failed");
                status.Failed($"扫描交换目录失败：{e.Message}");
            }

            await Task.Delay(interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One look at every outbox; returns how many files were taken (tests call it directly).</summary>
    public int ScanOnce()
    {
        var taken = 0;
        foreach (var folder in options.Folders)
        {
            var outbox = Path.Combine(folder.Path, "outbox");
            if (!Directory.Exists(outbox))
            {
                status.Raise($"folder:{folder.Path}", $"交换目录“{outbox}”不存在或无法访问");
                continue;
            }

            status.Clear($"folder:{folder.Path}");
            foreach (var path in Directory.EnumerateFiles(outbox, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (Ready(folder, path) && TakeOne(folder, outbox, path))
                {
                    taken++;
                }
            }
        }

        if (taken > 0)
        {
            Taken?.Invoke();
        }

        return taken;
    }

    private static bool Ignored(string name) =>
        name.StartsWith('.') || name.StartsWith("~$", StringComparison.Ordinal) || name.EndsWith(Marker, StringComparison.OrdinalIgnoreCase)
        || WriterSuffixes.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>Names that writers and copy tools give a file while it is still being written.</summary>
    private static readonly string[] WriterSuffixes = [".tmp", ".part", ".partial", ".crdownload", ".filepart", ".swp"];

    /// <summary>Complete when a <c>.ready</c> marker says so, or when size and time have not moved for the configured time and nobody holds it open for writing.</summary>
    private bool Ready(FolderSourceOptions folder, string path)
    {
        var name = Path.GetFileName(path);
        if (Ignored(name))
        {
            return false;
        }

        if (File.Exists(path + Marker))
        {
            return true;
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (!watching.TryGetValue(path, out var seen) || seen.Size != info.Length || seen.Modified != info.LastWriteTimeUtc)
        {
            watching[path] = (info.Length, info.LastWriteTimeUtc, now);
            return folder.StableSeconds <= 0 && NotOpenForWriting(path);
        }

        return now - seen.Since >= TimeSpan.FromSeconds(folder.StableSeconds) && NotOpenForWriting(path);
    }

    /// <summary>On Windows a writer's handle refuses this; on Linux there are no mandatory locks, so the stable-size wait is what counts.</summary>
    private static bool NotOpenForWriting(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private bool TakeOne(FolderSourceOptions folder, string outbox, string path)
    {
        var relative = Path.GetRelativePath(outbox, path);
        var name = Path.GetFileName(path);
        var size = new FileInfo(path).Length;
        if (size > options.Spool.MaxFileBytes)
        {
            watching.Remove(path);
            Fail(folder, path, "未计算（文件过大）", $"文件过大（{size / 1048576.0:0.#} MB，上限 {options.Spool.MaxFileBytes / 1048576} MB）：请拆分为较小的文件后重新放入 outbox/");
            return false;
        }

        if (!spool.HasRoomFor(size))
        {
            return false;
        }

        watching.Remove(path);
        string hash;
        try
        {
            hash = FileSplitter.FileDigest(path);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "{File} could not be read yet", path);
            return false;
        }

        if (queue.FindFile(hash) is { } earlier)
        {
            var note = $"内容与 {ProvincialTime.ToBeijing(earlier.ReceivedAt):yyyy-MM-dd HH:mm:ss} 接收的“{earlier.Name}”完全相同（SHA-256 {hash}），未重复报送。\n";
            var moved = MoveUnique(path, Path.Combine(folder.Path, "sent"), hash);
            File.WriteAllText(Path.Combine(folder.Path, "feedback", Path.GetFileName(moved) + ".duplicate.txt"), note, Encoding.UTF8);
            DeleteMarker(path);
            logger.LogInformation("{File} is a copy of {Earlier}; not sent again", relative, earlier.Name);
            return false;
        }

        var media = FileSplitter.MediaOf(name);
        var category = CategoryOf(folder, relative);
        var problem = media.Length == 0 ? $"不支持的文件类型“{Path.GetExtension(name)}”：请使用 CSV、XLSX 或 JSON"
            : size == 0 ? "文件为空"
            : category is null ? "无法判断信息类别：请放在以类别代码命名的子目录（如 outbox/XZCF/），或以类别代码开头命名文件（如 XZCF_20261201.csv），或在配置中为该目录指定 Category"
            : null;
        if (problem is not null)
        {
            Fail(folder, path, hash, problem);
            return false;
        }

        try
        {
            var file = spool.Take(path, hash, new SpoolMeta(SourceName(folder), relative, category!, media, time.GetUtcNow()));
            DeleteMarker(path);
            logger.LogInformation("took {File} ({Category}, {Batches} batches, sha256 {Hash})", relative, category, file.Batches, hash);
            return true;
        }
        catch (UnreadableFileException e)
        {
            Fail(folder, path, hash, e.Message);
            return false;
        }
    }

    private void Fail(FolderSourceOptions folder, string path, string hash, string reason)
    {
        var moved = MoveUnique(path, Path.Combine(folder.Path, "failed"), hash);
        WriteExplanation(moved, reason, hash);
        DeleteMarker(path);
        logger.LogWarning("{File} moved to failed/: {Reason}", path, reason);
        status.Failed($"{Path.GetFileName(path)}：{reason}");
    }

    private void WriteExplanation(string movedFile, string reason, string hash) =>
        File.WriteAllText(movedFile + ".error.txt",
            $"文件：{Path.GetFileName(movedFile)}\nSHA-256：{hash}\n时间（北京时间）：{ProvincialTime.ToBeijing(time.GetUtcNow()):yyyy-MM-dd HH:mm:ss}\n原因：{reason}\n" +
            "处理：请按原因修改后，以新文件重新放入 outbox/。\n", Encoding.UTF8);

    private static void DeleteMarker(string path)
    {
        if (File.Exists(path + Marker))
        {
            File.Delete(path + Marker);
        }
    }

    /// <summary>Declared for the folder, else the sub-folder of outbox/, else the start of the file's name.</summary>
    public static string? CategoryOf(FolderSourceOptions folder, string relative)
    {
        if (folder.Category is { Length: > 0 } declared)
        {
            return declared;
        }

        var parts = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        if (parts.Length > 1 && GatewayConfiguration.IsCategoryCode(parts[0].ToUpperInvariant()))
        {
            return parts[0].ToUpperInvariant();
        }

        var name = Path.GetFileNameWithoutExtension(parts[^1]);
        var prefix = name.Split('_', '-', '.', ' ')[0].ToUpperInvariant();
        return prefix.Length >= 2 && prefix.All(char.IsAsciiLetterUpper) ? prefix : null;
    }

    public bool Owns(QueuedFile file) => file.Source.StartsWith("folder:", StringComparison.Ordinal);

    public void Finish(QueuedFile file, IReadOnlyList<QueuedBatch> batches)
    {
        var folder = options.Folders.FirstOrDefault(f => SourceName(f) == file.Source);
        if (folder is null)
        {
            logger.LogError("{File} came from folder {Source}, which is no longer configured; it stays in the spool", file.Name, file.Source);
            return;
        }

        var summary = FeedbackFiles.Summarise(file, batches);
        var allRefused = summary.RefusedBatches == batches.Count;
        var content = spool.ContentPath(file);
        var target = Path.Combine(folder.Path, allRefused ? "failed" : "sent");
        // Run again after a crash that came after the move: the file already has its place.
        var finalName = File.Exists(content) ? UniqueName(target, Path.GetFileName(file.Name), file.Hash) : Path.GetFileName(file.Name);
        FeedbackFiles.Write(Path.Combine(folder.Path, "feedback"), finalName, file, summary, time.GetUtcNow());
        if (File.Exists(content))
        {
            File.Move(content, Path.Combine(target, finalName), overwrite: true);
        }

        if (allRefused)
        {
            WriteExplanation(Path.Combine(target, finalName), string.Join("；", summary.Lines.Select(l => l.Field.Length > 0 ? $"{l.Field}：{l.Message}" : l.Message).Distinct()), file.Hash);
        }

        queue.MarkFile(file.Seq, allRefused ? GatewayStore.Failed : GatewayStore.Done, allRefused ? "平台拒绝了整个文件" : null, time.GetUtcNow());
        spool.Remove(file);
        logger.LogInformation("{File}: {Accepted} accepted, {Unchanged} unchanged, {Rejected} rejected, {Refused} batches refused; feedback written",
            file.Name, summary.Accepted, summary.Unchanged, summary.Rejected, summary.RefusedBatches);
    }

    /// <summary>The name, or the name with part of the hash when another file of that name is already there.</summary>
    private static string UniqueName(string directory, string name, string hash) =>
        File.Exists(Path.Combine(directory, name))
            ? $"{Path.GetFileNameWithoutExtension(name)}.{(hash.All(char.IsAsciiHexDigitLower) && hash.Length >= 8 ? hash[..8] : Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)))}{Path.GetExtension(name)}"
            : name;

    private static string MoveUnique(string path, string directory, string hash)
    {
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, UniqueName(directory, Path.GetFileName(path), hash));
        File.Move(path, target, overwrite: true);
        return target;
    }
}
