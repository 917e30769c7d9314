namespace CreditShare.Web.Features.Reporting;

/// <summary>One submitted batch and the answer given for it; the Idempotency-Key makes a retry return that answer.</summary>
public sealed class ReportBatch
{
    public Guid Id { get; set; }

    public int UnitId { get; set; }

    public string CategoryCode { get; set; } = "";

    public int CatalogVersion { get; set; }

    public string Channel { get; set; } = "";

    public string SubmittedBy { get; set; } = "";

    public string? IdempotencyKey { get; set; }

    /// <summary>SHA-256 of the request body: the same key with a different body is a client error.</summary>
    public string RequestHash { get; set; } = "";

    public DateTimeOffset ReceivedAt { get; set; }

    public int Total { get; set; }

    public int Accepted { get; set; }

    public int Unchanged { get; set; }

    public int Rejected { get; set; }

    public string ResultJson { get; set; } = "";
}

/// <summary>
/// A rejected record kept with its raw content and reasons (art. 8): the unit fixes it and resubmits, which closes the
/// entry and links it to the accepted record. Nothing rejected is dropped.
/// </summary>
public sealed class AbnormalEntry
{
    public long Id { get; set; }

    public int UnitId { get; set; }

    public string CategoryCode { get; set; } = "";

    public int CatalogVersion { get; set; }

    public Guid BatchId { get; set; }

    public int RowIndex { get; set; }

    /// <summary>The document number, or empty if the row had none: resubmitting that key closes the entry.</summary>
    public string SourceKey { get; set; } = "";

    /// <summary>The row as received, personal fields encrypted.</summary>
    public string RawJson { get; set; } = "";

    public string ErrorsJson { get; set; } = "";

    /// <summary>Machine codes, separated by spaces with one at each end, for filtering with LIKE.</summary>
    public string ErrorCodes { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public long? ResolvedRecordId { get; set; }

    public string? Annotation { get; set; }
}
