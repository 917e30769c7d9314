using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CreditShare.Web.Tests.Features.Audit;

/// <summary>
/// What someone with write access to the database (but not to the application's configuration) can do to the audit
/// trail: run any SQL as the superuser with the triggers off, and recompute hashes with the published algorithm —
/// plain SHA-256 over the entry's fields and the previous hash, exactly as the chain was hashed before it was keyed.
/// </summary>
public sealed class AuditAttacker(CreditShareApp app)
{
    /// <summary>The chain's published, unkeyed hash: the attacker's own copy of it.</summary>
    public static string PlainHash(AuditEntry e, string previousHash)
    {
        var canonical = string.Join('\u001f',
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.OccurredAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
            e.EventCode.ToString(CultureInfo.InvariantCulture),
            e.Account ?? string.Empty,
            e.UnitCode ?? string.Empty,
            e.ClientIp ?? string.Empty,
            e.Target ?? string.Empty,
            e.Purpose ?? string.Empty,
            e.Outcome,
            e.ResultCount?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            e.Detail ?? string.Empty,
            previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Runs SQL as the superuser on PostgreSQL with the audit triggers off; on SQLite drops the triggers first.</summary>
    public async Task SqlAsync(string sql)
    {
        if (app.Database.IsPostgres)
        {
            await using var connection = new NpgsqlConnection(app.Database.AdminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"ALTER TABLE \"AuditEntries\" DISABLE TRIGGER USER; {sql}; ALTER TABLE \"AuditEntries\" ENABLE TRIGGER USER;", connection);
            await command.ExecuteNonQueryAsync();
            return;
        }

        await app.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER IF EXISTS \"AuditEntries_no_update\"; DROP TRIGGER IF EXISTS \"AuditEntries_no_delete\";");
            return await db.Database.ExecuteSqlRawAsync(sql);
        });
    }

    public Task<List<AuditEntry>> EntriesAsync() => app.WithDbAsync(db => db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).ToListAsync());

    /// <summary>
    /// Replaces every entry from <paramref name="from"/> on with <paramref name="rewrite"/>'s rows, each re-linked to the
    /// one before it with <see cref="PlainHash"/>, so that the chain is consistent again for anyone without the key.
    /// </summary>
    public async Task RewriteFromAsync(long from, Func<List<AuditEntry>, List<AuditEntry>> rewrite)
    {
        var all = await EntriesAsync();
        var previous = all.LastOrDefault(e => e.Sequence < from)?.Hash ?? new string('0', 64);
        var replaced = rewrite([.. all.Where(e => e.Sequence >= from)]);
        foreach (var entry in replaced)
        {
            entry.PreviousHash = previous;
            entry.Hash = PlainHash(entry, previous);
            previous = entry.Hash;
        }

        await SqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Sequence\" >= {from}");
        await InsertAsync(replaced);
    }

    /// <summary>Inserts rows as they are (the application's role may insert audit rows; so may the superuser).</summary>
    public async Task InsertAsync(IEnumerable<AuditEntry> entries) => await app.WithDbAsync(async db =>
    {
        db.AuditEntries.AddRange(entries);
        return await db.SaveChangesAsync();
    });
}
