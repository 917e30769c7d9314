using CreditShare.Core.Audit;
using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Audit;

public static class AuditOutcome
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Refused = "refused";
}

/// <summary>What to write; account, unit and client IP default to the current request's.</summary>
public sealed record AuditRecord(AuditEvent Event, string Outcome)
{
    public string? Target { get; init; }

    public string? Detail { get; init; }

    public string? Purpose { get; init; }

    public int? ResultCount { get; init; }

    public string? Account { get; init; }

    public string? UnitCode { get; init; }

    /// <summary>Credit records handed to a unit by this event: each gets a <c>SharedRecordAccess</c> row in the same transaction.</summary>
    public SharedRecords? Shared { get; init; }
}

/// <summary>Which records went to which unit, by which channel (art. 23).</summary>
public sealed record SharedRecords(int UnitId, string Channel, IReadOnlyCollection<long> RecordIds);

/// <summary>
/// Appends to the keyed hash chain of the audit trail. Each append reads the last entry and inserts the next one inside
/// a transaction that holds a lock (an advisory lock on PostgreSQL, shared by every app instance; BEGIN IMMEDIATE on
/// SQLite), so concurrent writers never fork the chain.
/// </summary>
public sealed class AuditWriter(IServiceScopeFactory scopes, IHttpContextAccessor http, TimeProvider time, AuditChainKey key)
{
    private const long ChainLockKey = 0x43726564_41756474; // "CredAudt"
    private static readonly SemaphoreSlim SqliteGate = new(1, 1);

    /// <summary>Appends the entry and returns its sequence number.</summary>
    public async Task<long> WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        var context = http.HttpContext;
        var user = context?.User;
        var authenticated = user?.Identity?.IsAuthenticated == true;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var sqlite = db.IsSqlite;
        if (sqlite)
        {
            await SqliteGate.WaitAsync(cancellationToken);
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!sqlite)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ChainLockKey})", cancellationToken);
            }

            var last = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence)
                .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(cancellationToken);
            var entry = new AuditEntry
            {
                Sequence = (last?.Sequence ?? 0) + 1,
                // Millisecond precision: stored exactly by both databases, so the hash survives the round trip.
                OccurredAt = Truncate(time.GetUtcNow()),
                EventCode = (int)record.Event,
                // Outside a request (CLI, background work) the actor is the system itself.
                Account = Clip(record.Account ?? (authenticated ? user!.Actor() : context is null ? "system" : null), 256),
                UnitCode = record.UnitCode ?? (authenticated ? user!.UnitCode() : null),
                ClientIp = context?.Connection.RemoteIpAddress?.ToString(),
                Target = Clip(record.Target, 256),
                Purpose = Clip(record.Purpose, 500),
                Outcome = record.Outcome,
                ResultCount = record.ResultCount,
                Detail = Clip(record.Shared is { } shared ? SharedDetail(record.Detail, shared) : record.Detail, 2000),
                PreviousHash = last?.Hash ?? AuditChain.GenesisHash,
                KeyId = key.Id,
            };
            // After a legacy (SHA-256) entry, this keyed link over its hash is where the keyed chain begins.
            entry.Hash = AuditChain.Link(entry.Facts, entry.PreviousHash, key);
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync(cancellationToken);
            if (record.Shared is { RecordIds.Count: > 0 } handed)
            {
                await BulkWriter.InsertAsync(db, AccessRows, [.. handed.RecordIds.Distinct().Select(id => new Features.Sharing.SharedRecordAccess
                {
                    AuditSequence = entry.Sequence, UnitId = handed.UnitId, RecordId = id, At = entry.OccurredAt, Channel = handed.Channel, Account = entry.Account ?? "",
                })], cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return entry.Sequence;
        }
        finally
        {
            if (sqlite)
            {
                SqliteGate.Release();
            }
        }
    }

    private static readonly BulkTable<Features.Sharing.SharedRecordAccess> AccessRows = new("SharedRecordAccesses",
        ["AuditSequence", "UnitId", "RecordId", "At", "Channel", "Account"], a => [a.AuditSequence, a.UnitId, a.RecordId, a.At, a.Channel, a.Account]);

    /// <summary>The chained detail names how many records went out and a hash of their ids, so the access rows cannot be edited unnoticed.</summary>
    public static string SharedDetail(string? detail, SharedRecords shared)
    {
        var ids = string.Join(',', shared.RecordIds.Distinct().Order());
        var hash = Core.Crypto.ContentDigest.Hex(System.Text.Encoding.UTF8.GetBytes(ids));
        var facts = $"unit={shared.UnitId};channel={shared.Channel};records={shared.RecordIds.Distinct().Count()};ids_{Core.Crypto.ContentDigest.Algorithm}={hash}";
        // The facts first: a long detail is clipped at its end, never these.
        return string.IsNullOrEmpty(detail) ? facts : $"{facts};{detail}";
    }

    public Task WriteAsync(AuditEvent auditEvent, string outcome, string? target = null, string? detail = null, CancellationToken cancellationToken = default) =>
        WriteAsync(new AuditRecord(auditEvent, outcome) { Target = target, Detail = detail }, cancellationToken);

    private static DateTimeOffset Truncate(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static string? Clip(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
