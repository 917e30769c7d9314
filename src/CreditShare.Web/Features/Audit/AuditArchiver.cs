using System.Text.Json;
using CreditShare.Core.Audit;
using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Audit;

public sealed class AuditOptions
{
    /// <summary>等保 asks for at least 180 days of audit records online.</summary>
    public const int MinimumRetentionDays = 180;

    public int RetentionDays { get; set; } = MinimumRetentionDays;

    public string ArchiveDirectory { get; set; } = Path.Combine("data", "audit-archive");

    /// <summary>
    /// Base64 of 32 random bytes: the HMAC key of the chain, archive rows and checkpoints. From configuration (never the
    /// database, whose writers must not be able to re-seal); required outside Development, which generates one under data/keys.
    /// </summary>
    public string? ChainKey { get; set; }

    /// <summary>How often a signed checkpoint of the chain's head is written to the archive folder and the log.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>A file of archived audit entries: which part of the chain it holds and the fingerprint of the file.</summary>
public sealed class AuditArchive
{
    public long Id { get; set; }

    public long FromSequence { get; set; }

    public long ToSequence { get; set; }

    /// <summary>Hash of the last entry in the file: the anchor the chain continues from.</summary>
    public string ToHash { get; set; } = "";

    public string FileName { get; set; } = "";

    public string FileSha256 { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The key that signed the row (<c>AuditChainKey.Id</c>); null for rows written before archives were signed.</summary>
    public string? KeyId { get; set; }

    /// <summary>HMAC over the range, last hash, file name, file hash and time: only a signed row is taken as an anchor.</summary>
    public string? Signature { get; set; }

    public AuditArchiveFacts Facts => new(FromSequence, ToSequence, ToHash, FileName, FileSha256, CreatedAt);
}

public sealed record ArchiveResult(long Entries, string? FileName, long? FromSequence, long? ToSequence, AuditCheckpoint? Checkpoint = null);

/// <summary>
/// Copies entries older than the retention period to JSON-lines files, each with its hash and the previous hash, and
/// records every file with its SHA-256 in a row signed with the chain key. The entries themselves stay in the
/// append-only table: removing them is a deliberate act by a database administrator, after which the verifier starts
/// from the last archive's anchor. Every run ends with a checkpoint of the chain's head.
/// </summary>
public sealed class AuditArchiver(AppDbContext db, AuditWriter audit, TimeProvider time, IOptions<AuditOptions> options, AuditChainKey key, AuditCheckpoints checkpoints)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<ArchiveResult> ArchiveAsync(CancellationToken cancellationToken = default)
    {
        var retention = Math.Max(options.Value.RetentionDays, AuditOptions.MinimumRetentionDays);
        var cutoff = time.GetUtcNow().AddDays(-retention);
        var after = await db.AuditArchives.MaxAsync(a => (long?)a.ToSequence, cancellationToken) ?? 0;
        var entries = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence > after && a.OccurredAt < cutoff)
            .OrderBy(a => a.Sequence).ToListAsync(cancellationToken);
        if (entries.Count == 0)
        {
            return new ArchiveResult(0, null, null, null, await checkpoints.WriteAsync(cancellationToken));
        }

        // The records an entry handed out go with it into the archive (art. 23): the chained detail holds their hash.
        var (from, to) = (entries[0].Sequence, entries[^1].Sequence);
        var shared = (await db.SharedRecordAccesses.AsNoTracking().Where(a => a.AuditSequence >= from && a.AuditSequence <= to)
                .OrderBy(a => a.AuditSequence).ThenBy(a => a.RecordId).ToListAsync(cancellationToken))
            .GroupBy(a => a.AuditSequence).ToDictionary(g => g.Key, g => g.ToList());
        Directory.CreateDirectory(options.Value.ArchiveDirectory);
        var name = $"audit-{entries[0].Sequence:D12}-{entries[^1].Sequence:D12}.jsonl";
        var path = Path.Combine(options.Value.ArchiveDirectory, name);
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        await using (var writer = new StreamWriter(file))
        {
            foreach (var entry in entries)
            {
                var line = JsonSerializer.SerializeToNode(entry, Json)!.AsObject();
                if (shared.TryGetValue(entry.Sequence, out var handed))
                {
                    line["sharedRecords"] = new System.Text.Json.Nodes.JsonObject
                    {
                        ["unitId"] = handed[0].UnitId,
                        ["channel"] = handed[0].Channel,
                        ["recordIds"] = new System.Text.Json.Nodes.JsonArray([.. handed.Select(a => (System.Text.Json.Nodes.JsonNode?)a.RecordId)]),
                    };
                }

                await writer.WriteLineAsync(line.ToJsonString(Json));
            }

            await writer.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }

        await using (var read = File.OpenRead(path))
        {
            var now = time.GetUtcNow();
            var archive = new AuditArchive
            {
                FromSequence = entries[0].Sequence,
                ToSequence = entries[^1].Sequence,
                ToHash = entries[^1].Hash,
                FileName = name,
                FileSha256 = await Core.Crypto.ContentDigest.HexAsync(read, cancellationToken),
                // Milliseconds, stored exactly by both databases, so the signature survives the round trip.
                CreatedAt = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
                KeyId = key.Id,
            };
            archive.Signature = archive.Facts.Seal(key);
            db.AuditArchives.Add(archive);
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(new AuditRecord(AuditEvent.Audit_Archived, AuditOutcome.Success)
        { Account = "system", ResultCount = entries.Count, Target = name, Detail = $"{entries[0].Sequence}-{entries[^1].Sequence}" }, cancellationToken);
        return new ArchiveResult(entries.Count, name, entries[0].Sequence, entries[^1].Sequence, await checkpoints.WriteAsync(cancellationToken));
    }
}
