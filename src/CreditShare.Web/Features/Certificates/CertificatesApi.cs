using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Certificates;

public sealed record RevokeRequest(string? Reason);

public sealed record IssuedCredentialAnswer(IssuedCertificateView Certificate, string CertificatePem, string PrivateKeyPem);

public sealed record WhoAmI(string UnitCode, string UnitId, string CertificateSerial);

public static class CertificatesApi
{
    public static RouteGroupBuilder MapCertificates(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/certificates").WithTags("客户端证书").RequireAuthorization(Policies.SecurityAdmin).ProducesProblems(401, 403);
        group.MapGet("/", async (int? unitId, CertificateService certificates) => TypedResults.Ok(await certificates.ListAsync(unitId)))
            .WithName("listCertificates").WithSummary("已签发的客户端证书（可按单位筛选）");
        group.MapPost("/", IssueAsync).WithName("issueCertificate").WithSummary("为单位签发客户端证书（私钥仅此一次返回）").ProducesProblems(400);
        group.MapPost("/{serial}/revoke", async Task<Results<Ok<IssuedCertificateView>, ProblemHttpResult>> (string serial, RevokeRequest body, CertificateService certificates, HttpContext http) =>
            (await certificates.RevokeAsync(http.User, serial, body.Reason)).ToOk())
            .WithName("revokeCertificate").WithSummary("吊销客户端证书").ProducesProblems(400, 404, 409);

        // Public by nature: relying parties fetch the CRL without credentials.
        routes.MapGet("/pki/crl", async (CertificateService certificates) => TypedResults.File(await certificates.CrlAsync(), "application/pkix-crl", "creditshare.crl"))
            .WithTags("客户端证书").AllowAnonymous()
            .WithName("getCertificateRevocationList").WithSummary("下载证书吊销列表（CRL，DER）").Produces<Stream>(StatusCodes.Status200OK, "application/pkix-crl");
        routes.MapGet("/pki/ca.crt", (CertificateAuthority ca) => TypedResults.Text(ca.Certificate.ExportCertificatePem(), "application/x-pem-file"))
            .WithTags("客户端证书").AllowAnonymous()
            .WithName("getCaCertificate").WithSummary("下载平台 CA 证书（PEM）").Produces<string>(StatusCodes.Status200OK, "application/x-pem-file");

        // The smallest machine endpoint: a unit's system checks its certificate works before it reports.
        routes.MapGet("/api/v1/machine/whoami", (HttpContext http) => TypedResults.Ok(new WhoAmI(
                http.User.UnitCode()!, http.User.FindFirst(CurrentUser.UnitIdClaim)!.Value, http.User.FindFirst(CurrentUser.CertificateSerialClaim)!.Value)))
            .WithTags("单位系统接入").RequireAuthorization(Policies.UnitSystem)
            .WithName("whoAmI").WithSummary("接入自检：本单位代码与所用证书").ProducesProblems(401, 403);
        return group;
    }

    private static async Task<Results<Ok<IssuedCredentialAnswer>, ProblemHttpResult>> IssueAsync(IssueRequest body, CertificateService certificates, HttpContext http)
    {
        var outcome = await certificates.IssueAsync(http.User, body);
        return outcome.IsOk
            ? TypedResults.Ok(new IssuedCredentialAnswer(outcome.Value!.Certificate, outcome.Value.CertificatePem, outcome.Value.PrivateKeyPem))
            : outcome.ToProblem();
    }
}
