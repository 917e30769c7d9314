using CreditShare.Web.Data;

namespace CreditShare.Web.Records;

/// <summary>What a version of a record says: its stored content and the dates derived from it.</summary>
public sealed record VersionContent(int CatalogVersion, string ContentHash, string DataJson, DateOnly? DecisionDate, DateOnly? DisclosureEnd, DateOnly? SharingEnd)
{
    /// <inheritdoc cref="CreditRecord.SourceTemplate"/>
    public string? SourceTemplate { get; init; }

    /// <inheritdoc cref="CreditRecord.ReceivedJson"/>
    public string? ReceivedJson { get; init; }
}

/// <summary>
/// A new version of a record: how it came about, the status it leaves the record in, who made it by which channel (in
/// which batch), why, and — unless only the status changes, as on withdrawal — its content.
/// </summary>
public sealed record RecordRevision(RecordAction Action, RecordStatus Status, string Channel, string SubmittedBy, Guid? BatchId, string? Reason, VersionContent? Content);

/// <summary>
/// The one path by which credit records change, for every writer (reporting, withdrawal, and next corrections upheld
/// on objection and credit repair): <see cref="Change"/> sets the current version aside as history, applies the new
/// one and stamps the record with the write transaction's change-feed position, so that the history, the feed and the
/// record row can never disagree. One store serves one write transaction; open it inside the transaction.
/// </summary>
public sealed class RecordStore
{
    private readonly AppDbContext db;
    private readonly DateOnly today;
    private readonly DateTimeOffset now;
    private readonly List<RecordVersion> superseded = [];

    private RecordStore(AppDbContext db, long position, DateTimeOffset now, DateOnly today)
    {
        this.db = db;
        Position = position;
        this.now = now;
        this.today = today;
    }

    /// <summary>
    /// Opens the store for the current write transaction: takes the change-feed position that every record changed in
    /// it gets. <paramref name="today"/> is the provincial calendar day, against which a sharing period has ended.
    /// </summary>
    public static async Task<RecordStore> OpenAsync(AppDbContext db, DateTimeOffset now, DateOnly today, CancellationToken cancellationToken = default)
    {
        // Outside a transaction the position would not be the writer's, and a feed reader could skip the change.
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Credit records change only inside a write transaction.");
        }

        return new RecordStore(db, await ChangeFeed.StampAsync(db, cancellationToken), now, today);
    }

    /// <summary>The change-feed position of this transaction's changes.</summary>
    public long Position { get; }

    /// <summary>
    /// Makes <paramref name="revision"/> the record's current version. A record that has a version (it was stored
    /// before, or earlier in this transaction) keeps that version as history first; a new record
    /// (<see cref="CreditRecord.CurrentVersion"/> 0) gets its first.
    /// </summary>
    public void Change(CreditRecord record, RecordRevision revision)
    {
        if (record.CurrentVersion > 0)
        {
            superseded.Add(RecordVersion.Supersede(record));
        }

        record.Status = revision.Status;
        record.LastAction = revision.Action;
        record.CurrentVersion++;
        record.BatchId = revision.BatchId;
        record.Channel = revision.Channel;
        record.SubmittedBy = revision.SubmittedBy;
        record.Reason = revision.Reason;
        record.UpdatedAt = now;
        if (revision.Content is { } content)
        {
            record.CatalogVersion = content.CatalogVersion;
            record.ContentHash = content.ContentHash;
            record.DataJson = content.DataJson;
            record.DecisionDate = content.DecisionDate;
            record.DisclosureEnd = content.DisclosureEnd;
            record.SharingEnd = content.SharingEnd;
            record.SourceTemplate = content.SourceTemplate;
            record.ReceivedJson = content.ReceivedJson;
            // A version whose sharing period has already ended is "expired" on the feed as it is; nothing to announce later.
            record.ExpiryAnnounced = content.SharingEnd < today;
        }

        record.ChangeTx = Position;
    }

    /// <summary>
    /// Writes, in bulk, the <paramref name="newRecords"/> (their ids allocated here, their subjects already set) and
    /// the versions set aside. Records that existed before are tracked by the context and saved with it.
    /// </summary>
    public async Task WriteAsync(List<CreditRecord> newRecords, CancellationToken cancellationToken = default)
    {
        var ids = await BulkWriter.AllocateIdsAsync(db, "CreditRecords", newRecords.Count, cancellationToken);
        for (var i = 0; i < newRecords.Count; i++)
        {
            newRecords[i].Id = ids[i];
        }

        // A record reported and corrected within one transaction had no id when its first version was set aside.
        foreach (var version in superseded)
        {
            version.RecordId = version.Record!.Id;
        }

        await BulkWriter.InsertAsync(db, Rows, newRecords, cancellationToken);
        await BulkWriter.InsertAsync(db, VersionRows, superseded, cancellationToken);
        superseded.Clear();
    }

    /// <summary>Column lists for the bulk writes; they follow the EF model and its migrations.</summary>
    public static BulkTable<CreditRecord> Rows { get; } = new("CreditRecords",
        ["Id", "CategoryCode", "CatalogVersion", "SubjectId", "SourceUnitId", "SourceKey", "Status", "CurrentVersion", "ContentHash", "DataJson",
         "DecisionDate", "DisclosureEnd", "SharingEnd", "FirstReceivedAt", "UpdatedAt", "LastAction", "BatchId", "Channel", "SubmittedBy", "Reason", "ChangeTx", "ExpiryAnnounced",
         "SourceTemplate", "ReceivedJson"],
        r => [r.Id, r.CategoryCode, r.CatalogVersion, r.SubjectId, r.SourceUnitId, r.SourceKey, r.Status, r.CurrentVersion, r.ContentHash, r.DataJson,
              r.DecisionDate, r.DisclosureEnd, r.SharingEnd, r.FirstReceivedAt, r.UpdatedAt, r.LastAction, r.BatchId, r.Channel, r.SubmittedBy, r.Reason, r.ChangeTx, r.ExpiryAnnounced,
              r.SourceTemplate, r.ReceivedJson]);

    public static BulkTable<RecordVersion> VersionRows { get; } = new("RecordVersions",
        ["RecordId", "Version", "Action", "CatalogVersion", "DataJson", "ContentHash", "BatchId", "Channel", "SubmittedBy", "ReceivedAt", "Reason",
         "SourceTemplate", "ReceivedJson"],
        v => [v.RecordId, v.Version, v.Action, v.CatalogVersion, v.DataJson, v.ContentHash, v.BatchId, v.Channel, v.SubmittedBy, v.ReceivedAt, v.Reason,
              v.SourceTemplate, v.ReceivedJson]);
}
