using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CreditShare.Web.Features.Certificates;

/// <summary>A client certificate the platform's CA issued to a unit; the row decides, on every request, whether it is still good.</summary>
public sealed class IssuedCertificate
{
    public long Id { get; set; }

    /// <summary>Upper-case hex, as X509Certificate2.SerialNumber gives it.</summary>
    public string SerialNumber { get; set; } = "";

    public string Thumbprint { get; set; } = "";

    public int UnitId { get; set; }

    /// <summary>What the certificate is for: a unit's own system, or its gateway (前置机). The row decides, not the subject.</summary>
    public CertificatePurpose Purpose { get; set; }

    public string Subject { get; set; } = "";

    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset NotAfter { get; set; }

    public int ValidityMonths { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public string IssuedBy { get; set; } = "";

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public string? RevocationReason { get; set; }

    /// <summary>The RFC 5280 reason code (<see cref="System.Security.Cryptography.X509Certificates.X509RevocationReason"/>) the CRL and OCSP give.</summary>
    public int? RevocationCode { get; set; }

    /// <summary>A U-key's: the staff account it was issued to; the only account it signs in.</summary>
    public string? StaffUserId { get; set; }

    /// <summary>The application (附1) it was issued under.</summary>
    public long? ApplicationId { get; set; }

    /// <summary>The certificate this one renews or replaces; that one is revoked after the overlap.</summary>
    public string? ReplacesSerial { get; set; }

    /// <summary>The certificate that renewed this one: no more expiry reminders for it.</summary>
    public string? RenewedBySerial { get; set; }

    /// <summary>When a renewed certificate is to be revoked (superseded): the end of the overlap.</summary>
    public DateTimeOffset? RevokeAfter { get; set; }

    /// <summary>Where the key came from: made on the token (a request was signed) or on the server (delivered once as PKCS#12).</summary>
    public bool KeyFromRequest { get; set; }

    // Delivery of a U-key (附1 接收方式): posted with a tracking number, or collected by the agent whose ID was checked.
    public string? TrackingNumber { get; set; }

    public string? CollectedBy { get; set; }

    public bool CollectorIdChecked { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public string? DeliveryRecordedBy { get; set; }

    /// <summary>
    /// A key the server made under an application: its PKCS#12, encrypted under the one-time PIN only the approver was
    /// shown and sealed with the personal-data key, until the applicant collects it once; then null for good.
    /// </summary>
    public string? PendingPkcs12Sealed { get; set; }

    public DateTimeOffset? Pkcs12CollectedAt { get; set; }

    /// <summary>
    /// A renewal's: the certificate as issued, so that a retry whose answer was lost (same key, proof again) gets this very
    /// certificate back instead of a refusal. Public material only; null for rows issued otherwise.
    /// </summary>
    public string? CertificatePem { get; set; }

    /// <summary>A renewal's: <see cref="KeyHash"/> of the certificate's key, to recognise the retry of the same request.</summary>
    public string? PublicKeySha256 { get; set; }

    /// <summary>Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo: the same for a request and the certificate issued from it.</summary>
    public static string KeyHash(PublicKey key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
}

/// <summary>Stored as a number: never renumber.</summary>
public enum CertificatePurpose
{
    /// <summary>A unit's business system calling the API itself (channel <c>api</c>).</summary>
    System = 0,

    /// <summary>A gateway (前置机) the unit runs in its machine room (channel <c>gateway</c>); it sends heartbeats.</summary>
    Gateway = 1,

    /// <summary>A person's U-key: issued to one staff account under an application (附1); with the password, a sign-in.</summary>
    Person = 2,
}
