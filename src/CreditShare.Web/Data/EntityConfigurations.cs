using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Reporting;
using CreditShare.Web.Features.Schedules;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CreditShare.Web.Data;

internal sealed class UnitConfiguration : IEntityTypeConfiguration<Unit>
{
    public void Configure(EntityTypeBuilder<Unit> builder)
    {
        builder.Property(u => u.Name).HasMaxLength(100);
        builder.Property(u => u.Uscc).HasMaxLength(18);
        builder.Property(u => u.RegionCode).HasMaxLength(6);
        builder.HasIndex(u => u.Uscc).IsUnique();
        builder.OwnsOne(u => u.Responsible, ContactColumns);
        builder.OwnsOne(u => u.Leader, ContactColumns);
    }

    /// <summary>Contact values are stored encrypted (<c>enc:v1:</c> + base64 of nonce, cipher and tag): room for 100 characters of Chinese.</summary>
    internal static void ContactColumns<T>(OwnedNavigationBuilder<T, UnitContact> contact)
        where T : class
    {
        contact.Property(c => c.Name).HasMaxLength(UnitContact.StoredMaxLength);
        contact.Property(c => c.OfficePhone).HasMaxLength(UnitContact.StoredMaxLength);
        contact.Property(c => c.Mobile).HasMaxLength(UnitContact.StoredMaxLength);
        contact.Property(c => c.Email).HasMaxLength(UnitContact.StoredMaxLength);
    }
}

internal sealed class ReportingAssignmentConfiguration : IEntityTypeConfiguration<ReportingAssignment>
{
    public void Configure(EntityTypeBuilder<ReportingAssignment> builder)
    {
        builder.Property(a => a.CategoryCode).HasMaxLength(40);
        builder.Property(a => a.AssignedBy).HasMaxLength(256);
        builder.HasOne<Unit>().WithMany().HasForeignKey(a => a.UnitId);
        builder.HasIndex(a => new { a.UnitId, a.CategoryCode }).IsUnique();
    }
}

internal sealed class OnBehalfUnitConfiguration : IEntityTypeConfiguration<OnBehalfUnit>
{
    public void Configure(EntityTypeBuilder<OnBehalfUnit> builder)
    {
        builder.Property(o => o.Uscc).HasMaxLength(18);
        builder.Property(o => o.Name).HasMaxLength(100);
        builder.Property(o => o.AddedBy).HasMaxLength(256);
        builder.HasOne<Unit>().WithMany().HasForeignKey(o => o.UnitId);
        builder.HasIndex(o => new { o.UnitId, o.Uscc }).IsUnique();
    }
}

internal sealed class UnitContactChangeConfiguration : IEntityTypeConfiguration<UnitContactChange>
{
    public void Configure(EntityTypeBuilder<UnitContactChange> builder)
    {
        builder.Property(c => c.ContactRole).HasMaxLength(20);
        builder.Property(c => c.ChangedBy).HasMaxLength(256);
        builder.OwnsOne(c => c.Previous, UnitConfiguration.ContactColumns);
        builder.OwnsOne(c => c.Current, UnitConfiguration.ContactColumns);
        builder.HasIndex(c => new { c.UnitId, c.ChangedAt });
        builder.HasOne<Unit>().WithMany().HasForeignKey(c => c.UnitId);
    }
}

internal sealed class CatalogCategoryVersionConfiguration : IEntityTypeConfiguration<CatalogCategoryVersion>
{
    public void Configure(EntityTypeBuilder<CatalogCategoryVersion> builder)
    {
        builder.Property(c => c.Code).HasMaxLength(40);
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.Property(c => c.CreatedBy).HasMaxLength(256);
        builder.Property(c => c.ChangeNote).HasMaxLength(500);
        // Two editors saving at once cannot both create version N.
        builder.HasIndex(c => new { c.Code, c.Version }).IsUnique();
    }
}

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(50);
        builder.HasOne<Unit>().WithMany().HasForeignKey(u => u.UnitId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StaffSessionConfiguration : IEntityTypeConfiguration<StaffSession>
{
    public void Configure(EntityTypeBuilder<StaffSession> builder)
    {
        builder.Property(s => s.Id).HasMaxLength(64);
        builder.Property(s => s.EndReason).HasMaxLength(32);
        builder.Property(s => s.ClientIp).HasMaxLength(64);
        builder.HasIndex(s => s.UserId);
        builder.HasOne<StaffUser>().WithMany().HasForeignKey(s => s.UserId);
    }
}

internal sealed class IssuedCertificateConfiguration : IEntityTypeConfiguration<IssuedCertificate>
{
    public void Configure(EntityTypeBuilder<IssuedCertificate> builder)
    {
        builder.Property(c => c.SerialNumber).HasMaxLength(64);
        builder.Property(c => c.Thumbprint).HasMaxLength(128);
        builder.Property(c => c.Subject).HasMaxLength(400);
        builder.Property(c => c.IssuedBy).HasMaxLength(256);
        builder.Property(c => c.RevokedBy).HasMaxLength(256);
        builder.Property(c => c.RevocationReason).HasMaxLength(200);
        builder.Property(c => c.StaffUserId).HasMaxLength(64);
        builder.Property(c => c.ReplacesSerial).HasMaxLength(64);
        builder.Property(c => c.RenewedBySerial).HasMaxLength(64);
        builder.Property(c => c.TrackingNumber).HasMaxLength(64);
        builder.Property(c => c.CollectedBy).HasMaxLength(100);
        builder.Property(c => c.DeliveryRecordedBy).HasMaxLength(256);
        builder.Property(c => c.PublicKeySha256).HasMaxLength(64);
        builder.HasIndex(c => c.SerialNumber).IsUnique();
        builder.HasIndex(c => c.StaffUserId);
        builder.HasIndex(c => c.NotAfter);
        builder.HasOne<Unit>().WithMany().HasForeignKey(c => c.UnitId);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        // The sequence is assigned by the writer under a lock so that the chain has no gaps.
        builder.HasKey(a => a.Sequence);
        builder.Property(a => a.Sequence).ValueGeneratedNever();
        builder.Property(a => a.Account).HasMaxLength(256);
        builder.Property(a => a.UnitCode).HasMaxLength(18);
        builder.Property(a => a.ClientIp).HasMaxLength(64);
        builder.Property(a => a.Target).HasMaxLength(256);
        builder.Property(a => a.Purpose).HasMaxLength(500);
        builder.Property(a => a.Outcome).HasMaxLength(32);
        builder.Property(a => a.Detail).HasMaxLength(2000);
        builder.Property(a => a.PreviousHash).HasMaxLength(64);
        builder.Property(a => a.Hash).HasMaxLength(64);
        builder.Property(a => a.KeyId).HasMaxLength(40);
        builder.HasIndex(a => a.OccurredAt);
        builder.HasIndex(a => a.EventCode);
        builder.HasIndex(a => a.Account);
        builder.Ignore(a => a.Facts);
    }
}

internal sealed class AuditArchiveConfiguration : IEntityTypeConfiguration<AuditArchive>
{
    public void Configure(EntityTypeBuilder<AuditArchive> builder)
    {
        builder.Property(a => a.ToHash).HasMaxLength(64);
        builder.Property(a => a.FileName).HasMaxLength(200);
        builder.Property(a => a.FileSha256).HasMaxLength(64);
        builder.Property(a => a.KeyId).HasMaxLength(40);
        builder.Property(a => a.Signature).HasMaxLength(64);
        builder.Ignore(a => a.Facts);
        // Two archivers running at once cannot both archive the same stretch of the chain.
        builder.HasIndex(a => a.FromSequence).IsUnique();
    }
}

internal sealed class SubjectConfiguration : IEntityTypeConfiguration<Subject>
{
    public void Configure(EntityTypeBuilder<Subject> builder)
    {
        builder.Property(s => s.Uscc).HasMaxLength(18);
        builder.Property(s => s.IdentityHash).HasMaxLength(100);
        builder.Property(s => s.IdentityCipher).HasMaxLength(200);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.Key).HasMaxLength(100);
        builder.HasIndex(s => s.Key).IsUnique();
        builder.Property(s => s.RegistrationNumber).HasMaxLength(50);
        builder.HasIndex(s => s.RegistrationNumber).HasFilter("\"RegistrationNumber\" IS NOT NULL");
    }
}

internal sealed class SubjectNameConfiguration : IEntityTypeConfiguration<SubjectName>
{
    public void Configure(EntityTypeBuilder<SubjectName> builder)
    {
        builder.Property(n => n.Name).HasMaxLength(200);
        builder.HasOne(n => n.Subject).WithMany().HasForeignKey(n => n.SubjectId);
        builder.HasIndex(n => new { n.SubjectId, n.FirstSeenAt });
        builder.HasIndex(n => n.NeedsReview);
    }
}

internal sealed class CreditRecordConfiguration : IEntityTypeConfiguration<CreditRecord>
{
    public void Configure(EntityTypeBuilder<CreditRecord> builder)
    {
        builder.ToTable("CreditRecords");
        builder.Property(r => r.CategoryCode).HasMaxLength(40);
        builder.Property(r => r.SourceKey).HasMaxLength(200);
        builder.Property(r => r.ContentHash).HasMaxLength(64);
        builder.Property(r => r.SourceTemplate).HasMaxLength(16);
        builder.Property(r => r.Channel).HasMaxLength(16);
        builder.Property(r => r.SubmittedBy).HasMaxLength(256);
        builder.Property(r => r.Reason).HasMaxLength(500);
        // No foreign-key constraints to Subjects and Units: on PostgreSQL their per-row checks doubled the cost of
        // storing a record, and the reporting service, the only writer, creates the subject in the same transaction;
        // subjects and units are never deleted.
        // The source key: one record per unit, category and document number, whatever is retried or raced. The
        // document number leads, so a batch's lookup by thousands of numbers is answered from the index whatever the
        // planner's statistics say (with unit first, PostgreSQL may scan the unit's every record and filter).
        builder.HasIndex(r => new { r.SourceKey, r.SourceUnitId, r.CategoryCode }).IsUnique();
        builder.HasIndex(r => new { r.SubjectId, r.CategoryCode });
        // The change feed's order.
        builder.HasIndex(r => new { r.ChangeTx, r.Id });
    }
}

internal sealed class RecordVersionConfiguration : IEntityTypeConfiguration<RecordVersion>
{
    public void Configure(EntityTypeBuilder<RecordVersion> builder)
    {
        builder.Property(v => v.ContentHash).HasMaxLength(64);
        builder.Property(v => v.SourceTemplate).HasMaxLength(16);
        builder.Property(v => v.Channel).HasMaxLength(16);
        builder.Property(v => v.SubmittedBy).HasMaxLength(256);
        builder.Property(v => v.Reason).HasMaxLength(500);
        builder.HasOne(v => v.Record).WithMany().HasForeignKey(v => v.RecordId);
        builder.HasIndex(v => new { v.RecordId, v.Version }).IsUnique();
        builder.HasIndex(v => v.BatchId);
    }
}

internal sealed class ReportBatchConfiguration : IEntityTypeConfiguration<ReportBatch>
{
    public void Configure(EntityTypeBuilder<ReportBatch> builder)
    {
        builder.Property(b => b.CategoryCode).HasMaxLength(40);
        builder.Property(b => b.Channel).HasMaxLength(16);
        builder.Property(b => b.SubmittedBy).HasMaxLength(256);
        builder.Property(b => b.IdempotencyKey).HasMaxLength(100);
        builder.Property(b => b.RequestHash).HasMaxLength(64);
        builder.HasOne<Unit>().WithMany().HasForeignKey(b => b.UnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(b => new { b.UnitId, b.IdempotencyKey }).IsUnique();
        builder.HasIndex(b => new { b.UnitId, b.ReceivedAt });
    }
}

internal sealed class AbnormalEntryConfiguration : IEntityTypeConfiguration<AbnormalEntry>
{
    public void Configure(EntityTypeBuilder<AbnormalEntry> builder)
    {
        builder.Property(a => a.CategoryCode).HasMaxLength(40);
        builder.Property(a => a.SourceKey).HasMaxLength(200);
        builder.Property(a => a.ErrorCodes).HasMaxLength(1000);
        builder.Property(a => a.Annotation).HasMaxLength(1000);
        builder.HasOne<Unit>().WithMany().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.SourceKey, a.UnitId, a.CategoryCode });
        builder.HasIndex(a => new { a.UnitId, a.ClosedAt });
    }
}

internal sealed class ReportingScheduleConfiguration : IEntityTypeConfiguration<ReportingSchedule>
{
    public void Configure(EntityTypeBuilder<ReportingSchedule> builder)
    {
        builder.Property(s => s.CategoryCode).HasMaxLength(40);
        builder.Property(s => s.Frequency).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.UpdatedBy).HasMaxLength(256);
        builder.HasOne<Unit>().WithMany().HasForeignKey(s => s.UnitId);
        builder.HasIndex(s => new { s.UnitId, s.CategoryCode }).IsUnique();
    }
}

internal sealed class CreditReportConfiguration : IEntityTypeConfiguration<Features.Public.CreditReport>
{
    public void Configure(EntityTypeBuilder<Features.Public.CreditReport> builder)
    {
        builder.Property(r => r.Number).HasMaxLength(40);
        builder.Property(r => r.VerificationCode).HasMaxLength(16);
        builder.Property(r => r.SubjectCode).HasMaxLength(64);
        builder.Property(r => r.SubjectName).HasMaxLength(200);
        builder.Property(r => r.Sha256).HasMaxLength(64);
        builder.HasIndex(r => r.Number).IsUnique();
    }
}

internal sealed class GatewayStatusConfiguration : IEntityTypeConfiguration<Features.Gateways.GatewayStatus>
{
    public void Configure(EntityTypeBuilder<Features.Gateways.GatewayStatus> builder)
    {
        builder.ToTable("GatewayStatuses");
        builder.HasKey(g => g.CertificateSerial);
        builder.Property(g => g.CertificateSerial).HasMaxLength(64);
        builder.Property(g => g.Name).HasMaxLength(100);
        builder.Property(g => g.Version).HasMaxLength(50);
        builder.Property(g => g.LastError).HasMaxLength(1000);
        builder.Property(g => g.RemoteAddress).HasMaxLength(64);
        builder.HasOne<Unit>().WithMany().HasForeignKey(g => g.UnitId);
        builder.HasIndex(g => g.UnitId);
    }
}
