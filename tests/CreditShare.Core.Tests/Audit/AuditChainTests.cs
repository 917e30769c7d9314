using CreditShare.Core.Audit;

namespace CreditShare.Core.Tests.Audit;

public class AuditChainTests
{
    private static List<(AuditFacts Facts, string PreviousHash, string Hash)> Chain(int count)
    {
        var chain = new List<(AuditFacts, string, string)>();
        var previous = AuditChain.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var facts = new AuditFacts(i, new DateTimeOffset(2026, 11, 27, 8, 0, i, TimeSpan.Zero), 1000, $"user{i}", null, "127.0.0.1", null, null, "success", null, null);
            var hash = AuditChain.Hash(facts, previous);
            chain.Add((facts, previous, hash));
            previous = hash;
        }

        return chain;
    }

    [Fact]
    public void An_untouched_chain_verifies() => Assert.Null(AuditChain.FindFirstBreak(Chain(10)));

    [Fact]
    public void An_edited_entry_is_found_at_its_position()
    {
        var chain = Chain(10);
        chain[4] = (chain[4].Facts with { Account = "someone-else" }, chain[4].PreviousHash, chain[4].Hash);
        Assert.Equal((5, "hash"), (AuditChain.FindFirstBreak(chain)!.Sequence, AuditChain.FindFirstBreak(chain)!.Reason));
    }

    [Fact]
    public void A_deleted_entry_is_found_where_the_gap_starts()
    {
        var chain = Chain(10);
        chain.RemoveAt(6);
        var broken = AuditChain.FindFirstBreak(chain)!;
        Assert.Equal((8L, "missing"), (broken.Sequence, broken.Reason));
    }

    [Fact]
    public void A_rehashed_forgery_still_breaks_the_link_to_the_next_entry()
    {
        var chain = Chain(10);
        var forged = chain[2].Facts with { Outcome = "failure" };
        chain[2] = (forged, chain[2].PreviousHash, AuditChain.Hash(forged, chain[2].PreviousHash));
        var broken = AuditChain.FindFirstBreak(chain)!;
        Assert.Equal((4L, "previous_hash"), (broken.Sequence, broken.Reason));
    }

    [Fact]
    public void Separators_keep_adjacent_fields_apart()
    {
        var a = new AuditFacts(1, DateTimeOffset.UnixEpoch, 1, "ab", "c", null, null, null, "success", null, null);
        var b = a with { Account = "a", UnitCode = "bc" };
        Assert.NotEqual(AuditChain.Hash(a, AuditChain.GenesisHash), AuditChain.Hash(b, AuditChain.GenesisHash));
    }
}
