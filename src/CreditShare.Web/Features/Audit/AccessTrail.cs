using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CreditShare.Web.Features.Audit;

/// <summary>
/// One record handed to one unit, by the audit entry that recorded the handing (art. 23): the rows that answer
/// "who saw record X" and "what did unit Y receive". The audit entry's detail carries a hash of the record ids, so the
/// chain vouches for these rows.
/// </summary>
public sealed class SharedRecordAccess
{
    public long Id { get; set; }

    public long AuditSequence { get; set; }

    public int UnitId { get; set; }

    public long RecordId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary><c>api</c>, <c>feed</c>, <c>webhook</c>, <c>console</c>, <c>export</c> or <c>request</c>.</summary>
    public string Channel { get; set; } = "";

    public string Account { get; set; } = "";
}

/// <summary>An exported file (art. 23): the trace code printed on it and embedded in it leads back here.</summary>
public sealed class ShareExport
{
    public long Id { get; set; }

    public string TraceCode { get; set; } = "";

    public int UnitId { get; set; }

    public string Account { get; set; } = "";

    public DateTimeOffset At { get; set; }

    /// <summary><c>xlsx</c> or <c>pdf</c>.</summary>
    public string Format { get; set; } = "";

    public string Purpose { get; set; } = "";

    public string Subject { get; set; } = "";

    public int RecordCount { get; set; }

    public string ContentSha256 { get; set; } = "";

    public long? RequestId { get; set; }
}

/// <summary>
/// The leak-tracing trail (art. 23): the records handed out, as each channel's audit entry listed them, and the
/// exported files by their trace codes. Every sharing channel writes it (through <see cref="AuditWriter"/> and the
/// export register); the 审计管理员's 数据流向 page reads it. It lives with the audit, not with sharing, so that the
/// audit depends on no feature.
/// </summary>
public static class AccessTrail
{
    /// <summary>Who received the file with this trace code (art. 23).</summary>
    public static async Task<(ShareExport Export, string UnitName, List<long> RecordIds)?> TraceAsync(AppDbContext db, string code)
    {
        var normalized = code.Trim().ToUpperInvariant();
        var export = await db.ShareExports.AsNoTracking().FirstOrDefaultAsync(e => e.TraceCode == normalized);
        if (export is null)
        {
            return null;
        }

        var unitName = await db.Units.Where(u => u.Id == export.UnitId).Select(u => u.Name).FirstAsync();
        var target = $"export:{normalized}";
        var sequence = await db.AuditEntries.Where(a => a.Target == target && a.EventCode == (int)AuditEvent.Data_Exported).Select(a => a.Sequence).FirstOrDefaultAsync();
        var ids = await db.SharedRecordAccesses.Where(a => a.AuditSequence == sequence).OrderBy(a => a.RecordId).Select(a => a.RecordId).ToListAsync();
        return (export, unitName, ids);
    }
}

internal sealed class SharedRecordAccessConfiguration : IEntityTypeConfiguration<SharedRecordAccess>
{
    public void Configure(EntityTypeBuilder<SharedRecordAccess> builder)
    {
        builder.Property(a => a.Channel).HasMaxLength(16);
        builder.Property(a => a.Account).HasMaxLength(256);
        builder.HasIndex(a => new { a.RecordId, a.At });
        builder.HasIndex(a => new { a.UnitId, a.At });
    }
}

internal sealed class ShareExportConfiguration : IEntityTypeConfiguration<ShareExport>
{
    public void Configure(EntityTypeBuilder<ShareExport> builder)
    {
        builder.Property(e => e.TraceCode).HasMaxLength(32);
        builder.Property(e => e.Account).HasMaxLength(256);
        builder.Property(e => e.Format).HasMaxLength(8);
        builder.Property(e => e.Purpose).HasMaxLength(500);
        builder.Property(e => e.Subject).HasMaxLength(300);
        builder.Property(e => e.ContentSha256).HasMaxLength(64);
        builder.HasIndex(e => e.TraceCode).IsUnique();
    }
}
