namespace CreditShare.Web.Features.Certificates;

/// <summary>A client certificate the platform's CA issued to a unit; the row decides, on every request, whether it is still good.</summary>
public sealed class IssuedCertificate
{
    public long Id { get; set; }

    /// <summary>Upper-case hex, as X509Certificate2.SerialNumber gives it.</summary>
    public string SerialNumber { get; set; } = "";

    public string Thumbprint { get; set; } = "";

    public int UnitId { get; set; }

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
