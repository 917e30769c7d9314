using CreditShare.Core.Audit;

namespace CreditShare.Core.Tests.Audit;

public class AuditChainTests
{
    private static readonly AuditChainKey Key = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly AuditChainKey OtherKey = new(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private static AuditFacts Facts(long i) =>
        new(i, new DateTimeOffset(2026, 11, 27, 8, 0, (int)(i % 60), TimeSpan.Zero), 1000, $"user{i}", null, "127.0.0.1", null, null, "success", null, null);

    /// <summary>Entries 1..legacy hashed as before the chain was keyed, the rest keyed with <paramref name="key"/>.</summary>
    private static List<ChainLink> Chain(int count, int legacy = 0, AuditChainKey? key = null)
    {
        var chain = new List<ChainLink>();
        var previous = AuditChain.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var facts = Facts(i);
            var link = i <= legacy
                ? new ChainLink(facts, null, previous, AuditChain.LegacyHash(facts, previous))
                : new ChainLink(facts, (key ?? Key).Id, previous, AuditChain.Link(facts, previous, key ?? Key));
            chain.Add(link);
            previous = link.Hash;
        }

        return chain;
    }

    private static AuditCheckpoint CheckpointAt(List<ChainLink> chain, int sequence, long legacyUntil = 0) =>
        AuditCheckpoint.Sign(sequence, chain[sequence - 1].Hash, new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), legacyUntil, Key);

    [Fact]
    public void An_untouched_chain_verifies() => Assert.Null(AuditChain.FindFirstBreak(Chain(10), Key));

    [Fact]
    public void An_edited_entry_is_found_at_its_position()
    {
        var chain = Chain(10);
        chain[4] = chain[4] with { Facts = chain[4].Facts with { Account = "someone-else" } };
        Assert.Equal((5, "hash"), (AuditChain.FindFirstBreak(chain, Key)!.Sequence, AuditChain.FindFirstBreak(chain, Key)!.Reason));
    }

    [Fact]
    public void A_deleted_entry_is_found_where_the_gap_starts()
    {
        var chain = Chain(10);
        chain.RemoveAt(6);
        var broken = AuditChain.FindFirstBreak(chain, Key)!;
        Assert.Equal((8L, "missing"), (broken.Sequence, broken.Reason));
    }

    [Fact]
    public void A_rehashed_forgery_still_breaks_the_link_to_the_next_entry()
    {
        var chain = Chain(10);
        var forged = chain[2].Facts with { Outcome = "failure" };
        chain[2] = chain[2] with { Facts = forged, Hash = AuditChain.Link(forged, chain[2].PreviousHash, Key) };
        var broken = AuditChain.FindFirstBreak(chain, Key)!;
        Assert.Equal((4L, "previous_hash"), (broken.Sequence, broken.Reason));
    }

    [Fact]
    public void Separators_keep_adjacent_fields_apart()
    {
        var a = new AuditFacts(1, DateTimeOffset.UnixEpoch, 1, "ab", "c", null, null, null, "success", null, null);
        var b = a with { Account = "a", UnitCode = "bc" };
        Assert.NotEqual(AuditChain.LegacyHash(a, AuditChain.GenesisHash), AuditChain.LegacyHash(b, AuditChain.GenesisHash));
        Assert.NotEqual(AuditChain.Link(a, AuditChain.GenesisHash, Key), AuditChain.Link(b, AuditChain.GenesisHash, Key));
    }

    [Fact]
    public void The_legacy_hash_is_the_plain_sha256_the_chain_had_before_it_was_keyed()
    {
        // The value of the unkeyed hash before the chain was keyed: entries of a migrated database must still verify.
        var facts = new AuditFacts(42, DateTimeOffset.UnixEpoch, 1000, "reporter", "91440300708461136T", "10.0.0.1", "record:1", "执法检查", "success", 1, null);
        Assert.Equal("87ecf02bf27ac2fea76846a6b4ead54def18029cb831eac6c82d131d83b0ccc7", AuditChain.LegacyHash(facts, AuditChain.GenesisHash));
    }

    [Fact]
    public void Rehashing_with_plain_sha256_after_an_edit_is_caught_at_the_edit()
    {
        var chain = Chain(10);
        var previous = chain[3].PreviousHash;
        for (var i = 3; i < chain.Count; i++)
        {
            var facts = i == 3 ? chain[i].Facts with { Account = "innocent" } : chain[i].Facts;
            chain[i] = chain[i] with { Facts = facts, PreviousHash = previous, Hash = AuditChain.LegacyHash(facts, previous) };
            previous = chain[i].Hash;
        }

        var broken = AuditChain.FindFirstBreak(chain, Key)!;
        Assert.Equal((4L, "hash"), (broken.Sequence, broken.Reason));
    }

    [Fact]
    public void A_chain_written_with_another_key_names_the_key()
    {
        var broken = AuditChain.FindFirstBreak(Chain(5, key: OtherKey), Key)!;
        Assert.Equal((1L, "key"), (broken.Sequence, broken.Reason));
        Assert.Contains(OtherKey.Id, broken.Message);
        Assert.NotEqual(Key.Id, OtherKey.Id);
        Assert.StartsWith("hmac-sha256:", Key.Id);
    }

    [Fact]
    public void A_migrated_chain_verifies_its_legacy_prefix_and_the_keyed_link_over_the_last_legacy_hash()
    {
        var chain = Chain(10, legacy: 4);
        var walk = new AuditChainWalk(Key, []);
        Assert.All(chain, link => Assert.True(walk.Add(link)));
        Assert.Null(walk.Finish());
        Assert.Equal((10L, 4L), (walk.Checked, walk.Legacy));
        Assert.Equal(chain[3].Hash, chain[4].PreviousHash);
    }

    [Fact]
    public void An_unkeyed_entry_after_a_keyed_one_is_a_downgrade()
    {
        var chain = Chain(10, legacy: 4);
        var facts = chain[6].Facts;
        chain[6] = chain[6] with { KeyId = null, Hash = AuditChain.LegacyHash(facts, chain[6].PreviousHash) };
        var broken = AuditChain.FindFirstBreak(chain, Key)!;
        Assert.Equal((7L, "unkeyed"), (broken.Sequence, broken.Reason));
    }

    [Fact]
    public void Rewriting_the_whole_chain_as_legacy_is_caught_at_its_first_entry()
    {
        var keyed = Chain(10);
        var checkpoint = CheckpointAt(keyed, 6);
        var downgraded = Chain(10, legacy: 10);
        Assert.Null(AuditChain.FindFirstBreak(downgraded, Key));
        var broken = AuditChain.FindFirstBreak(downgraded, Key, checkpoints: [checkpoint])!;
        Assert.Equal((1L, "unkeyed"), (broken.Sequence, broken.Reason));
    }

    [Fact]
    public void Legacy_entries_after_the_checkpoints_legacy_boundary_are_refused()
    {
        // The checkpoint was written while the head (entry 4) was still a legacy entry: everything after it must be keyed.
        var chain = Chain(10, legacy: 10);
        var broken = AuditChain.FindFirstBreak(chain, Key, checkpoints: [CheckpointAt(chain, 4, legacyUntil: 4)])!;
        Assert.Equal((5L, "unkeyed"), (broken.Sequence, broken.Reason));
    }

    [Fact]
    public void A_legacy_entry_rewritten_below_a_checkpoint_is_caught_at_the_checkpoint()
    {
        var chain = Chain(10, legacy: 10);
        var checkpoint = CheckpointAt(chain, 6, legacyUntil: 10);
        var previous = chain[2].PreviousHash;
        for (var i = 2; i < chain.Count; i++)
        {
            var facts = i == 2 ? chain[i].Facts with { Outcome = "failure" } : chain[i].Facts;
            chain[i] = chain[i] with { Facts = facts, PreviousHash = previous, Hash = AuditChain.LegacyHash(facts, previous) };
            previous = chain[i].Hash;
        }

        Assert.Null(AuditChain.FindFirstBreak(chain, Key));
        var broken = AuditChain.FindFirstBreak(chain, Key, checkpoints: [checkpoint])!;
        Assert.Equal((6L, "checkpoint_mismatch"), (broken.Sequence, broken.Reason));
    }

    [Fact]
    public void A_chain_that_ends_before_the_latest_checkpoint_was_truncated_at_the_first_missing_entry()
    {
        var chain = Chain(100);
        var checkpoints = new[] { CheckpointAt(chain, 30), CheckpointAt(chain, 100) };
        Assert.Null(AuditChain.FindFirstBreak(chain, Key, checkpoints: checkpoints));
        var broken = AuditChain.FindFirstBreak(chain.Take(50), Key, checkpoints: checkpoints)!;
        Assert.Equal((51L, "truncated"), (broken.Sequence, broken.Reason));
        Assert.Contains("序号51至100的记录缺失", broken.Message);
        Assert.Equal((1L, "truncated"), (AuditChain.FindFirstBreak([], Key, checkpoints: checkpoints)!.Sequence, "truncated"));
    }

    [Fact]
    public void A_checkpoint_is_bound_to_its_sequence_hash_time_and_key()
    {
        var chain = Chain(5);
        var checkpoint = CheckpointAt(chain, 5);
        Assert.True(checkpoint.IsSignedBy(Key));
        Assert.False(checkpoint.IsSignedBy(OtherKey));
        Assert.False((checkpoint with { Sequence = 4 }).IsSignedBy(Key));
        Assert.False((checkpoint with { Hash = chain[3].Hash }).IsSignedBy(Key));
        Assert.False((checkpoint with { At = checkpoint.At.AddMinutes(1) }).IsSignedBy(Key));
        Assert.False((checkpoint with { LegacyUntil = 3 }).IsSignedBy(Key));
        Assert.False((checkpoint with { Mac = new string('0', 64) }).IsSignedBy(Key));
    }

    [Fact]
    public void An_archive_row_is_sealed_over_its_range_anchor_and_file()
    {
        var archive = new AuditArchiveFacts(1, 100, new string('a', 64), "audit-000000000001-000000000100.jsonl", new string('b', 64), DateTimeOffset.UnixEpoch);
        var seal = archive.Seal(Key);
        Assert.True(archive.IsSealedBy(Key, Key.Id, seal));
        Assert.False(archive.IsSealedBy(Key, Key.Id, null));
        Assert.False(archive.IsSealedBy(Key, OtherKey.Id, seal));
        Assert.False((archive with { ToSequence = 200 }).IsSealedBy(Key, Key.Id, seal));
        Assert.False((archive with { ToHash = new string('c', 64) }).IsSealedBy(Key, Key.Id, seal));
        Assert.False((archive with { FileSha256 = new string('c', 64) }).IsSealedBy(Key, Key.Id, seal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]
    public void A_key_must_be_base64_of_32_bytes(string? configured) => Assert.Null(AuditChainKey.FromBase64(configured));

    [Fact]
    public void A_configured_key_reads_back_as_the_same_key() =>
        Assert.Equal(Key.Id, AuditChainKey.FromBase64(Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()))!.Id);
}
