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
}

/// <summary>Stored as a number: never renumber.</summary>
public enum CertificatePurpose
{
    /// <summary>A unit's business system calling the API itself (channel <c>api</c>).</summary>
    System = 0,

    /// <summary>A gateway (前置机) the unit runs in its machine room (channel <c>gateway</c>); it sends heartbeats.</summary>
    Gateway = 1,
}
