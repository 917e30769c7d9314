using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CreditShare.Web.Features.Security;

/// <summary>
/// How often one address gave one signal in one 10-second bucket, summed over every instance: each instance adds its
/// own counts every second, so a limit or a detection sees what all instances saw.
/// </summary>
public sealed class TrafficCount
{
    public string Address { get; set; } = "";

    public int Signal { get; set; }

    /// <summary>Start of the bucket in Unix seconds (a multiple of <see cref="TrafficCounter.BucketSeconds"/>).</summary>
    public long Bucket { get; set; }

    public long Count { get; set; }
}

/// <summary>A subject one address looked up in one bucket (a keyed hash of its code, never the code): distinct ones are counted.</summary>
public sealed class TrafficSubject
{
    public string Address { get; set; } = "";

    public string SubjectHash { get; set; } = "";

    public long Bucket { get; set; }
}

public static class BlockSources
{
    public const string Automatic = "automatic";
    public const string Manual = "manual";
}

public static class BlockReviews
{
    /// <summary>Automatic, waiting for 深入核查.</summary>
    public const string Pending = "pending";

    public const string Confirmed = "confirmed";

    public const string Lifted = "lifted";

    public static string Label(string state) => state switch
    {
        Pending => "待核查",
        Confirmed => "已确认",
        Lifted => "已解除",
        _ => state,
    };
}

/// <summary>
/// One blacklist decision (art. 19): who, why (the attack record 等保 asks for: source address, attack type, target,
/// time, evidence), until when, and what the review decided. Every instance reads the decisions in force from here.
/// </summary>
public sealed class AddressBlock
{
    public long Id { get; set; }

    /// <summary>An address, an IPv6 /64 counting key, or a CIDR network (manual entries).</summary>
    public string Address { get; set; } = "";

    public string Source { get; set; } = BlockSources.Automatic;

    public string AttackType { get; set; } = "";

    public string Target { get; set; } = "";

    public string Evidence { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "system";

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Recorded in simulation mode: shown and reviewed like any other, never enforced.</summary>
    public bool Simulated { get; set; }

    public string Review { get; set; } = BlockReviews.Pending;

    public string? ReviewedBy { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public string? ReviewReason { get; set; }

    /// <summary>After a lift: until then the address is not blocked automatically again (the burst is still in the window).</summary>
    public DateTimeOffset? AllowedUntil { get; set; }
}

/// <summary>The kill switch of one service (art. 20): closed or open, by whom, why.</summary>
public sealed class ServiceSwitchState
{
    public string Service { get; set; } = "";

    public bool Closed { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    public string ChangedBy { get; set; } = "";

    /// <summary>Who closed it last: reopening must be someone else.</summary>
    public string? ClosedBy { get; set; }

    /// <summary>Bumped by every change, so a change made on another instance at the same instant is still seen.</summary>
    public long Version { get; set; }
}

internal sealed class TrafficCountConfiguration : IEntityTypeConfiguration<TrafficCount>
{
    public void Configure(EntityTypeBuilder<TrafficCount> builder)
    {
        builder.HasKey(t => new { t.Address, t.Signal, t.Bucket });
        builder.Property(t => t.Address).HasMaxLength(64);
        builder.HasIndex(t => t.Bucket);
    }
}

internal sealed class TrafficSubjectConfiguration : IEntityTypeConfiguration<TrafficSubject>
{
    public void Configure(EntityTypeBuilder<TrafficSubject> builder)
    {
        builder.HasKey(t => new { t.Address, t.SubjectHash, t.Bucket });
        builder.Property(t => t.Address).HasMaxLength(64);
        builder.Property(t => t.SubjectHash).HasMaxLength(64);
        builder.HasIndex(t => t.Bucket);
    }
}

internal sealed class AddressBlockConfiguration : IEntityTypeConfiguration<AddressBlock>
{
    public void Configure(EntityTypeBuilder<AddressBlock> builder)
    {
        builder.Property(b => b.Address).HasMaxLength(64);
        builder.Property(b => b.Source).HasMaxLength(16);
        builder.Property(b => b.AttackType).HasMaxLength(100);
        builder.Property(b => b.Target).HasMaxLength(100);
        builder.Property(b => b.Evidence).HasMaxLength(500);
        builder.Property(b => b.CreatedBy).HasMaxLength(256);
        builder.Property(b => b.Review).HasMaxLength(16);
        builder.Property(b => b.ReviewedBy).HasMaxLength(256);
        builder.Property(b => b.ReviewReason).HasMaxLength(500);
        builder.HasIndex(b => b.ExpiresAt);
        builder.HasIndex(b => new { b.Address, b.CreatedAt });
    }
}

internal sealed class ServiceSwitchStateConfiguration : IEntityTypeConfiguration<ServiceSwitchState>
{
    public void Configure(EntityTypeBuilder<ServiceSwitchState> builder)
    {
        builder.HasKey(s => s.Service);
        builder.Property(s => s.Service).HasMaxLength(32);
        builder.Property(s => s.Reason).HasMaxLength(500);
        builder.Property(s => s.ChangedBy).HasMaxLength(256);
        builder.Property(s => s.ClosedBy).HasMaxLength(256);
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}
