using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Audit;

/// <summary>
/// The security review's five rewrites of the audit trail by someone who can write the database and knows the
/// (public) algorithm but not the chain key. Each one verified as intact while the chain was plain SHA-256; each is
/// now reported at its position. Each test has its own app so that it owns the whole chain.
/// </summary>
public sealed class AuditChainAttackTests : IAsyncLifetime
{
    private readonly CreditShareApp app = new();
    private readonly AuditAttacker attacker;

    public AuditChainAttackTests() => attacker = new AuditAttacker(app);

    public async Task InitializeAsync()
    {
        await app.InitializeAsync();
        var writer = app.Services.GetRequiredService<AuditWriter>();
        for (var i = 0; i < 120; i++)
        {
            await writer.WriteAsync(new AuditRecord(AuditEvent.Audit_Viewed, AuditOutcome.Success) { Account = $"reader{i}", ResultCount = i });
        }
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
    }

    private async Task AssertBrokenAtAsync(long sequence, string reason)
    {
        var result = await VerifyAsync();
        Assert.False(result.Intact, $"the rewritten trail verified as intact ({result.EntriesChecked} entries)");
        Assert.Equal((sequence, reason), (result.FirstBreak!.Sequence, result.FirstBreak.Reason));
    }

    private async Task<long> SequenceOfAsync(string account) =>
        await app.WithDbAsync(db => db.AuditEntries.Where(a => a.Account == account).Select(a => a.Sequence).SingleAsync());

    [Fact]
    public async Task Editing_an_entry_and_rehashing_the_rest_is_reported_at_the_edit()
    {
        var target = await SequenceOfAsync("reader7");
        await attacker.RewriteFromAsync(target, rows =>
        {
            rows[0].Account = "innocent";
            return rows;
        });
        await AssertBrokenAtAsync(target, "hash");
    }

    [Fact]
    public async Task Deleting_an_entry_and_renumbering_the_rest_is_reported_at_the_deleted_position()
    {
        var target = await SequenceOfAsync("reader11");
        await attacker.RewriteFromAsync(target, rows => [.. rows.Skip(1).Select(r =>
        {
            r.Sequence--;
            return r;
        })]);
        Assert.Equal(0, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Account == "reader11")));
        await AssertBrokenAtAsync(target, "hash");
    }

    [Fact]
    public async Task An_entry_appended_with_a_recomputed_hash_is_reported_at_its_position()
    {
        // A copy of the last row (every column, the key id too) made into a new one after it.
        var forged = (await attacker.EntriesAsync())[^1];
        var (lastSequence, lastHash) = (forged.Sequence, forged.Hash);
        forged.Sequence = lastSequence + 1;
        forged.EventCode = (int)AuditEvent.SignIn_Succeeded;
        forged.Account = "ghost";
        forged.OccurredAt = forged.OccurredAt.AddSeconds(1);
        forged.PreviousHash = lastHash;
        forged.Hash = AuditAttacker.PlainHash(forged, forged.PreviousHash);
        await attacker.InsertAsync([forged]);
        await AssertBrokenAtAsync(lastSequence + 1, "hash");
    }

    [Fact]
    public async Task Cutting_the_last_50_entries_is_reported_where_the_cut_starts()
    {
        var head = await app.WithDbAsync(db => db.AuditEntries.MaxAsync(a => a.Sequence));
        // The periodic checkpoint: its timer runs on the app's clock.
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await AuditCheckpointTests.WaitForCheckpointAsync(app, head);
        await attacker.SqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Sequence\" > {head - 50}");
        await AssertBrokenAtAsync(head - 49, "truncated");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Deleting_entries_1_to_100_behind_a_forged_archive_row_is_reported(bool withMadeUpSignature)
    {
        var hundredth = await app.WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.Sequence == 100));
        await app.WithDbAsync(db =>
        {
            db.AuditArchives.Add(new AuditArchive
            {
                FromSequence = 1,
                ToSequence = 100,
                ToHash = hundredth.Hash,
                FileName = "audit-000000000001-000000000100.jsonl",
                FileSha256 = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                CreatedAt = app.Clock.GetUtcNow(),
                // The key id is public (every entry carries it); the signature cannot be computed without the key.
                KeyId = withMadeUpSignature ? hundredth.KeyId : null,
                Signature = withMadeUpSignature ? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) : null,
            });
            return db.SaveChangesAsync();
        });
        await attacker.SqlAsync("DELETE FROM \"AuditEntries\" WHERE \"Sequence\" <= 100");
        await AssertBrokenAtAsync(101, withMadeUpSignature ? "archive_signature" : "archive_unsigned");
    }
}
