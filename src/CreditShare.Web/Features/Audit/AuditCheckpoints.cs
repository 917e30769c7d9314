using System.Globalization;
using System.Text.Json;
using CreditShare.Core.Audit;
using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Audit;

/// <summary>A checkpoint file as found in the archive folder; <see cref="Checkpoint"/> is null when it cannot be read.</summary>
public sealed record CheckpointFile(string Name, long Sequence, AuditCheckpoint? Checkpoint);

/// <summary>
/// Anchors the head of the chain outside the database: a signed checkpoint (sequence, head hash, time, MAC) as a file
/// in the archive folder and as a log line, which can be shipped elsewhere. Someone who can rewrite every audit row can
/// neither sign a checkpoint nor make the chain end before one without <c>verify-audit</c> noticing.
/// </summary>
public sealed class AuditCheckpoints(IServiceScopeFactory scopes, AuditChainKey key, TimeProvider time, IOptions<AuditOptions> options, ILogger<AuditCheckpoints> logger)
{
    public const string FilePrefix = "audit-checkpoint-";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private long? legacyUntil;

    private string Directory => options.Value.ArchiveDirectory;

    public static string FileName(long sequence) => $"{FilePrefix}{sequence:D12}.json";

    /// <summary>Signs the current head; null when the chain is empty or the head already has its checkpoint.</summary>
    public async Task<AuditCheckpoint?> WriteAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence).Select(a => new { a.Sequence, a.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        var path = head is null ? null : Path.Combine(Directory, FileName(head.Sequence));
        if (head is null || File.Exists(path))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var checkpoint = AuditCheckpoint.Sign(head.Sequence, head.Hash, new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
            await LegacyUntilAsync(db, head.Sequence, cancellationToken), key);
        System.IO.Directory.CreateDirectory(Directory);
        // Written aside and moved into place: a reader (or a crash) never sees half a checkpoint; several instances may race.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            await JsonSerializer.SerializeAsync(file, checkpoint, Json, cancellationToken);
            file.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(temporary, path!, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return null;
        }

        logger.LogInformation("审计校验点 / audit checkpoint: sequence={Sequence} hash={Hash} at={At} key={KeyId} mac={Mac}",
            checkpoint.Sequence, checkpoint.Hash, checkpoint.At.ToString("O", CultureInfo.InvariantCulture), checkpoint.KeyId, checkpoint.Mac);
        return checkpoint;
    }

    /// <summary>
    /// The last entry written before the chain was keyed (0 on a fresh install). Fixed once a keyed entry exists — this
    /// code writes no other — so it is looked up once (scanning only the legacy entries) and then remembered.
    /// </summary>
    private async Task<long> LegacyUntilAsync(AppDbContext db, long head, CancellationToken cancellationToken)
    {
        if (legacyUntil is { } known)
        {
            return known;
        }

        var firstKeyed = await db.AuditEntries.AsNoTracking().Where(a => a.KeyId != null).OrderBy(a => a.Sequence).Select(a => (long?)a.Sequence)
            .FirstOrDefaultAsync(cancellationToken);
        if (firstKeyed is null)
        {
            return head;
        }

        legacyUntil = firstKeyed.Value - 1;
        return legacyUntil.Value;
    }

    /// <summary>Every checkpoint file in the archive folder, lowest sequence first.</summary>
    public IReadOnlyList<CheckpointFile> ReadAll()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var files = new List<CheckpointFile>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, $"{FilePrefix}*.json"))
        {
            var name = Path.GetFileName(path);
            if (!long.TryParse(name.AsSpan(FilePrefix.Length, name.Length - FilePrefix.Length - ".json".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                continue;
            }

            AuditCheckpoint? checkpoint;
            try
            {
                checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(File.ReadAllText(path), Json);
            }
            catch (JsonException)
            {
                checkpoint = null;
            }

            files.Add(new CheckpointFile(name, sequence, checkpoint));
        }

        return [.. files.OrderBy(f => f.Sequence)];
    }
}

/// <summary>Writes a checkpoint when the host starts and every <see cref="AuditOptions.CheckpointInterval"/> (on the app's clock).</summary>
public sealed class AuditCheckpointService(AuditCheckpoints checkpoints, TimeProvider time, IOptions<AuditOptions> options, ILogger<AuditCheckpointService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.CheckpointInterval, time, logger, "Writing the audit checkpoint", checkpoints.WriteAsync, stoppingToken);
}
