using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CreditShare.Core.Crypto;

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
/// One stored entry as the verifier sees it. <paramref name="KeyId"/> is the chain version marker: null for an entry
/// written before the chain was keyed (plain SHA-256), otherwise the <see cref="AuditChainKey.Id"/> that sealed it.
/// </summary>
public sealed record ChainLink(AuditFacts Facts, string? KeyId, string PreviousHash, string Hash);

/// <summary>
/// Keyed hash chain of the audit trail: each entry's HMAC covers its own facts, the key id and the previous entry's
/// hash, so an edited, deleted, reordered or inserted row breaks the chain at that row, and without the key nobody can
/// re-link the rows after it. Entries written before the chain was keyed keep their plain SHA-256 links (see
/// <see cref="AuditChainWalk"/> for where those are still accepted).
/// </summary>
public static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The keyed link: what the writer stores as an entry's hash.</summary>
    public static string Link(AuditFacts facts, string previousHash, AuditChainKey key) => key.Seal(KeyedCanonical(facts, key.Id, previousHash));

    /// <summary>
    /// The link before the chain was keyed: plain SHA-256, which anyone who can read this code can recompute. Only for
    /// verifying entries written then.
    /// </summary>
    public static string LegacyHash(AuditFacts facts, string previousHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Fields(facts, previousHash))));

    internal static string KeyedCanonical(AuditFacts facts, string keyId, string previousHash) => $"audit-entry.v2\u001f{keyId}\u001f{Fields(facts, previousHash)}";

    // Unit separators keep "ab"+"c" and "a"+"bc" apart.
    private static string Fields(AuditFacts facts, string previousHash) => string.Join('\u001f',
        facts.Sequence.ToString(CultureInfo.InvariantCulture),
        Time(facts.OccurredAt),
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

    internal static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    /// <summary>Walks entries in sequence order and returns the first one that does not fit the chain, or null.</summary>
    public static ChainBreak? FindFirstBreak(IEnumerable<ChainLink> entries, AuditChainKey key, long expectedFirstSequence = 1, string expectedPreviousHash = GenesisHash,
        IEnumerable<AuditCheckpoint>? checkpoints = null)
    {
        var walk = new AuditChainWalk(key, checkpoints ?? [], expectedFirstSequence, expectedPreviousHash);
        foreach (var entry in entries)
        {
            if (!walk.Add(entry))
            {
                return walk.Break;
            }
        }

        return walk.Finish();
    }
}

/// <summary>
/// The facts of an <c>AuditArchives</c> row that its signature covers. An archive row lets the verifier start after
/// entries a DBA removed, so a row the key did not sign is never taken as an anchor.
/// </summary>
public sealed record AuditArchiveFacts(long FromSequence, long ToSequence, string ToHash, string FileName, string FileSha256, DateTimeOffset CreatedAt)
{
    public string Seal(AuditChainKey key) => key.Seal(Canonical(key.Id));

    public bool IsSealedBy(AuditChainKey key, string? keyId, string? signature) => keyId == key.Id && key.Verifies(Canonical(keyId), signature);

    private string Canonical(string keyId) => string.Join('\u001f', "audit-archive.v1", keyId,
        FromSequence.ToString(CultureInfo.InvariantCulture), ToSequence.ToString(CultureInfo.InvariantCulture), ToHash, FileName, FileSha256, AuditChain.Time(CreatedAt));
}

/// <summary>
/// A signed statement, kept outside the database (a file in the archive folder and a log line), that the chain reached
/// <paramref name="Sequence"/> with <paramref name="Hash"/> at <paramref name="At"/>, and that no entry after
/// <paramref name="LegacyUntil"/> was written without the key. Truncating the chain below it, rewriting the entry it
/// names, or turning keyed entries back into the public hash is detected even by someone who could rewrite every row.
/// </summary>
public sealed record AuditCheckpoint(long Sequence, string Hash, DateTimeOffset At, long LegacyUntil, string KeyId, string Mac)
{
    public static AuditCheckpoint Sign(long sequence, string hash, DateTimeOffset at, long legacyUntil, AuditChainKey key) =>
        new(sequence, hash, at, legacyUntil, key.Id, key.Seal(Canonical(sequence, hash, at, legacyUntil, key.Id)));

    public bool IsSignedBy(AuditChainKey key) => KeyId == key.Id && key.Verifies(Canonical(Sequence, Hash, At, LegacyUntil, KeyId), Mac);

    private static string Canonical(long sequence, string hash, DateTimeOffset at, long legacyUntil, string keyId) => string.Join('\u001f', "audit-checkpoint.v1", keyId,
        sequence.ToString(CultureInfo.InvariantCulture), hash, AuditChain.Time(at), legacyUntil.ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// Verifies the chain an entry at a time (the caller pages through the table), holding what must be true of what
/// follows:
/// <list type="bullet">
/// <item>sequences without gaps, each entry linked to the previous hash;</item>
/// <item>a keyed entry sealed by the configured key; an unkeyed (legacy, plain SHA-256) entry only before the first
/// keyed one and not after any checkpoint's <see cref="AuditCheckpoint.LegacyUntil"/> (0 on a fresh install), so the
/// chain cannot be turned back into the public hash;</item>
/// <item>at every checkpoint's sequence, the checkpoint's hash; and the chain reaching the latest checkpoint.</item>
/// </list>
/// The checkpoints given must already have been checked with <see cref="AuditCheckpoint.IsSignedBy"/>.
/// </summary>
public sealed class AuditChainWalk
{
    private readonly AuditChainKey key;
    private readonly Dictionary<long, AuditCheckpoint> checkpoints;
    private readonly long legacyLimit;
    private readonly AuditCheckpoint? latest;
    private long expectedSequence;
    private string previousHash;
    private bool keyedSeen;

    public AuditChainWalk(AuditChainKey key, IEnumerable<AuditCheckpoint> checkpoints, long firstSequence = 1, string previousHash = AuditChain.GenesisHash)
    {
        this.key = key;
        this.checkpoints = checkpoints.GroupBy(c => c.Sequence).ToDictionary(g => g.Key, g => g.First());
        legacyLimit = this.checkpoints.Count == 0 ? long.MaxValue : this.checkpoints.Values.Min(c => c.LegacyUntil);
        latest = this.checkpoints.Count == 0 ? null : this.checkpoints[this.checkpoints.Keys.Max()];
        expectedSequence = firstSequence;
        this.previousHash = previousHash;
        // Starting after an archive: a checkpoint at the archive's last entry must name the archive's hash.
        if (this.checkpoints.TryGetValue(firstSequence - 1, out var anchor) && anchor.Hash != previousHash)
        {
            Break = ChainBreak.CheckpointMismatch(firstSequence - 1, anchor);
        }
    }

    public ChainBreak? Break { get; private set; }

    /// <summary>Entries found to fit the chain.</summary>
    public long Checked { get; private set; }

    /// <summary>Of those, entries written before the chain was keyed.</summary>
    public long Legacy { get; private set; }

    /// <summary>The hash of the last entry that fitted (or the starting hash).</summary>
    public string Head => previousHash;

    /// <summary>Checks the next entry; false (and <see cref="Break"/> set) once the chain is broken.</summary>
    public bool Add(ChainLink link)
    {
        if (Break is not null)
        {
            return false;
        }

        Break = Check(link);
        if (Break is not null)
        {
            return false;
        }

        Checked++;
        previousHash = link.Hash;
        expectedSequence++;
        return true;
    }

    /// <summary>After the last entry: the break found, or truncation below the latest checkpoint, or null.</summary>
    public ChainBreak? Finish()
    {
        if (Break is null && latest is not null && latest.Sequence >= expectedSequence)
        {
            Break = ChainBreak.Truncated(expectedSequence, latest);
        }

        return Break;
    }

    private ChainBreak? Check(ChainLink link)
    {
        var (facts, keyId, storedPrevious, stored) = link;
        if (facts.Sequence != expectedSequence)
        {
            return facts.Sequence > expectedSequence ? ChainBreak.Missing(expectedSequence, facts.Sequence) : ChainBreak.Reordered(facts.Sequence, expectedSequence);
        }

        if (storedPrevious != previousHash)
        {
            return new ChainBreak(facts.Sequence, "previous_hash", "前一条记录的哈希与链不符（前面的记录被删除、插入或改动）");
        }

        if (keyId is null)
        {
            if (keyedSeen || facts.Sequence > legacyLimit)
            {
                return new ChainBreak(facts.Sequence, "unkeyed", keyedSeen
                    ? "记录没有密钥签名，却位于已用密钥签名的记录之后（记录被伪造，或被改回无密钥的旧版哈希）"
                    : legacyLimit == 0
                        ? "记录没有密钥签名，而校验点表明本链从第一条起就用密钥签名（记录被伪造，或被改回无密钥的旧版哈希）"
                        : $"记录没有密钥签名，而校验点表明第{legacyLimit}条之后的记录都用密钥签名（记录被伪造，或被改回无密钥的旧版哈希）");
            }

            if (AuditChain.LegacyHash(facts, storedPrevious) != stored)
            {
                return new ChainBreak(facts.Sequence, "hash", "记录内容与其哈希不符（记录被改动）");
            }

            Legacy++;
        }
        else
        {
            if (AlgorithmTag.Of(keyId) != key.Algorithm)
            {
                // Fail closed: a seal of another algorithm (or none named) is never checked with this one.
                return new ChainBreak(facts.Sequence, "algorithm",
                    $"记录的签名算法（{AlgorithmTag.Of(keyId) ?? keyId}）不是本平台密码配置所用的算法（{key.Algorithm}）：记录被伪造，或由另一套密码配置写入");
            }

            if (keyId != key.Id)
            {
                return new ChainBreak(facts.Sequence, "key",
                    $"记录由另一把密钥签名（{keyId}，当前密钥为{key.Id}）：Audit:ChainKey 配置的不是写入这条记录的密钥，或记录被伪造");
            }

            if (!key.Verifies(AuditChain.KeyedCanonical(facts, keyId, storedPrevious), stored))
            {
                return new ChainBreak(facts.Sequence, "hash", "记录内容与其密钥签名不符（记录被改动，或由不掌握密钥的人重新计算了哈希）");
            }

            keyedSeen = true;
        }

        return checkpoints.TryGetValue(facts.Sequence, out var checkpoint) && checkpoint.Hash != stored
            ? ChainBreak.CheckpointMismatch(facts.Sequence, checkpoint)
            : null;
    }
}

/// <summary>
/// Where and why the chain is broken: <paramref name="Reason"/> is a stable code (missing, reordered, previous_hash,
/// hash, algorithm, key, unkeyed, checkpoint_mismatch, truncated, checkpoint_signature, archive_signature, archive_unsigned) and
/// <paramref name="Message"/> says it in Chinese.
/// </summary>
public sealed record ChainBreak(long Sequence, string Reason, string Message)
{
    public static ChainBreak Missing(long from, long found) => new(found, "missing", $"序号{from}至{found - 1}的记录缺失");

    public static ChainBreak Reordered(long found, long expected) => new(found, "reordered", $"序号{found}出现在序号{expected - 1}之后");

    public static ChainBreak CheckpointMismatch(long sequence, AuditCheckpoint checkpoint) =>
        new(sequence, "checkpoint_mismatch", $"记录的哈希与{Beijing(checkpoint.At)}的校验点不符（校验点之前的记录被改写）");

    public static ChainBreak Truncated(long firstMissing, AuditCheckpoint latest) =>
        new(firstMissing, "truncated", $"序号{firstMissing}至{latest.Sequence}的记录缺失：{Beijing(latest.At)}的校验点表明链已到第{latest.Sequence}条（末尾的记录被截去）");

    public static ChainBreak CheckpointForged(long sequence, string file) =>
        new(sequence, "checkpoint_signature", $"校验点文件{file}的签名无效（文件被伪造或改动，或不是用当前密钥写的）");

    /// <summary>An archive row the chain would start after, its signature wrong: the entries before are gone unvouched.</summary>
    public static ChainBreak ArchiveForged(long firstPresent, AuditArchiveFacts archive) =>
        new(firstPresent, "archive_signature", $"序号{archive.FromSequence}至{archive.ToSequence}的记录不在库中，而承接它们的归档记录签名无效（归档记录被伪造或改动）");

    public static ChainBreak ArchiveUnsigned(long firstPresent, AuditArchiveFacts archive) =>
        new(firstPresent, "archive_unsigned", $"序号{archive.FromSequence}至{archive.ToSequence}的记录不在库中，而承接它们的归档记录没有签名（启用密钥前的归档，或伪造的归档）");

    /// <summary>An archive row with a wrong signature, even one the verifier does not need as an anchor.</summary>
    public static ChainBreak ArchiveRowForged(AuditArchiveFacts archive) =>
        new(archive.FromSequence, "archive_signature", $"归档记录（第{archive.FromSequence}至{archive.ToSequence}条，{archive.FileName}）签名无效（归档记录被伪造或改动）");

    private static string Beijing(DateTimeOffset at) => ProvincialTime.ToBeijing(at).ToString("yyyy-MM-dd HH:mm:ss（北京时间）", CultureInfo.InvariantCulture);
}
