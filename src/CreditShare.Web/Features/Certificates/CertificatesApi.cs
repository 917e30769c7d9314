using CreditShare.Core;
using CreditShare.Core.Credentials;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Certificates;

public sealed record RevokeRequest(string? Reason);

/// <param name="Reason">附3 注销原因: lost, damaged, forgottenPin, userInformationChanged, noLongerUsed or other.</param>
/// <param name="ReasonText">The text of 其他 (required then), or a note to any other reason; at most 200 characters.</param>
/// <param name="Reissued">A new U-key replaces this one (a damaged key or forgotten PIN is then "superseded").</param>
public sealed record CancelRequest(string? Reason, string? ReasonText, bool Reissued = false);

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
        group.MapPost("/{serial}/cancel", async Task<Results<Ok<IssuedCertificateView>, ProblemHttpResult>> (string serial, CancelRequest body, CertificateService certificates, HttpContext http) =>
            ParseReason(body.Reason) is { } reason
                ? (await certificates.CancelAsync(http.User, serial, reason, body.ReasonText, body.Reissued)).ToOk()
                : Outcome<IssuedCertificateView>.Invalid(new FieldError("reason", "cancellation.reason",
                    "请选择注销原因：lost（U-key丢失）、damaged（U-key损坏）、forgottenPin（丢失或遗忘U-key密码）、userInformationChanged（U-key用户信息变更）、noLongerUsed（终止使用）或 other（其他）"))
                    .ToProblem())
            .WithName("cancelCertificate").WithSummary("注销证书（附3 注销原因，CRL 与 OCSP 随即给出对应的吊销原因）").ProducesProblems(400, 404, 409);

        // Public by nature: relying parties fetch the CRL without credentials.
        routes.MapGet("/pki/crl", async (CertificateService certificates) => TypedResults.File(await certificates.CrlAsync(), "application/pkix-crl", "creditshare.crl"))
            .WithTags("客户端证书").AllowAnonymous()
            .WithName("getCertificateRevocationList").WithSummary("下载证书吊销列表（CRL，DER）").Produces<Stream>(StatusCodes.Status200OK, "application/pkix-crl");
        routes.MapGet("/pki/ca.crt", (CertificateAuthority ca) => TypedResults.Text(ca.Certificate.ExportCertificatePem(), "application/x-pem-file"))
            .WithTags("客户端证书").AllowAnonymous()
            .WithName("getCaCertificate").WithSummary("下载平台 CA 证书（PEM）").Produces<string>(StatusCodes.Status200OK, "application/x-pem-file");

        // OCSP (RFC 6960) for relying parties, anonymous like the CRL. Errors are OCSP responses too (HTTP 200), as clients expect.
        routes.MapPost("/pki/ocsp", async (HttpContext http, OcspResponder ocsp) =>
            {
                var request = await ReadOcspRequestAsync(http.Request, http.RequestAborted);
                return Ocsp(http, request is null ? OcspResponder.Malformed() : await ocsp.AnswerAsync(request, http.RequestAborted));
            })
            .WithTags("客户端证书").AllowAnonymous()
            .WithName("ocspPost").WithSummary("OCSP 查询证书状态（RFC 6960，正文为 DER 编码的 OCSP 请求）")
            .DocumentRawBody(OcspResponder.RequestMediaType, "DER 编码的 OCSP 请求", binary: true)
            .Produces<Stream>(StatusCodes.Status200OK, OcspResponder.ResponseMediaType);
        routes.MapGet("/pki/ocsp/{**request}", async (string? request, HttpContext http, OcspResponder ocsp) =>
                Ocsp(http, OcspResponder.DecodeGetRequest(request) is { } der ? await ocsp.AnswerAsync(der, http.RequestAborted) : OcspResponder.Malformed()))
            .WithTags("客户端证书").AllowAnonymous()
            .WithName("ocspGet").WithSummary("OCSP 查询证书状态（GET，路径为 base64 编码的 OCSP 请求，RFC 6960 附录 A）")
            .Produces<Stream>(StatusCodes.Status200OK, OcspResponder.ResponseMediaType);

        // The smallest machine endpoint: a unit's system checks its certificate works before it reports.
        routes.MapGet("/api/v1/machine/whoami", (HttpContext http) => TypedResults.Ok(new WhoAmI(
                http.User.UnitCode()!, http.User.FindFirst(CurrentUser.UnitIdClaim)!.Value, http.User.FindFirst(CurrentUser.CertificateSerialClaim)!.Value)))
            .WithTags("单位系统接入").RequireAuthorization(Policies.UnitSystem)
            .WithName("whoAmI").WithSummary("接入自检：本单位代码与所用证书").ProducesProblems(401, 403);
        return group;
    }

    /// <summary>The 附3 reason by its wire name (camelCase, case ignored); numbers are not names.</summary>
    public static CancellationReason? ParseReason(string? name) =>
        !string.IsNullOrWhiteSpace(name) && !char.IsAsciiDigit(name.Trim()[0]) && !name.Contains(',') && Enum.TryParse<CancellationReason>(name.Trim(), true, out var reason)
            && Enum.IsDefined(reason)
            ? reason
            : null;

    private static async Task<byte[]?> ReadOcspRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > OcspResponder.MaxRequestBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > OcspResponder.MaxRequestBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    // Answers reflect the database at this moment (revocation is immediate), so nobody should keep them.
    private static FileContentHttpResult Ocsp(HttpContext http, byte[] response)
    {
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(response, OcspResponder.ResponseMediaType);
    }

    private static async Task<Results<Ok<IssuedCredentialAnswer>, ProblemHttpResult>> IssueAsync(IssueRequest body, CertificateService certificates, HttpContext http)
    {
        var outcome = await certificates.IssueAsync(http.User, body);
        return outcome.IsOk
            ? TypedResults.Ok(new IssuedCredentialAnswer(outcome.Value!.Certificate, outcome.Value.CertificatePem, outcome.Value.PrivateKeyPem))
            : outcome.ToProblem();
    }
}
