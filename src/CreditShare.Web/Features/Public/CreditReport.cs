namespace CreditShare.Web.Features.Public;

/// <summary>
/// A credit report issued from the public register: its number and verification code, whom it is about, when it was
/// made, and the SHA-256 of the PDF as issued — the fingerprint that tells a genuine file from an edited one. The PDF
/// itself is not kept: it holds only what was public at that moment.
/// </summary>
public sealed class CreditReport
{
    public long Id { get; set; }

    public string Number { get; set; } = "";

    public string VerificationCode { get; set; } = "";

    public string SubjectCode { get; set; } = "";

    public string SubjectName { get; set; } = "";

    public DateTimeOffset IssuedAt { get; set; }

    public string Sha256 { get; set; } = "";
}
