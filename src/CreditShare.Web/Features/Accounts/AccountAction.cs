using CreditShare.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CreditShare.Web.Features.Accounts;

public enum AccountActionStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
}

/// <summary>
/// An account change one 安全管理员 asked for and a second one approves or rejects (the two-person rule,
/// <see cref="AccountApproval"/>). It holds no secret: a one-time password is made at approval and shown only then.
/// </summary>
public sealed class AccountAction
{
    public long Id { get; set; }

    public AccountActionKind Kind { get; set; }

    public AccountActionStatus Status { get; set; }

    /// <summary>The account concerned; for a new account, filled in when the approval creates it.</summary>
    public string? TargetUserId { get; set; }

    public string UserName { get; set; } = "";

    /// <summary>A new account's name and unit.</summary>
    public string? DisplayName { get; set; }

    public int? UnitId { get; set; }

    /// <summary>A new account's roles, or the whole role set asked for an existing one.</summary>
    public List<string> Roles { get; set; } = [];

    public string RequestedById { get; set; } = "";

    public string RequestedBy { get; set; } = "";

    public DateTimeOffset RequestedAt { get; set; }

    public string? ReviewedById { get; set; }

    public string? ReviewedBy { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    /// <summary>The reason of a rejection.</summary>
    public string? ReviewNote { get; set; }
}

internal sealed class AccountActionConfiguration : IEntityTypeConfiguration<AccountAction>
{
    public void Configure(EntityTypeBuilder<AccountAction> builder)
    {
        builder.Property(a => a.TargetUserId).HasMaxLength(450);
        builder.Property(a => a.UserName).HasMaxLength(256);
        builder.Property(a => a.DisplayName).HasMaxLength(50);
        builder.Property(a => a.RequestedById).HasMaxLength(450);
        builder.Property(a => a.RequestedBy).HasMaxLength(256);
        builder.Property(a => a.ReviewedById).HasMaxLength(450);
        builder.Property(a => a.ReviewedBy).HasMaxLength(256);
        builder.Property(a => a.ReviewNote).HasMaxLength(500);
        builder.HasIndex(a => new { a.Status, a.RequestedAt });
    }
}
