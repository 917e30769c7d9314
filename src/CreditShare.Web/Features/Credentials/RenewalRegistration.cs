using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CreditShare.Web.Features.Credentials;

public enum RenewalRegistrationState
{
    /// <summary>Registered online; the signed and sealed 附4 not yet uploaded.</summary>
    Submitted,
    ScanUploaded,

    /// <summary>受理 by a 证书业务操作员: the U-keys on it may be renewed.</summary>
    Accepted,
    Refused,

    /// <summary>Every U-key on it renewed.</summary>
    Completed,
}

/// <summary>附4 (到期U-key更换登记表) as a unit registered it: its U-keys due for renewal, the sealed scan, 受理.</summary>
public sealed class RenewalRegistration
{
    public long Id { get; set; }

    /// <summary><c>GH…</c>, made and checked like an application number.</summary>
    public string Number { get; set; } = "";

    public int UnitId { get; set; }

    public string UnitCode { get; set; } = "";

    public string OrganisationName { get; set; } = "";

    public RenewalRegistrationState State { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    public string SubmittedBy { get; set; } = "";

    public string? ClientIp { get; set; }

    public string? ScanFileName { get; set; }

    public string? ScanContentType { get; set; }

    public long? ScanSize { get; set; }

    public string? ScanSha256 { get; set; }

    public string? ScanStoredName { get; set; }

    public DateTimeOffset? ScanUploadedAt { get; set; }

    public string? AcceptedBy { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public string? Opinion { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public List<RenewalRegistrationEntry> Lines { get; set; } = [];
}

/// <summary>One line of 附4, tied to the U-key certificate it renews; the user's name and phone sealed like an application's.</summary>
public sealed class RenewalRegistrationEntry
{
    public long Id { get; set; }

    public long RegistrationId { get; set; }

    public int Sequence { get; set; }

    public string AccountName { get; set; } = "";

    public string UserNameSealed { get; set; } = "";

    public string PhoneSealed { get; set; } = "";

    public string? Remarks { get; set; }

    /// <summary>The account's U-key that is due, as found when the line was registered.</summary>
    public string CertificateSerial { get; set; } = "";

    public DateTimeOffset CertificateNotAfter { get; set; }

    public string? RenewedSerial { get; set; }

    public DateTimeOffset? RenewedAt { get; set; }
}

internal sealed class RenewalRegistrationConfiguration : IEntityTypeConfiguration<RenewalRegistration>
{
    public void Configure(EntityTypeBuilder<RenewalRegistration> builder)
    {
        builder.Property(r => r.Number).HasMaxLength(32);
        builder.HasIndex(r => r.Number).IsUnique();
        builder.HasIndex(r => new { r.UnitId, r.State });
        builder.Property(r => r.UnitCode).HasMaxLength(18);
        builder.Property(r => r.OrganisationName).HasMaxLength(100);
        builder.Property(r => r.SubmittedBy).HasMaxLength(256);
        builder.Property(r => r.ClientIp).HasMaxLength(64);
        builder.Property(r => r.ScanFileName).HasMaxLength(200);
        builder.Property(r => r.ScanContentType).HasMaxLength(100);
        builder.Property(r => r.ScanSha256).HasMaxLength(64);
        builder.Property(r => r.ScanStoredName).HasMaxLength(100);
        builder.Property(r => r.AcceptedBy).HasMaxLength(256);
        builder.Property(r => r.Opinion).HasMaxLength(500);
        builder.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.RegistrationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RenewalRegistrationEntryConfiguration : IEntityTypeConfiguration<RenewalRegistrationEntry>
{
    public void Configure(EntityTypeBuilder<RenewalRegistrationEntry> builder)
    {
        builder.Property(l => l.AccountName).HasMaxLength(64);
        builder.Property(l => l.Remarks).HasMaxLength(200);
        builder.Property(l => l.CertificateSerial).HasMaxLength(64);
        builder.Property(l => l.RenewedSerial).HasMaxLength(64);
        builder.HasIndex(l => l.CertificateSerial);
        builder.HasIndex(l => new { l.RegistrationId, l.Sequence }).IsUnique();
    }
}
