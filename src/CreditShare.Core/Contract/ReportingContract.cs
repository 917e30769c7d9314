namespace CreditShare.Core.Contract;

// What a source unit's system sends and reads back on the reporting API (POST /api/v1/reports/{category} and friends).
// Names and JSON shapes are the wire contract: ContractSnapshotTests fails when one changes.

/// <summary>The answer for one row of a batch: <c>accepted</c>, <c>unchanged</c> (identical to the current version) or <c>rejected</c>.</summary>
public sealed record RecordResult(int Index, string Status, long? RecordId, IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings);

/// <summary>The answer for a whole batch, stored with it: a retry with the same Idempotency-Key gets it again with <c>replayed</c> set.</summary>
public sealed record BatchResult(Guid BatchId, string Category, int CatalogVersion, int Total, int Accepted, int Unchanged, int Rejected, bool Replayed,
    IReadOnlyList<RecordResult> Records)
{
    /// <summary>What concerns the whole batch: the older national template it was read as, columns ignored or kept as received.</summary>
    public IReadOnlyList<FieldError> Warnings { get; init; } = [];

    /// <summary>The older national template the batch was read as (<c>2016</c>, <c>2019</c>); null for today's layout.</summary>
    public string? Template { get; init; }
}

/// <summary>Withdraws the record a source unit reported under its own key.</summary>
public sealed record WithdrawRequest(string? SourceKey, string? Reason);

/// <summary>A rejected row waiting in the unit's abnormal-data queue, with its reasons.</summary>
public sealed record AbnormalView(long Id, string CategoryCode, Guid BatchId, int RowIndex, string? SourceKey, IReadOnlyList<FieldError> Errors,
    DateTimeOffset CreatedAt, string? Annotation);
