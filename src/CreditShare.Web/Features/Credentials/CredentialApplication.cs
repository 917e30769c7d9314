using CreditShare.Core.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CreditShare.Web.Features.Credentials;

/// <summary>
/// A U-key application (附1 + 附2) from its online form to the issued certificates. Personal fields (the user's and the
/// agent's name, phones, email, ID number) are sealed at rest; the organisation's are not personal.
/// </summary>
public sealed class CredentialApplication
{
    public long Id { get; set; }

    /// <summary><see cref="ApplicationNumber"/>: what the applicant looks the application up by.</summary>
    public string Number { get; set; } = "";

    public ApplicationState State { get; set; }

    public string UnitCode { get; set; } = "";

    /// <summary>The registered unit, when the USCC names one; approval needs it.</summary>
    public int? UnitId { get; set; }

    public string OrganisationName { get; set; } = "";

    public string Address { get; set; } = "";

    public string PostalCode { get; set; } = "";

    public string UserNameSealed { get; set; } = "";

    public string OfficePhoneSealed { get; set; } = "";

    public string MobileSealed { get; set; } = "";

    public string EmailSealed { get; set; } = "";

    public IdDocumentType IdType { get; set; }

    public string IdNumberSealed { get; set; } = "";

    public int Quantity { get; set; }

    public int ValidityMonths { get; set; }

    public DeliveryMethod Delivery { get; set; }

    public string AgentNameSealed { get; set; } = "";

    public string AgentDepartment { get; set; } = "";

    public string AgentPhoneSealed { get; set; } = "";

    public string AgentMobileSealed { get; set; } = "";

    public string AgentEmailSealed { get; set; } = "";

    public string AccountName { get; set; } = "";

    /// <summary>Roles asked for, joined by '、' as people read them.</summary>
    public string Roles { get; set; } = "";

    public string TermsVersion { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>The signed-in account that filled it in, or null for an applicant without one.</summary>
    public string? SubmittedBy { get; set; }

    public string? ClientIp { get; set; }

    // The scan of 附1 and 附2, signed and sealed (the AttachmentStore's StoredFile columns).
    public string? ScanFileName { get; set; }

    public string? ScanContentType { get; set; }

    public long? ScanSize { get; set; }

    public string? ScanSha256 { get; set; }

    public string? ScanStoredName { get; set; }

    public DateTimeOffset? ScanUploadedAt { get; set; }

    // 受理
    public string? AcceptedBy { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public string? AcceptanceOpinion { get; set; }

    // 审核
    public string? ApprovedBy { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    public string? ApprovalOpinion { get; set; }

    /// <summary>The staff account created or updated on approval; certificates are bound to it.</summary>
    public string? StaffUserId { get; set; }

    /// <summary>Set when this application replaces a leaver's credential (art. 16): the leaver's certificate serial.</summary>
    public string? ReplacesSerial { get; set; }

    // The rest of 附3 for a change: who holds the replaced U-key (sealed) and why it is cancelled.
    public string? ReplacedHolderNameSealed { get; set; }

    public string? ReplacedHolderPhoneSealed { get; set; }

    public CancellationReason? ReplacementReason { get; set; }

    public string? ReplacementReasonText { get; set; }
}

/// <summary>An acceptance of the platform's terms of use (art. 4, 23): by an applicant for their unit, or by a staff account at sign-in.</summary>
public sealed class TermsAcceptance
{
    public long Id { get; set; }

    public string Version { get; set; } = "";

    /// <summary>The staff account's id, or null for an applicant.</summary>
    public string? UserId { get; set; }

    public string? ApplicationNumber { get; set; }

    public string UnitCode { get; set; } = "";

    public DateTimeOffset AcceptedAt { get; set; }

    public string? ClientIp { get; set; }
}

/// <summary>One certificate reminded of at one threshold (60, 30, 7 days), in one unit's digest.</summary>
public sealed class ExpiryReminder
{
    public long Id { get; set; }

    public string SerialNumber { get; set; } = "";

    public int DaysAhead { get; set; }

    public int UnitId { get; set; }

    /// <summary>The digest this certificate went out in: every row of one digest shares it.</summary>
    public Guid DigestId { get; set; }

    public DateTimeOffset SentAt { get; set; }
}

internal sealed class CredentialApplicationConfiguration : IEntityTypeConfiguration<CredentialApplication>
{
    public void Configure(EntityTypeBuilder<CredentialApplication> builder)
    {
        builder.Property(a => a.Number).HasMaxLength(32);
        builder.HasIndex(a => a.Number).IsUnique();
        builder.HasIndex(a => new { a.State, a.SubmittedAt });
        builder.Property(a => a.UnitCode).HasMaxLength(18);
        builder.Property(a => a.OrganisationName).HasMaxLength(100);
        builder.Property(a => a.Address).HasMaxLength(200);
        builder.Property(a => a.PostalCode).HasMaxLength(6);
        builder.Property(a => a.AgentDepartment).HasMaxLength(100);
        builder.Property(a => a.AccountName).HasMaxLength(32);
        builder.Property(a => a.Roles).HasMaxLength(200);
        builder.Property(a => a.TermsVersion).HasMaxLength(32);
        builder.Property(a => a.SubmittedBy).HasMaxLength(256);
        builder.Property(a => a.ClientIp).HasMaxLength(64);
        builder.Property(a => a.ScanFileName).HasMaxLength(200);
        builder.Property(a => a.ScanContentType).HasMaxLength(100);
        builder.Property(a => a.ScanSha256).HasMaxLength(64);
        builder.Property(a => a.ScanStoredName).HasMaxLength(100);
        builder.Property(a => a.AcceptedBy).HasMaxLength(256);
        builder.Property(a => a.AcceptanceOpinion).HasMaxLength(500);
        builder.Property(a => a.ApprovedBy).HasMaxLength(256);
        builder.Property(a => a.ApprovalOpinion).HasMaxLength(500);
        builder.Property(a => a.StaffUserId).HasMaxLength(64);
        builder.Property(a => a.ReplacesSerial).HasMaxLength(64);
        builder.Property(a => a.ReplacementReasonText).HasMaxLength(200);
    }
}

internal sealed class TermsAcceptanceConfiguration : IEntityTypeConfiguration<TermsAcceptance>
{
    public void Configure(EntityTypeBuilder<TermsAcceptance> builder)
    {
        builder.Property(t => t.Version).HasMaxLength(32);
        builder.Property(t => t.UserId).HasMaxLength(64);
        builder.Property(t => t.ApplicationNumber).HasMaxLength(32);
        builder.Property(t => t.UnitCode).HasMaxLength(18);
        builder.Property(t => t.ClientIp).HasMaxLength(64);
        builder.HasIndex(t => new { t.UserId, t.Version });
    }
}

internal sealed class ExpiryReminderConfiguration : IEntityTypeConfiguration<ExpiryReminder>
{
    public void Configure(EntityTypeBuilder<ExpiryReminder> builder)
    {
        builder.Property(r => r.SerialNumber).HasMaxLength(64);
        // The database keeps a reminder from going out twice, whichever instance sends it.
        builder.HasIndex(r => new { r.SerialNumber, r.DaysAhead }).IsUnique();
        builder.HasIndex(r => r.DigestId);
    }
}
