namespace CreditShare.Web.Records;

public enum RecordStatus
{
    Active = 0,
    Withdrawn = 1,
}

/// <summary>
/// A reported credit record: one per source unit, category and source key (the document number), so reporting the
/// same decision again is idempotent. The row is the record's current version — content in <see cref="DataJson"/> with
/// personal fields encrypted, and the provenance of that version; earlier versions move to <see cref="RecordVersion"/>
/// when they are superseded, so a record reported once is one row.
/// </summary>
public sealed class CreditRecord
{
    public long Id { get; set; }

    public string CategoryCode { get; set; } = "";

    public int CatalogVersion { get; set; }

    public long SubjectId { get; set; }

    public int SourceUnitId { get; set; }

    public string SourceKey { get; set; } = "";

    public RecordStatus Status { get; set; }

    public int CurrentVersion { get; set; }

    /// <summary>Keyed hash of the normalised content: a resubmission with the same hash is <c>unchanged</c>.</summary>
    public string ContentHash { get; set; } = "";

    public string DataJson { get; set; } = "";

    public DateOnly? DecisionDate { get; set; }

    public DateOnly? DisclosureEnd { get; set; }

    public DateOnly? SharingEnd { get; set; }

    public DateTimeOffset FirstReceivedAt { get; set; }

    /// <summary>When the current version was received.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>How the current version came about.</summary>
    public RecordAction LastAction { get; set; }

    public Guid? BatchId { get; set; }

    /// <summary><c>api</c>, <c>upload</c>, <c>form</c> or <c>gateway</c>.</summary>
    public string Channel { get; set; } = "";

    /// <summary>The account name or <c>cert:SERIAL</c> of the submitter of the current version.</summary>
    public string SubmittedBy { get; set; } = "";

    /// <summary>The reason given for a withdrawal.</summary>
    public string? Reason { get; set; }

    /// <summary>
    /// The change feed's position of the record's latest change (creation, correction, withdrawal, expiry): the writing
    /// transaction's id on PostgreSQL, a counter of write transactions on SQLite. With <see cref="Id"/> it orders the feed.
    /// </summary>
    public long ChangeTx { get; set; }

    /// <summary>Set once the end of the sharing period has been put on the change feed.</summary>
    public bool ExpiryAnnounced { get; set; }

    /// <summary>The older national template the current version came in (<c>2016</c>, <c>2019</c>); null for today's layout.</summary>
    public string? SourceTemplate { get; set; }

    /// <summary>
    /// Provenance of the current version: the values as received of the fields normalisation changed, and the columns
    /// of an older template that today's catalog has no field for, as a JSON object (personal values encrypted); null
    /// when everything was stored as sent.
    /// </summary>
    public string? ReceivedJson { get; set; }
}

public enum RecordAction
{
    Reported = 0,
    Corrected = 1,
    Withdrawn = 2,
}

/// <summary>
/// A superseded version of a record, with its provenance (who, by which channel, in which batch, when), written at the
/// moment a correction or withdrawal replaces it. With the record row (the current version) this is the full history.
/// </summary>
public sealed class RecordVersion
{
    /// <summary>The record's current version, about to be superseded, as a history row.</summary>
    public static RecordVersion Supersede(CreditRecord record) => new()
    {
        Record = record,
        RecordId = record.Id,
        Version = record.CurrentVersion,
        Action = record.LastAction,
        CatalogVersion = record.CatalogVersion,
        DataJson = record.DataJson,
        ContentHash = record.ContentHash,
        BatchId = record.BatchId,
        Channel = record.Channel,
        SubmittedBy = record.SubmittedBy,
        ReceivedAt = record.UpdatedAt,
        Reason = record.Reason,
        SourceTemplate = record.SourceTemplate,
        ReceivedJson = record.ReceivedJson,
    };

    public long Id { get; set; }

    public long RecordId { get; set; }

    public CreditRecord? Record { get; set; }

    public int Version { get; set; }

    public RecordAction Action { get; set; }

    public int CatalogVersion { get; set; }

    public string DataJson { get; set; } = "";

    public string ContentHash { get; set; } = "";

    public Guid? BatchId { get; set; }

    /// <summary><c>api</c>, <c>upload</c>, <c>form</c> or <c>gateway</c>.</summary>
    public string Channel { get; set; } = "";

    /// <summary>The account name or <c>cert:SERIAL</c> of the submitter.</summary>
    public string SubmittedBy { get; set; } = "";

    public DateTimeOffset ReceivedAt { get; set; }

    public string? Reason { get; set; }

    /// <inheritdoc cref="CreditRecord.SourceTemplate"/>
    public string? SourceTemplate { get; set; }

    /// <inheritdoc cref="CreditRecord.ReceivedJson"/>
    public string? ReceivedJson { get; set; }
}
