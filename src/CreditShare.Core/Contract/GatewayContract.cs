namespace CreditShare.Core.Contract;

// What the gateway (前置机) and direct API callers exchange with the platform beyond the reporting batches themselves:
// the platform's signed receipt for every batch answer, and the gateway's heartbeat. Names and JSON shapes are the
// wire contract: ContractSnapshotTests fails when one changes.

/// <summary>
/// What the platform confirms it received for one batch: who sent it, what the answer said, and the digest of that
/// answer (<see cref="ReceiptDigest.OfAnswer"/>), at the time the batch was first received. The same batch always gets
/// a receipt with the same content (a replay included); only the signature's randomness differs.
/// </summary>
public sealed record BatchReceipt(Guid BatchId, string UnitCode, string Category, int Total, int Accepted, int Unchanged, int Rejected,
    string AnswerDigest, string? IdempotencyKey, string Channel, DateTimeOffset ReceivedAt);

/// <summary>
/// A receipt as signed: <c>Payload</c> is the receipt's JSON (base64), signed as those exact bytes, so a verifier never
/// has to reproduce a serialisation; <c>Signer</c> is the signing certificate (DER, base64), issued by the platform's CA.
/// </summary>
public sealed record SignedReceipt(string Payload, string Algorithm, string Signature, string Signer)
{
    /// <summary>The response header that carries the receipt (the same JSON, base64url) on every batch answer.</summary>
    public const string Header = "CreditShare-Receipt";
}

/// <summary>A gateway's report about itself, sent every minute; the console's fleet view shows the latest one.</summary>
public sealed record GatewayHeartbeat(string Name, string Version, int QueueDepth, long? OldestItemAgeSeconds, DateTimeOffset? LastSuccessAt,
    string? LastError, int? CertificateDaysLeft, long SpoolBytes, DateTimeOffset SentAt);
