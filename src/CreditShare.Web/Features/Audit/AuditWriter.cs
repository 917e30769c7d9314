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
/// <para>
/// A change and its audit entry commit together: the change's transaction <see cref="Stage">stages</see> the entry as a
/// <see cref="PendingAudit"/> row, and after the commit <see cref="ChainPendingAsync"/> moves the pending rows into the
/// chain, oldest first, deleting them in the same chain transaction. Whatever is still pending when the process dies is
/// chained at the next start (<see cref="AuditOutboxService"/>), and every append takes the pending rows first. So a
/// long transaction (a batch of thousands of records) never holds the chain's lock, and no committed change loses its
/// entry.
/// </para>
/// </summary>
public sealed class AuditWriter(IServiceScopeFactory scopes, IHttpContextAccessor http, TimeProvider time, AuditChainKey key, Security.TrafficCounter traffic, ILogger<AuditWriter> logger)
{
    private const long ChainLockKey = 0x43726564_41756474; // "CredAudt"
    private const int PendingPerTransaction = 500;
    private static readonly SemaphoreSlim SqliteGate = new(1, 1);

    /// <summary>Appends the entry (after any pending ones) and returns its sequence number.</summary>
    public async Task<long> WriteAsync(AuditRecord record, CancellationToken cancellationToken = default) =>
        await ChainAsync(Draft(record), cancellationToken);

    /// <summary>
    /// Adds the entry to <paramref name="db"/> as a pending row, to be saved and committed with the change it records;
    /// call <see cref="ChainPendingAsync"/> after the commit. Account, unit and client IP are the current request's.
    /// </summary>
    public void Stage(AppDbContext db, AuditRecord record) => db.PendingAudits.Add(Draft(record));

    /// <summary>
    /// Chains every pending entry. Called after a commit that staged one; never throws, because the change is already
    /// committed and its entry is safe in the pending table: a failure is logged, and the next append, the outbox
    /// service or the next start chains it.
    /// </summary>
    public async Task ChainPendingAsync()
    {
        try
        {
            await DrainAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Chaining pending audit entries failed; they stay pending and are chained later");
        }
    }

    /// <summary>Chains pending entries until none is left (at start-up and now and then); returns how many.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        long chained;
        do
        {
            chained = await ChainAsync(null, cancellationToken);
            total += (int)chained;
        }
        while (chained == PendingPerTransaction);

        return total;
    }

    // Audited refusals are also what the blacklist counts per address (art. 19), whichever account or certificate they named.
    private static Core.Security.AccessSignal? SignalOf(AuditEvent auditEvent) => auditEvent switch
    {
        AuditEvent.SignIn_PasswordFailed or AuditEvent.SignIn_UnknownAccount or AuditEvent.SignIn_SecondFactorFailed or AuditEvent.SignIn_LockedOut
            => Core.Security.AccessSignal.SignInFailure,
        AuditEvent.Certificate_Refused or AuditEvent.SignIn_CertificateRefused => Core.Security.AccessSignal.CertificateRefused,
        _ => null,
    };

    private PendingAudit Draft(AuditRecord record)
    {
        var context = http.HttpContext;
        if (context is not null && SignalOf(record.Event) is { } signal)
        {
            traffic.Record(context, signal);
        }

        var user = context?.User;
        var authenticated = user?.Identity?.IsAuthenticated == true;
        return new PendingAudit
        {
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
            SharedUnitId = record.Shared?.UnitId,
            SharedChannel = record.Shared?.Channel,
            SharedRecordIds = record.Shared is { RecordIds.Count: > 0 } handed ? string.Join(',', handed.RecordIds.Distinct()) : null,
        };
    }

    /// <summary>
    /// One chain transaction: the oldest pending entries, then <paramref name="direct"/> if given. Returns the sequence
    /// of the direct entry, or else how many pending entries were chained.
    /// </summary>
    private async Task<long> ChainAsync(PendingAudit? direct, CancellationToken cancellationToken)
    {
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

            // Read under the lock: what an earlier holder chained (and deleted) is gone.
            var pending = await db.PendingAudits.OrderBy(p => p.Id).Take(PendingPerTransaction).ToListAsync(cancellationToken);
            var last = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence)
                .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(cancellationToken);
            var (sequence, previousHash) = (last?.Sequence ?? 0, last?.Hash ?? AuditChain.GenesisHash);
            var access = new List<SharedRecordAccess>();
            foreach (var draft in direct is null ? pending : [.. pending, direct])
            {
                var entry = new AuditEntry
                {
                    Sequence = ++sequence,
                    OccurredAt = draft.OccurredAt,
                    EventCode = draft.EventCode,
                    Account = draft.Account,
                    UnitCode = draft.UnitCode,
                    ClientIp = draft.ClientIp,
                    Target = draft.Target,
                    Purpose = draft.Purpose,
                    Outcome = draft.Outcome,
                    ResultCount = draft.ResultCount,
                    Detail = draft.Detail,
                    PreviousHash = previousHash,
                    KeyId = key.Id,
                };
                // After a legacy (SHA-256) entry, this keyed link over its hash is where the keyed chain begins.
                entry.Hash = AuditChain.Link(entry.Facts, entry.PreviousHash, key);
                previousHash = entry.Hash;
                db.AuditEntries.Add(entry);
                if (draft.SharedRecordIds is { Length: > 0 } ids)
                {
                    access.AddRange(ids.Split(',').Select(id => new SharedRecordAccess
                    {
                        AuditSequence = entry.Sequence,
                        UnitId = draft.SharedUnitId!.Value,
                        RecordId = long.Parse(id, System.Globalization.CultureInfo.InvariantCulture),
                        At = entry.OccurredAt,
                        Channel = draft.SharedChannel!,
                        Account = entry.Account ?? "",
                    }));
                }
            }

            db.PendingAudits.RemoveRange(pending);
            await db.SaveChangesAsync(cancellationToken);
            await BulkWriter.InsertAsync(db, AccessRows, access, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return direct is null ? pending.Count : sequence;
        }
        finally
        {
            if (sqlite)
            {
                SqliteGate.Release();
            }
        }
    }

    private static readonly BulkTable<SharedRecordAccess> AccessRows = new("SharedRecordAccesses",
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
