using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Reporting;

/// <summary>
/// This instance's receipt-signing certificate, issued by the platform CA when first needed and kept in memory only.
/// Every instance makes its own: a receipt carries its signer certificate and is trusted because the CA issued it, so
/// there is no key to store, share or rotate by hand. It is renewed a day before it expires.
/// </summary>
public sealed class ReceiptSigner(CertificateAuthority ca, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(1);

    private readonly Lock gate = new();
    private readonly List<X509Certificate2> made = [];
    private X509Certificate2? current;

    public X509Certificate2 Current
    {
        get
        {
            lock (gate)
            {
                var now = time.GetUtcNow();
                if (current is null || current.NotAfter.ToUniversalTime() - now < RenewBefore)
                {
                    // The one replaced may still be signing on another thread: all are disposed with the signer.
                    current = ca.IssueReceiptSigner(now + Lifetime);
                    made.Add(current);
                }

                return current;
            }
        }
    }

    public void Dispose()
    {
        foreach (var certificate in made)
        {
            certificate.Dispose();
        }
    }
}

/// <summary>
/// The signed receipt of a stored batch. Its content comes from the stored batch only (received-at, key, channel,
/// counts) and the digest of its answer, so every answer for a batch — the first, a replay, the receipt endpoint —
/// carries the same receipt; only the signature's randomness differs.
/// </summary>
public sealed class BatchReceipts(AppDbContext db, ReceiptSigner signer)
{
    /// <summary>The receipt of a batch the unit just got <paramref name="answer"/> for (first or replayed).</summary>
    public async Task<SignedReceipt> ForAnswerAsync(int unitId, BatchResult answer, CancellationToken cancellationToken = default)
    {
        // The answer is in hand: only the batch's small columns are read, not its stored answer.
        var b = await db.ReportBatches.AsNoTracking().Where(b => b.Id == answer.BatchId && b.UnitId == unitId)
            .Join(db.Units, b => b.UnitId, u => u.Id, (b, u) => new
            {
                b.Id,
                b.CategoryCode,
                b.Total,
                b.Accepted,
                b.Unchanged,
                b.Rejected,
                b.IdempotencyKey,
                b.Channel,
                b.ReceivedAt,
                u.Uscc,
            })
            .SingleAsync(cancellationToken);
        return Sign(new BatchReceipt(b.Id, b.Uscc, b.CategoryCode, b.Total, b.Accepted, b.Unchanged, b.Rejected, ReceiptDigest.OfAnswer(answer),
            b.IdempotencyKey, b.Channel, Instant(b.ReceivedAt)));
    }

    /// <summary>The receipt of one of the unit's batches, or null when there is no such batch of this unit.</summary>
    public async Task<SignedReceipt?> FindAsync(int unitId, Guid batchId, CancellationToken cancellationToken = default)
    {
        var stored = await db.ReportBatches.AsNoTracking().Where(b => b.Id == batchId && b.UnitId == unitId)
            .Join(db.Units, b => b.UnitId, u => u.Id, (b, u) => new { Batch = b, u.Uscc }).FirstOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var b = stored.Batch;
        var answer = JsonSerializer.Deserialize<BatchResult>(b.ResultJson, WireJson.Options)!;
        return Sign(new BatchReceipt(b.Id, stored.Uscc, b.CategoryCode, b.Total, b.Accepted, b.Unchanged, b.Rejected, ReceiptDigest.OfAnswer(answer),
            b.IdempotencyKey, b.Channel, Instant(b.ReceivedAt)));
    }

    private SignedReceipt Sign(BatchReceipt receipt) => ReceiptDigest.Sign(receipt, signer.Current);

    /// <summary>UTC, whole milliseconds: the same instant whichever provider stored it (SQLite keeps 0.1 ms, PostgreSQL 1 µs).</summary>
    private static DateTimeOffset Instant(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
