using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CreditShare.Core.Audit;

/// <summary>The fields of one audit entry that its hash covers.</summary>
public sealed record AuditFacts(
    long Sequence,
    DateTimeOffset OccurredAt,
    int EventCode,
    string? Account,
    string? UnitCode,
    string? ClientIp,
    string? Target,
    string? Purpose,
    string Outcome,
    int? ResultCount,
    string? Detail);

/// <summary>
/// Hash chain of the audit trail: each entry's hash covers its own facts and the previous entry's hash, so an edited,
/// deleted, reordered or inserted row breaks the chain at that row.
/// </summary>
public static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Hash(AuditFacts facts, string previousHash)
    {
        // Unit separators keep "ab"+"c" and "a"+"bc" apart.
        var canonical = string.Join('\u001f',
            facts.Sequence.ToString(CultureInfo.InvariantCulture),
            facts.OccurredAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
            facts.EventCode.ToString(CultureInfo.InvariantCulture),
            facts.Account ?? string.Empty,
            facts.UnitCode ?? string.Empty,
            facts.ClientIp ?? string.Empty,
            facts.Target ?? string.Empty,
            facts.Purpose ?? string.Empty,
            facts.Outcome,
            facts.ResultCount?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            facts.Detail ?? string.Empty,
            previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Walks entries in sequence order and returns the first one that does not fit the chain, or null.</summary>
    public static ChainBreak? FindFirstBreak(IEnumerable<(AuditFacts Facts, string PreviousHash, string Hash)> entries, long expectedFirstSequence = 1, string expectedPreviousHash = GenesisHash)
    {
        var previous = expectedPreviousHash;
        var expectedSequence = expectedFirstSequence;
        foreach (var (facts, storedPrevious, stored) in entries)
        {
            if (facts.Sequence != expectedSequence)
            {
                return new ChainBreak(facts.Sequence, facts.Sequence > expectedSequence ? "missing" : "reordered",
                    facts.Sequence > expectedSequence ? $"序号{expectedSequence}至{facts.Sequence - 1}的记录缺失" : $"序号{facts.Sequence}出现在序号{expectedSequence - 1}之后");
            }

            if (storedPrevious != previous)
            {
                return new ChainBreak(facts.Sequence, "previous_hash", "前一条记录的哈希与链不符（前面的记录被删除、插入或改动）");
            }

            if (Hash(facts, storedPrevious) != stored)
            {
                return new ChainBreak(facts.Sequence, "hash", "记录内容与其哈希不符（记录被改动）");
            }

            previous = stored;
            expectedSequence++;
        }

        return null;
    }
}

public sealed record ChainBreak(long Sequence, string Reason, string Message);
