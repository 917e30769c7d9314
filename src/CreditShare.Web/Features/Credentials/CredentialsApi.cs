using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Contract;
using CreditShare.Core.Credentials;
using CreditShare.Web.Attachments;
using CreditShare.Web.Features.Public;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Credentials;

public static class CredentialsApi
{
    private const long MaxScanBytes = 10 * 1024 * 1024;

    public static RouteGroupBuilder MapCredentials(this IEndpointRouteBuilder routes)
    {
        // The applicant's side: no account needed (a unit without one applies too), so rate-limited like the public site.
        var applicant = routes.MapGroup("/api/v1/credential-applications").WithTags("U-key 申请").AllowAnonymous()
            .RequireRateLimiting(PublicApi.RateLimitPolicy).ProducesProblems(429);
        applicant.MapPost("/", async Task<Results<Created<ApplicationStatusView>, ProblemHttpResult>> (CredentialApplicationForm body, CredentialApplications applications, HttpContext http) =>
        {
            var outcome = await applications.SubmitAsync(http.User, body, http.Connection.RemoteIpAddress?.ToString());
            return outcome.IsOk ? TypedResults.Created($"/api/v1/credential-applications/{outcome.Value!.Number}", outcome.Value) : outcome.ToProblem();
        }).WithName("submitCredentialApplication").WithSummary("提交U-key使用申请（附1）与经办人授权书（附2），并接受平台使用条款").ProducesProblems(400);
        applicant.MapGet("/{number}", async Task<Results<Ok<ApplicationStatusView>, ProblemHttpResult>> (string number, CredentialApplications applications) =>
            (await applications.StatusAsync(number)).ToOk())
            .WithName("getCredentialApplicationStatus").WithSummary("按申请编号查询办理状态（不含个人信息）").ProducesProblems(404);
        applicant.MapGet("/{number}/forms.pdf", async Task<IResult> (string number, CredentialApplications applications) =>
            await applications.FormsAsync(number) is ({ } pdf, { } canonical)
                ? TypedResults.File(pdf, "application/pdf", $"U-key申请表-{canonical}.pdf")
                : Problems.NotFound("application.not_found", "申请编号不存在"))
            .WithName("getCredentialApplicationForms").WithSummary("下载已填好的附1、附2（PDF），打印后签字盖章")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf").ProducesProblems(404);
        applicant.MapPut("/{number}/scan", async Task<Results<Ok<ApplicationStatusView>, ProblemHttpResult>> (string number, string? fileName, HttpContext http, CredentialApplications applications) =>
            (await applications.UploadScanAsync(number, await ReadScanAsync(http, fileName))).ToOk()).WithName("uploadCredentialApplicationScan").WithSummary("上传签字盖章后的申请表扫描件（PDF、PNG 或 JPEG）")
            .DocumentQuery("fileName", "文件名（可选）", required: false)
            .DocumentRawBody("application/pdf", "扫描件（不超过 10 MB）", binary: true).ProducesProblems(400, 404, 409, 413);
        applicant.MapGet("/{number}/certificates/{serial}/pkcs12", async Task<IResult> (string number, string serial, CredentialApplications applications, HttpContext http) =>
        {
            var outcome = await applications.CollectPkcs12Async(number, serial, http.Connection.RemoteIpAddress?.ToString());
            return outcome.IsOk ? TypedResults.File(outcome.Value!.Pkcs12, "application/x-pkcs12", $"{outcome.Value.SerialNumber}.p12") : outcome.ToProblem();
        }).WithName("collectCredentialPkcs12").WithSummary("领取服务器生成密钥的证书文件（PKCS#12，仅能领取一次；口令为审核人告知的一次性PIN）")
            .Produces<Stream>(StatusCodes.Status200OK, "application/x-pkcs12").ProducesProblems(404, 409);

        // The center's side: 受理 and 审核 and issuance.
        var office = routes.MapGroup("/api/v1/credential-applications").WithTags("U-key 申请").RequireAuthorization(Policies.CredentialOffice).ProducesProblems(401, 403);
        office.MapGet("/", async (string? state, CredentialApplications applications) =>
            TypedResults.Ok(await applications.ListAsync(ParseState(state))))
            .WithName("listCredentialApplications").WithSummary("U-key申请列表（可按状态筛选），含办理时长");
        office.MapGet("/{number}/details", async Task<Results<Ok<ApplicationView>, ProblemHttpResult>> (string number, CredentialApplications applications) =>
            (await applications.ViewAsync(number)).ToOk())
            .WithName("getCredentialApplication").WithSummary("查看申请详情（含个人信息，留存审计）").ProducesProblems(404);
        office.MapPost("/{number}/acceptance", async Task<Results<Ok<ApplicationView>, ProblemHttpResult>> (string number, ReviewDecision body, CredentialApplications applications, HttpContext http) =>
            (await applications.AcceptAsync(http.User, number, body)).ToOk())
            .WithName("acceptCredentialApplication").WithSummary("受理意见（证书业务操作员）：同意或不同意（须说明理由）").ProducesProblems(400, 404, 409);
        office.MapPost("/{number}/approval", async Task<Results<Ok<ApprovalResult>, ProblemHttpResult>> (string number, ReviewDecision body, CredentialApplications applications, HttpContext http) =>
            (await applications.ApproveAsync(http.User, number, body)).ToOk())
            .WithName("approveCredentialApplication").WithSummary("审核（另一人）：通过则开通账号与角色，初始口令仅此一次返回").ProducesProblems(400, 404, 409);
        office.MapPost("/{number}/certificates", async Task<Results<Ok<IssuedFromRequest>, ProblemHttpResult>> (string number, CertificateFromRequest body, CredentialApplications applications, HttpContext http) =>
            (await applications.IssueFromRequestAsync(http.User, number, body.Csr)).ToOk())
            .WithName("issueCredentialFromRequest").WithSummary("根据U-key生成的证书请求（PKCS#10）签发证书").ProducesProblems(400, 404, 409);
        office.MapPost("/{number}/certificates/server-key", async Task<Results<Ok<IssuedWithServerKey>, ProblemHttpResult>> (string number, ServerKeyOrder body, CredentialApplications applications, HttpContext http) =>
            (await applications.IssueServerKeyAsync(http.User, number, body.Purpose)).ToOk())
            .WithName("issueCredentialWithServerKey").WithSummary("无U-key时由平台生成密钥并签发（审核人本人）：一次性PIN仅此一次返回，证书文件由申请人凭申请编号领取一次")
            .ProducesProblems(400, 404, 409);
        office.MapPost("/{number}/certificates/{serial}/delivery", async Task<Results<Ok<UKeyDeliveryView>, ProblemHttpResult>> (string number, string serial, DeliveryRecord body,
            CredentialApplications applications, HttpContext http) =>
            (await applications.RecordDeliveryAsync(http.User, number, serial, body)).ToOk())
            .WithName("recordCredentialDelivery").WithSummary("登记U-key交付：邮寄（快递单号）或现场领取（领取人、已核验身份证）").ProducesProblems(400, 404, 409);
        return office;
    }

    /// <summary>A signed and sealed scan sent as the raw body (附1–附4), read up to its limit: one byte over is refused with 413.</summary>
    internal static async Task<AttachmentUpload> ReadScanAsync(HttpContext http, string? fileName)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxScanBytes + 1;
        }

        using var body = await PooledBody.ReadAsync(http.Request, MaxScanBytes + 1, http.RequestAborted);
        return new AttachmentUpload(fileName ?? "scan", http.Request.ContentType, body.Memory.ToArray());
    }

    private static ApplicationState? ParseState(string? state) =>
        Enum.GetValues<ApplicationState>().Cast<ApplicationState?>().FirstOrDefault(s => CredentialApplications.StateName(s!.Value) == state);
}

/// <summary>Renewal routes: a unit's system or gateway renews its own certificate over mutual TLS; the center renews a U-key.</summary>
public static class RenewalsApi
{
    public static void MapRenewals(this IEndpointRouteBuilder routes)
    {
        // 附4: a unit's staff register the unit's U-keys that are due; the center's operator 受理s the sealed form.
        var unit = routes.MapGroup("/api/v1/certificate-renewals").WithTags("U-key 到期更换").RequireAuthorization(Policies.Staff).ProducesProblems(401, 403);
        unit.MapGet("/renewable", async (RenewalRegistrations registrations, HttpContext http) => TypedResults.Ok(await registrations.RenewableAsync(http.User)))
            .WithName("listRenewableUKeys").WithSummary($"本单位{RenewalRegistrations.WindowDays}天内到期、可登记更换的U-key");
        unit.MapPost("/", async Task<Results<Created<RenewalRegistrationView>, ProblemHttpResult>> (RenewalRegistrationForm body, RenewalRegistrations registrations, HttpContext http) =>
        {
            var outcome = await registrations.SubmitAsync(http.User, body, http.Connection.RemoteIpAddress?.ToString());
            return outcome.IsOk ? TypedResults.Created($"/api/v1/certificate-renewals/{outcome.Value!.Number}", outcome.Value) : outcome.ToProblem();
        }).WithName("registerRenewals").WithSummary("登记到期U-key更换（附4：序号、账号、使用者、联系电话、备注；不收集用户口令，更换时重置）").ProducesProblems(400);
        unit.MapGet("/", async (RenewalRegistrations registrations, HttpContext http) => TypedResults.Ok(await registrations.ListAsync(http.User)))
            .WithName("listRenewalRegistrations").WithSummary("更换登记表列表（本单位的；证书业务操作员可见全部）");
        unit.MapGet("/{number}", async Task<Results<Ok<RenewalRegistrationView>, ProblemHttpResult>> (string number, RenewalRegistrations registrations, HttpContext http) =>
            (await registrations.ViewAsync(http.User, number)).ToOk())
            .WithName("getRenewalRegistration").WithSummary("查看更换登记表（含使用者与联系电话，留存审计）").ProducesProblems(404);
        unit.MapGet("/{number}/form.pdf", async Task<IResult> (string number, RenewalRegistrations registrations, HttpContext http) =>
            await registrations.FormAsync(http.User, number) is ({ } pdf, { } canonical)
                ? TypedResults.File(pdf, "application/pdf", $"到期U-key更换登记表-{canonical}.pdf")
                : Problems.NotFound("renewal_registration.not_found", "登记表编号不存在"))
            .WithName("getRenewalRegistrationForm").WithSummary("下载已填好的附4（PDF），打印后盖章")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf").ProducesProblems(404);
        unit.MapPut("/{number}/scan", async Task<Results<Ok<RenewalRegistrationView>, ProblemHttpResult>> (string number, string? fileName, HttpContext http, RenewalRegistrations registrations) =>
            (await registrations.UploadScanAsync(http.User, number, await CredentialsApi.ReadScanAsync(http, fileName))).ToOk()).WithName("uploadRenewalRegistrationScan").WithSummary("上传盖章后的附4扫描件（PDF、PNG 或 JPEG）")
            .DocumentQuery("fileName", "文件名（可选）", required: false)
            .DocumentRawBody("application/pdf", "扫描件（不超过 10 MB）", binary: true).ProducesProblems(400, 404, 409, 413);
        routes.MapPost("/api/v1/certificate-renewals/{number}/acceptance", async Task<Results<Ok<RenewalRegistrationView>, ProblemHttpResult>> (string number, ReviewDecision body,
            RenewalRegistrations registrations, HttpContext http) =>
            (await registrations.AcceptAsync(http.User, number, body)).ToOk())
            .WithTags("U-key 到期更换").RequireAuthorization(Policies.CredentialOffice)
            .WithName("acceptRenewalRegistration").WithSummary("受理更换登记（证书业务操作员）：同意或不同意（须说明理由）").ProducesProblems(400, 401, 403, 404, 409);

        routes.MapPost("/api/v1/machine/certificate/renewal", async Task<Results<Ok<Renewed>, ProblemHttpResult>> (RenewalRequest body, Renewals renewals, HttpContext http) =>
            (await renewals.RenewAsync(http.User, http.User.FindFirst(CurrentUser.CertificateSerialClaim)!.Value, body, http.Connection.ClientCertificate)).ToOk())
            .WithTags("单位系统接入").RequireAuthorization(Policies.UnitSystem)
            .WithName("renewOwnCertificate").WithSummary("更换本证书（附4）：新密钥的证书请求，及用原私钥对该请求的签名（持有证明）").ProducesProblems(400, 401, 403, 409);
        routes.MapPost("/api/v1/certificates/{serial}/renewal", async Task<Results<Ok<Renewed>, ProblemHttpResult>> (string serial, RenewalRequest body, Renewals renewals, HttpContext http) =>
        {
            X509Certificate2? old = null;
            try
            {
                old = body.OldCertificate is { Length: > 0 } pem ? X509Certificate2.CreateFromPem(pem) : null;
            }
            catch (CryptographicException)
            {
                return Problems.Validation([new Core.FieldError("oldCertificate", "renewal.old_certificate", "原证书不是 PEM 格式的证书")]);
            }

            using (old)
            {
                return (await renewals.RenewAsync(http.User, serial, body, old)).ToOk();
            }
        }).WithTags("U-key 申请").RequireAuthorization(Policies.CredentialOffice)
            .WithName("renewCertificate").WithSummary("为到期U-key更换证书（附4）：U-key生成的新请求，用原私钥签名").ProducesProblems(400, 401, 403, 404, 409);
    }
}
