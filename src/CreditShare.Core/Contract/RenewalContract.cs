namespace CreditShare.Core.Contract;

// Renewal of a unit's own certificate (附4): the platform's routes take the request; the gateway sends it and reads the
// answer. Names and JSON shapes are the wire contract: ContractSnapshotTests fails when one changes.

/// <summary>
/// A renewal: the new key's request and, as proof of possession, that request's DER signed with the old key (base64);
/// with the old certificate (PEM) when the caller does not present it on the connection (the center renewing a U-key).
/// </summary>
public sealed record RenewalRequest(string? Csr, string? Proof, string? OldCertificate = null);

/// <summary>
/// What a gateway reads of the platform's answer to a renewal (the platform's <c>Renewed</c>, which also carries the
/// new certificate's console view): the new certificate, and when the old one will be revoked as superseded.
/// </summary>
public sealed record RenewedCertificate(string CertificatePem, DateTimeOffset OldRevokedAfter);
