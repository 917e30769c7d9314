using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Gateway.Queue;
using Microsoft.Data.Sqlite;

namespace CreditShare.Gateway.Receipts;

/// <summary>One line of what the gateway sent and what the platform answered.</summary>
public sealed record ChainEntry(long Seq, long FileSeq, int Index, string IdempotencyKey, string BodyDigest, int StatusCode, string? AnswerDigest,
    string? Receipt, DateTimeOffset At, string Previous, string Hash);

/// <summary>What <c>gateway receipts verify</c> found.</summary>
public sealed record ChainReport(int Entries, int SignedReceipts, int WithoutReceipt, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// The local evidence behind "谁产生、谁负责": every request sent and its answer, each entry hashed with the one before
/// it (so an entry cannot be removed, reordered or changed without breaking every hash after it), and the platform's
/// signed receipt for every answered batch, which proves offline — with nothing but the CA certificate — what the
/// platform confirmed receiving, and when.
/// </summary>
public static class ReceiptChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Appends an entry in the caller's transaction (the one that stores the answer).</summary>
    public static void Append(SqliteConnection connection, SqliteTransaction transaction, QueuedBatch batch, int statusCode, string? answerDigest,
        SignedReceipt? receipt, DateTimeOffset at)
    {
        var last = GatewayStore.Scalar<string?>(connection, transaction, "SELECT hash FROM receipts ORDER BY seq DESC LIMIT 1") ?? Genesis;
        var seq = GatewayStore.Scalar<long>(connection, transaction, "SELECT COALESCE(MAX(seq), 0) + 1 FROM receipts");
        var receiptJson = receipt is null ? null : JsonSerializer.Serialize(receipt, WireJson.Options);
        var entry = new ChainEntry(seq, batch.FileSeq, batch.Index, batch.IdempotencyKey, batch.BodyDigest, statusCode, answerDigest, receiptJson, at, last, "");
        GatewayStore.Execute(connection, transaction, """
            INSERT INTO receipts(seq, file_seq, idx, idempotency_key, body_digest, status_code, answer_digest, receipt, at, prev, hash)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)
            """, seq, entry.FileSeq, entry.Index, entry.IdempotencyKey, entry.BodyDigest, statusCode, answerDigest, receiptJson, GatewayStore.Time(at), last, HashOf(entry));
    }

    public static string HashOf(ChainEntry e)
    {
        var text = string.Join('\n', e.Previous, e.Seq, e.FileSeq, e.Index, e.IdempotencyKey, e.BodyDigest, e.StatusCode, e.AnswerDigest ?? "", e.Receipt ?? "",
            GatewayStore.Time(e.At));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static List<ChainEntry> Read(GatewayStore queue)
    {
        using var connection = queue.Open();
        using var command = GatewayStore.Command(connection, null,
            "SELECT seq, file_seq, idx, idempotency_key, body_digest, status_code, answer_digest, receipt, at, prev, hash FROM receipts ORDER BY seq");
        using var reader = command.ExecuteReader();
        var list = new List<ChainEntry>();
        while (reader.Read())
        {
            list.Add(new ChainEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                GatewayStore.ParseTime(reader.GetString(8))!.Value, reader.GetString(9), reader.GetString(10)));
        }

        return list;
    }

    /// <summary>Checks the whole chain offline against the platform CA; every problem names the entry it is in.</summary>
    public static ChainReport Verify(IReadOnlyList<ChainEntry> entries, X509Certificate2 ca)
    {
        var problems = new List<string>();
        var previous = Genesis;
        var signed = 0;
        var unsigned = 0;
        long expectedSeq = 1;
        foreach (var e in entries)
        {
            if (e.Seq != expectedSeq)
            {
                problems.Add($"第 {expectedSeq} 条记录缺失（下一条是第 {e.Seq} 条）");
            }

            expectedSeq = e.Seq + 1;
            if (e.Previous != previous)
            {
                problems.Add($"第 {e.Seq} 条：与前一条的链接不符（记录被删除、调换或改动）");
            }

            if (HashOf(e) != e.Hash)
            {
                problems.Add($"第 {e.Seq} 条：内容与其哈希不符（记录被改动）");
            }

            previous = e.Hash;
            if (e.Receipt is null)
            {
                unsigned++;
                if (e.StatusCode is >= 200 and < 300)
                {
                    problems.Add($"第 {e.Seq} 条：平台已受理该批次，但没有平台签名的回执");
                }

                continue;
            }

            var receipt = JsonSerializer.Deserialize<SignedReceipt>(e.Receipt, WireJson.Options);
            var (content, problem) = receipt is null ? (null, "回执为空") : ReceiptDigest.Verify(receipt, ca);
            if (content is null)
            {
                problems.Add($"第 {e.Seq} 条：{problem}");
                continue;
            }

            if (content.IdempotencyKey != e.IdempotencyKey)
            {
                problems.Add($"第 {e.Seq} 条：回执的幂等键“{content.IdempotencyKey}”不是所发送批次的“{e.IdempotencyKey}”");
            }

            if (content.AnswerDigest != e.AnswerDigest)
            {
                problems.Add($"第 {e.Seq} 条：回执所确认的应答摘要与本地保存的应答不符");
            }

            signed++;
        }

        return new ChainReport(entries.Count, signed, unsigned, problems);
    }
}
