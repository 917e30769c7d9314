using CreditShare.Web.Data;
using CreditShare.Web.Features.Subjects;

namespace CreditShare.Web.Features.Reporting;

/// <summary>
/// Column lists of the tables the reporting path writes in bulk; they follow the EF model and its migrations. Tables
/// whose rows nothing points at leave out <c>Id</c> and let the database number them.
/// </summary>
internal static class BulkTables
{
    public static BulkTable<Subject> Subjects { get; } = new("Subjects",
        ["Id", "Key", "Type", "Uscc", "IdentityHash", "IdentityCipher", "RegistrationNumber", "Name", "FirstSourceUnitId", "CreatedAt", "UpdatedAt"],
        s => [s.Id, s.Key, s.Type, s.Uscc, s.IdentityHash, s.IdentityCipher, s.RegistrationNumber, s.Name, s.FirstSourceUnitId, s.CreatedAt, s.UpdatedAt]);

    public static BulkTable<SubjectName> SubjectNames { get; } = new("SubjectNames",
        ["SubjectId", "Name", "SourceUnitId", "FirstSeenAt", "NeedsReview", "ReviewedAt"],
        n => [n.SubjectId, n.Name, n.SourceUnitId, n.FirstSeenAt, n.NeedsReview, n.ReviewedAt]);

    public static BulkTable<CreditRecord> Records { get; } = new("CreditRecords",
        ["Id", "CategoryCode", "CatalogVersion", "SubjectId", "SourceUnitId", "SourceKey", "Status", "CurrentVersion", "ContentHash", "DataJson",
         "DecisionDate", "DisclosureEnd", "SharingEnd", "FirstReceivedAt", "UpdatedAt", "LastAction", "BatchId", "Channel", "SubmittedBy", "Reason", "ChangeTx", "ExpiryAnnounced"],
        r => [r.Id, r.CategoryCode, r.CatalogVersion, r.SubjectId, r.SourceUnitId, r.SourceKey, r.Status, r.CurrentVersion, r.ContentHash, r.DataJson,
              r.DecisionDate, r.DisclosureEnd, r.SharingEnd, r.FirstReceivedAt, r.UpdatedAt, r.LastAction, r.BatchId, r.Channel, r.SubmittedBy, r.Reason, r.ChangeTx, r.ExpiryAnnounced]);

    public static BulkTable<RecordVersion> Versions { get; } = new("RecordVersions",
        ["RecordId", "Version", "Action", "CatalogVersion", "DataJson", "ContentHash", "BatchId", "Channel", "SubmittedBy", "ReceivedAt", "Reason"],
        v => [v.RecordId, v.Version, v.Action, v.CatalogVersion, v.DataJson, v.ContentHash, v.BatchId, v.Channel, v.SubmittedBy, v.ReceivedAt, v.Reason]);

    public static BulkTable<AbnormalEntry> Abnormal { get; } = new("AbnormalEntries",
        ["UnitId", "CategoryCode", "CatalogVersion", "BatchId", "RowIndex", "SourceKey", "RawJson", "ErrorsJson", "ErrorCodes", "CreatedAt", "ClosedAt",
         "ResolvedRecordId", "Annotation"],
        a => [a.UnitId, a.CategoryCode, a.CatalogVersion, a.BatchId, a.RowIndex, a.SourceKey, a.RawJson, a.ErrorsJson, a.ErrorCodes, a.CreatedAt, a.ClosedAt,
              a.ResolvedRecordId, a.Annotation]);
}
