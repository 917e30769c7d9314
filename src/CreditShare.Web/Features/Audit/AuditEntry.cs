using CreditShare.Core.Audit;

namespace CreditShare.Web.Features.Audit;

/// <summary>One row of the append-only audit trail. The application inserts rows and never updates or deletes them.</summary>
public sealed class AuditEntry
{
    public long Sequence { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public int EventCode { get; set; }

    public string? Account { get; set; }

    public string? UnitCode { get; set; }

    public string? ClientIp { get; set; }

    public string? Target { get; set; }

    public string? Purpose { get; set; }

    public string Outcome { get; set; } = "";

    public int? ResultCount { get; set; }

    public string? Detail { get; set; }

    public string PreviousHash { get; set; } = "";

    /// <summary>
    /// Which key sealed <see cref="Hash"/> (<c>AuditChainKey.Id</c>); null for entries written before the chain was keyed,
    /// whose hash is plain SHA-256.
    /// </summary>
    public string? KeyId { get; set; }

    public string Hash { get; set; } = "";

    public AuditFacts Facts => new(Sequence, OccurredAt, EventCode, Account, UnitCode, ClientIp, Target, Purpose, Outcome, ResultCount, Detail);

    public ChainLink ToLink() => new(Facts, KeyId, PreviousHash, Hash);
}
