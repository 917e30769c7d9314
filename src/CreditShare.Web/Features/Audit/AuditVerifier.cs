using CreditShare.Core.Audit;
using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Audit;

public sealed record AuditVerification(long EntriesChecked, ChainBreak? FirstBreak)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>Recomputes the chain from the first entry, a page at a time so memory stays flat however long the trail.</summary>
public sealed class AuditVerifier(AppDbContext db)
{
    private const int PageSize = 5000;

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var expectedSequence = 1L;
        var previousHash = AuditChain.GenesisHash;
        var checkedCount = 0L;
        var after = 0L;

        // Where archived entries were removed by an administrator, the chain continues from the newest archive that
        // ends right before the oldest entry still present.
        var oldest = await db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).Select(a => new { a.Sequence, a.PreviousHash }).FirstOrDefaultAsync(cancellationToken);
        if (oldest is { Sequence: > 1 }
            && await db.AuditArchives.AsNoTracking().FirstOrDefaultAsync(a => a.ToSequence == oldest.Sequence - 1, cancellationToken) is { } anchor)
        {
            expectedSequence = oldest.Sequence;
            previousHash = anchor.ToHash;
            after = anchor.ToSequence;
        }
        while (true)
        {
            var page = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence > after).OrderBy(a => a.Sequence)
                .Take(PageSize).ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                return new AuditVerification(checkedCount, null);
            }

            var broken = AuditChain.FindFirstBreak(page.Select(e => (e.Facts, e.PreviousHash, e.Hash)), expectedSequence, previousHash);
            if (broken is not null)
            {
                return new AuditVerification(checkedCount + (broken.Sequence - expectedSequence), broken);
            }

            checkedCount += page.Count;
            expectedSequence = page[^1].Sequence + 1;
            previousHash = page[^1].Hash;
            after = page[^1].Sequence;
        }
    }
}
