using CreditShare.Core.Audit;
using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Audit;

/// <summary>The latest checkpoint the chain was held against.</summary>
public sealed record CheckpointSummary(long Sequence, DateTimeOffset At);

/// <summary>
/// The result of a verification. <see cref="LegacyEntries"/> counts entries written before the chain was keyed (plain
/// SHA-256: they prove nothing against someone who can write the database unless a checkpoint covers them);
/// <see cref="UnsignedArchives"/> counts archive rows from before archives were signed (never taken as anchors).
/// </summary>
public sealed record AuditVerification(long EntriesChecked, ChainBreak? FirstBreak, long LegacyEntries = 0, CheckpointSummary? LatestCheckpoint = null, int UnsignedArchives = 0)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Checks, in this order, and reports the first problem: every checkpoint file's signature; the signature of the
/// archive row the chain continues from (when a DBA removed archived entries); every other signed archive row; then the
/// chain itself, a page at a time so memory stays flat however long the trail — each link sealed with the key, each
/// checkpoint's hash at its sequence, and the chain reaching the latest checkpoint.
/// </summary>
public sealed class AuditVerifier(AppDbContext db, AuditChainKey key, AuditCheckpoints checkpointFiles)
{
    private const int PageSize = 5000;

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var checkpoints = new List<AuditCheckpoint>();
        foreach (var file in checkpointFiles.ReadAll())
        {
            if (file.Checkpoint is not { } checkpoint || checkpoint.Sequence != file.Sequence || !checkpoint.IsSignedBy(key))
            {
                return new AuditVerification(0, ChainBreak.CheckpointForged(file.Sequence, file.Name));
            }

            checkpoints.Add(checkpoint);
        }

        var latest = checkpoints.Count == 0 ? null : new CheckpointSummary(checkpoints[^1].Sequence, checkpoints[^1].At);
        var archives = await db.AuditArchives.AsNoTracking().OrderBy(a => a.FromSequence).ToListAsync(cancellationToken);
        var unsigned = archives.Count(a => a.Signature is null);
        AuditVerification Broken(long checkedCount, ChainBreak broken, long legacy = 0) => new(checkedCount, broken, legacy, latest, unsigned);

        var expectedSequence = 1L;
        var previousHash = AuditChain.GenesisHash;
        var after = 0L;

        // Where archived entries were removed by an administrator, the chain continues from a signed archive row that
        // ends right before the oldest entry still present.
        var oldest = await db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).Select(a => (long?)a.Sequence).FirstOrDefaultAsync(cancellationToken);
        if (oldest is > 1)
        {
            var candidates = archives.Where(a => a.ToSequence == oldest - 1).ToList();
            var anchor = candidates.FirstOrDefault(a => a.Facts.IsSealedBy(key, a.KeyId, a.Signature));
            if (anchor is null && candidates.Count > 0)
            {
                var rejected = candidates.FirstOrDefault(a => a.Signature is not null) ?? candidates[0];
                return Broken(0, rejected.Signature is null ? ChainBreak.ArchiveUnsigned(oldest.Value, rejected.Facts) : ChainBreak.ArchiveForged(oldest.Value, rejected.Facts));
            }

            if (anchor is not null)
            {
                expectedSequence = oldest.Value;
                previousHash = anchor.ToHash;
                after = anchor.ToSequence;
            }
        }

        if (archives.FirstOrDefault(a => a.Signature is not null && !a.Facts.IsSealedBy(key, a.KeyId, a.Signature)) is { } forged)
        {
            return Broken(0, ChainBreak.ArchiveRowForged(forged.Facts));
        }

        var walk = new AuditChainWalk(key, checkpoints, expectedSequence, previousHash);
        while (walk.Break is null)
        {
            var page = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence > after).OrderBy(a => a.Sequence)
                .Take(PageSize).ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var entry in page)
            {
                if (!walk.Add(entry.ToLink()))
                {
                    break;
                }
            }

            after = page[^1].Sequence;
        }

        return walk.Finish() is { } broken ? Broken(walk.Checked, broken, walk.Legacy) : new(walk.Checked, null, walk.Legacy, latest, unsigned);
    }
}
