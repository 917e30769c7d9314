using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Records;

/// <summary>
/// Positions on the change feed. A writer stamps every record it changes with its transaction's position; a reader
/// only takes positions below the horizon, where no transaction can still commit. So a consumer that follows the feed
/// never skips a change that committed late.
/// <para>
/// PostgreSQL: the position is the transaction id (<c>pg_current_xact_id</c>, 64 bits, never reused), and the horizon
/// is the oldest transaction still running (<c>pg_snapshot_xmin</c>): every id below it has committed or rolled back.
/// SQLite: write transactions run one at a time (BEGIN IMMEDIATE), so the next counter value commits after every
/// earlier one and everything committed is below the horizon.
/// </para>
/// </summary>
public static class ChangeFeed
{
    /// <summary>The position of the current write transaction (call inside it).</summary>
    public static async Task<long> StampAsync(AppDbContext db, CancellationToken cancellationToken = default)
    {
        var sql = db.IsSqlite
            ? """SELECT COALESCE(MAX("ChangeTx"), 0) + 1 AS "Value" FROM "CreditRecords" """
            : """SELECT pg_current_xact_id()::text::bigint AS "Value" """;
        return await db.Database.SqlQueryRaw<long>(sql).SingleAsync(cancellationToken);
    }

    /// <summary>Positions below this value are final.</summary>
    public static async Task<long> HorizonAsync(AppDbContext db, CancellationToken cancellationToken = default) =>
        db.IsSqlite ? long.MaxValue
            : await db.Database.SqlQueryRaw<long>("""SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "Value" """).SingleAsync(cancellationToken);
}
