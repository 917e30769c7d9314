using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CreditShare.Web.Features.Audit;

/// <summary>
/// An audit entry written in the transaction of the change it records, not yet in the chain (the outbox of
/// <see cref="AuditWriter"/>): the chain writer appends it, oldest first, and deletes it in the same transaction.
/// </summary>
public sealed class PendingAudit
{
    public long Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public int EventCode { get; set; }

    public string? Account { get; set; }

    public string? UnitCode { get; set; }

    public string? ClientIp { get; set; }

    public string? Target { get; set; }

    public string? Purpose { get; set; }

    public string Outcome { get; set; } = "";

    public int? ResultCount { get; set; }

    public string? Detail { get; set; }

    /// <summary>The unit the entry's records were handed to (<see cref="SharedRecords"/>); null when none were.</summary>
    public int? SharedUnitId { get; set; }

    public string? SharedChannel { get; set; }

    /// <summary>The handed-out record ids, comma-separated: each becomes a <c>SharedRecordAccess</c> row when chained.</summary>
    public string? SharedRecordIds { get; set; }
}

internal sealed class PendingAuditConfiguration : IEntityTypeConfiguration<PendingAudit>
{
    public void Configure(EntityTypeBuilder<PendingAudit> builder)
    {
        builder.Property(a => a.Account).HasMaxLength(256);
        builder.Property(a => a.UnitCode).HasMaxLength(18);
        builder.Property(a => a.ClientIp).HasMaxLength(64);
        builder.Property(a => a.Target).HasMaxLength(256);
        builder.Property(a => a.Purpose).HasMaxLength(500);
        builder.Property(a => a.Outcome).HasMaxLength(32);
        builder.Property(a => a.Detail).HasMaxLength(2000);
        builder.Property(a => a.SharedChannel).HasMaxLength(16);
    }
}

/// <summary>
/// Chains the pending audit entries at start-up — those of changes committed just before the process died — and then
/// every half minute, in case chaining right after a commit failed.
/// </summary>
public sealed class AuditOutboxService(AuditWriter audit, TimeProvider time, ILogger<AuditOutboxService> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(Every, time, logger, "Chaining pending audit entries", audit.DrainAsync, stoppingToken);
}
