using CreditShare.Web.Data;
using CreditShare.Web.Features.Subjects;

namespace CreditShare.Web.Features.Reporting;

/// <summary>
/// Column lists of the tables the reporting path writes in bulk; they follow the EF model and its migrations (those of
/// records and their versions are the record store's). Tables whose rows nothing points at leave out <c>Id</c> and let
/// the database number them.
/// </summary>
internal static class BulkTables
{
    public static BulkTable<Subject> Subjects { get; } = new("Subjects",
        ["Id", "Key", "Type", "Uscc", "IdentityHash", "IdentityCipher", "RegistrationNumber", "Name", "FirstSourceUnitId", "CreatedAt", "UpdatedAt"],
        s => [s.Id, s.Key, s.Type, s.Uscc, s.IdentityHash, s.IdentityCipher, s.RegistrationNumber, s.Name, s.FirstSourceUnitId, s.CreatedAt, s.UpdatedAt]);

    public static BulkTable<SubjectName> SubjectNames { get; } = new("SubjectNames",
        ["SubjectId", "Name", "SourceUnitId", "FirstSeenAt", "NeedsReview", "ReviewedAt"],
        n => [n.SubjectId, n.Name, n.SourceUnitId, n.FirstSeenAt, n.NeedsReview, n.ReviewedAt]);

    public static BulkTable<AbnormalEntry> Abnormal { get; } = new("AbnormalEntries",
        ["UnitId", "CategoryCode", "CatalogVersion", "BatchId", "RowIndex", "SourceKey", "RawJson", "ErrorsJson", "ErrorCodes", "CreatedAt", "ClosedAt",
         "ResolvedRecordId", "Annotation"],
        a => [a.UnitId, a.CategoryCode, a.CatalogVersion, a.BatchId, a.RowIndex, a.SourceKey, a.RawJson, a.ErrorsJson, a.ErrorCodes, a.CreatedAt, a.ClosedAt,
              a.ResolvedRecordId, a.Annotation]);
}
