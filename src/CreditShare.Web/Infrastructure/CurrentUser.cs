using System.Security.Claims;

namespace CreditShare.Web.Infrastructure;

public static class CurrentUser
{
    public const string SessionClaim = "creditshare:sid";
    public const string UnitClaim = "creditshare:unit";
    public const string UnitIdClaim = "creditshare:unit_id";
    public const string CertificateSerialClaim = "creditshare:cert_serial";

    /// <summary>Present, with value <c>gateway</c>, when the client certificate is a gateway's (前置机).</summary>
    public const string CertificatePurposeClaim = "creditshare:cert_purpose";

    public static bool IsGateway(this ClaimsPrincipal user) => user.HasClaim(CertificatePurposeClaim, "gateway");

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string? UnitCode(this ClaimsPrincipal user) => user.FindFirstValue(UnitClaim);

    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirstValue(SessionClaim);

    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "system";

    public static int UnitId(this ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(UnitIdClaim) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
}
