using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core;
using CreditShare.Core.Credentials;
using CreditShare.Core.Crypto;
using CreditShare.Web.Attachments;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Credentials;

/// <summary>What anyone holding the number may see: the state and dates, no personal data.</summary>
public sealed record ApplicationStatusView(string Number, string State, string StateLabel, string OrganisationName, DateTimeOffset SubmittedAt,
    bool ScanUploaded, DateTimeOffset? AcceptedAt, DateTimeOffset? ApprovedAt, string? Opinion, IReadOnlyList<string>? CollectableSerials = null);

/// <summary>An application as the center's staff see it, personal fields opened (audited).</summary>
public sealed record ApplicationView(long Id, string Number, string State, string StateLabel, int? UnitId, CredentialApplicationForm Form,
    DateTimeOffset SubmittedAt, string? SubmittedBy, bool ScanUploaded, string? AcceptedBy, DateTimeOffset? AcceptedAt, string? AcceptanceOpinion,
    string? ApprovedBy, DateTimeOffset? ApprovedAt, string? ApprovalOpinion, string? StaffUserId, IReadOnlyList<IssuedCertificateView> Certificates,
    IReadOnlyList<UKeyDeliveryView>? Deliveries = null);

/// <summary>How one issued U-key reached its user: posted (tracking number) or collected (who, ID checked, when).</summary>
public sealed record UKeyDeliveryView(string SerialNumber, string Method, string? TrackingNumber, string? CollectedBy, bool CollectorIdChecked,
    DateTimeOffset DeliveredAt, string RecordedBy);

/// <summary>One row of the applications list: no personal data but the organisation's.</summary>
public sealed record ApplicationSummary(string Number, string State, string StateLabel, string OrganisationName, string UnitCode, string AccountName,
    int Quantity, DateTimeOffset SubmittedAt, TimeSpan Age);

public sealed record ReviewDecision(bool Agree, string? Opinion);

public sealed record ApprovalResult(ApplicationView Application, string? InitialPassword);

public sealed record CertificateFromRequest(string? Csr);

public sealed record IssuedFromRequest(IssuedCertificateView Certificate, string CertificatePem);

public sealed record ServerKeyOrder(string? Purpose);

/// <summary>A server-made key's issuance, for the approver: the PIN is shown here once and stored nowhere; the file is the applicant's to collect.</summary>
public sealed record IssuedWithServerKey(IssuedCertificateView Certificate, string PurposeLabel, string Pin, string CollectUrl);

public sealed record CollectedPkcs12(string SerialNumber, byte[] Pkcs12);

/// <summary>
/// U-key applications (附1 + 附2, art. 15): submitted by a unit's agent (with or without an account), the signed and
/// sealed scan uploaded, 受理 by a 证书业务操作员, 审核 by a second person, then a certificate signed from the token's
/// request for the account created on approval. Every step is audited in the transaction of the change.
/// </summary>
public sealed class CredentialApplications(
    AppDbContext db,
    PersonalDataProtector protector,
    AttachmentStore attachments,
    AccountAdministration accounts,
    StaffUserManager users,
    CertificateAuthority ca,
    AuditWriter audit,
    TimeProvider time)
{
    public async Task<Outcome<ApplicationStatusView>> SubmitAsync(ClaimsPrincipal who, CredentialApplicationForm input, string? clientIp)
    {
        var (form, found) = CredentialApplicationRules.Check(input, ProvincialTime.Today(time), TermsOfUse.Version);
        var errors = found.ToList();
        var unit = errors.Any(e => e.Field == "unitCode") ? null : await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Uscc == form.UnitCode);
        if (unit is null && !errors.Any(e => e.Field == "unitCode"))
        {
            errors.Add(new FieldError("unitCode", "application.unit_unknown", "该统一社会信用代码的单位尚未在平台登记，请先联系社会信用服务中心登记单位"));
        }

        if (unit is not null && errors.Count == 0)
        {
            errors.AddRange(AccountAdministration.CheckRoles(form.Roles, unit));
            var existing = await users.FindByNameAsync(form.AccountName);
            if (existing is not null && existing.UnitId != unit.Id)
            {
                errors.Add(new FieldError("accountName", "application.account_taken", "该账号已被其他单位使用，请换一个"));
            }

            if (form.Replaces is { } replaces && await ReplaceableAsync(replaces.SerialNumber, unit.Id) is null)
            {
                // One answer for "no such serial" and "another unit's": an applicant learns nothing about other units' keys.
                errors.Add(new FieldError("replaces.serialNumber", "application.replaced_unknown", "本单位没有该序列号的有效U-key，请核对原U-key序列号"));
            }
        }

        if (errors.Count > 0)
        {
            return Outcome<ApplicationStatusView>.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var application = new CredentialApplication
        {
            Number = ApplicationNumber.New(ProvincialTime.Today(time)),
            State = ApplicationState.Submitted,
            UnitCode = form.UnitCode,
            UnitId = unit!.Id,
            OrganisationName = form.OrganisationName,
            Address = form.Address,
            PostalCode = form.PostalCode,
            UserNameSealed = protector.Protect(form.UserName),
            OfficePhoneSealed = protector.Protect(form.OfficePhone),
            MobileSealed = protector.Protect(form.Mobile),
            EmailSealed = protector.Protect(form.Email),
            IdType = form.IdType,
            IdNumberSealed = protector.Protect(form.IdNumber),
            Quantity = form.Quantity,
            ValidityMonths = form.ValidityMonths,
            Delivery = form.Delivery,
            AgentNameSealed = protector.Protect(form.AgentName),
            AgentDepartment = form.AgentDepartment,
            AgentPhoneSealed = protector.Protect(form.AgentPhone),
            AgentMobileSealed = protector.Protect(form.AgentMobile),
            AgentEmailSealed = protector.Protect(form.AgentEmail),
            AccountName = form.AccountName,
            Roles = string.Join('、', form.Roles),
            TermsVersion = TermsOfUse.Version,
            ReplacesSerial = form.Replaces?.SerialNumber,
            ReplacedHolderNameSealed = form.Replaces is { } r ? protector.Protect(r.HolderName) : null,
            ReplacedHolderPhoneSealed = form.Replaces is { } p ? protector.Protect(p.HolderPhone) : null,
            ReplacementReason = form.Replaces?.Reason,
            ReplacementReasonText = form.Replaces?.ReasonText,
            SubmittedAt = now,
            SubmittedBy = who.UserId() is null ? null : who.Actor(),
            ClientIp = clientIp,
        };
        db.CredentialApplications.Add(application);
        db.TermsAcceptances.Add(new TermsAcceptance
        {
            Version = TermsOfUse.Version,
            ApplicationNumber = application.Number,
            UnitCode = form.UnitCode,
            UserId = who.UserId(),
            AcceptedAt = now,
            ClientIp = clientIp,
        });
        audit.Stage(db, new AuditRecord(AuditEvent.Credential_ApplicationSubmitted, AuditOutcome.Success)
        { Target = Target(application), UnitCode = form.UnitCode, Detail = $"roles={application.Roles};quantity={form.Quantity};months={form.ValidityMonths}" });
        audit.Stage(db, new AuditRecord(AuditEvent.Credential_TermsAccepted, AuditOutcome.Success)
        { Target = Target(application), UnitCode = form.UnitCode, Detail = $"version={TermsOfUse.Version}" });
        await SaveAsync();
        return Outcome<ApplicationStatusView>.Ok(Status(application));
    }

    /// <summary>The state of an application, by its number; a number that is not well formed is refused before any lookup.</summary>
    public async Task<Outcome<ApplicationStatusView>> StatusAsync(string? number)
    {
        var application = await FindAsync(number);
        if (application is null)
        {
            return NotFound<ApplicationStatusView>();
        }

        // Server-made keys still waiting for the applicant (serials only: the file itself is collected once, by its own route).
        var collectable = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.ApplicationId == application.Id && c.PendingPkcs12Sealed != null && c.RevokedAt == null)
            .OrderBy(c => c.Id).Select(c => c.SerialNumber).ToListAsync();
        return Outcome<ApplicationStatusView>.Ok(Status(application) with { CollectableSerials = collectable });
    }

    /// <summary>The forms to print, sign and seal, pre-filled: only the applicant's own right after submitting, or the center's staff.</summary>
    public async Task<(byte[]? Pdf, string? Number)> FormsAsync(string? number)
    {
        var application = await FindAsync(number);
        return application is null ? (null, null) : (Documents.CredentialForms.Render(Open(application), application.Number,
            ProvincialTime.DateOf(application.SubmittedAt)), application.Number);
    }

    public async Task<Outcome<ApplicationStatusView>> UploadScanAsync(string? number, AttachmentUpload scan)
    {
        var application = await FindAsync(number);
        if (application is null)
        {
            return NotFound<ApplicationStatusView>();
        }

        if (application.State is not (ApplicationState.Submitted or ApplicationState.ScanUploaded))
        {
            return Outcome<ApplicationStatusView>.Conflict("application.state", $"申请当前状态为“{ApplicationReview.Label(application.State)}”，不能再更换扫描件");
        }

        if (attachments.Check(scan, "scan") is { } error)
        {
            return Outcome<ApplicationStatusView>.Invalid(error);
        }

        await attachments.SaveAsync([scan], async stored =>
        {
            var file = stored[0];
            application.ScanFileName = file.FileName;
            application.ScanContentType = file.ContentType;
            application.ScanSize = file.Size;
            application.ScanSha256 = file.Sha256;
            application.ScanStoredName = file.StoredName;
            application.ScanUploadedAt = time.GetUtcNow();
            application.State = ApplicationState.ScanUploaded;
            audit.Stage(db, new AuditRecord(AuditEvent.Credential_ScanUploaded, AuditOutcome.Success)
            { Target = Target(application), UnitCode = application.UnitCode, Detail = $"sha256={file.Sha256};type={file.ContentType}" });
            await db.SaveChangesAsync();
        });
        await audit.ChainPendingAsync();
        return Outcome<ApplicationStatusView>.Ok(Status(application));
    }

    public async Task<IReadOnlyList<ApplicationSummary>> ListAsync(ApplicationState? state = null)
    {
        var query = db.CredentialApplications.AsNoTracking();
        if (state is { } s)
        {
            query = query.Where(a => a.State == s);
        }

        var now = time.GetUtcNow();
        var rows = await query.OrderByDescending(a => a.Id).Take(500).ToListAsync();
        return [.. rows.Select(a => new ApplicationSummary(a.Number, StateName(a.State), ApplicationReview.Label(a.State), a.OrganisationName, a.UnitCode,
            a.AccountName, a.Quantity, a.SubmittedAt, now - a.SubmittedAt))];
    }

    /// <summary>The whole application with its personal data, for the center's credential staff; the reading is audited.</summary>
    public async Task<Outcome<ApplicationView>> ViewAsync(string? number)
    {
        var application = await FindAsync(number);
        if (application is null)
        {
            return NotFound<ApplicationView>();
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_CredentialApplicationViewed, AuditOutcome.Success) { Target = Target(application), UnitCode = application.UnitCode });
        return Outcome<ApplicationView>.Ok(await ViewOfAsync(application));
    }

    /// <summary>受理意见 (附1 §3): a 证书业务操作员 who is neither the applicant nor of the applying unit agrees or refuses, with a reason.</summary>
    public async Task<Outcome<ApplicationView>> AcceptAsync(ClaimsPrincipal actor, string? number, ReviewDecision decision)
    {
        var application = await FindAsync(number);
        if (application is null)
        {
            return NotFound<ApplicationView>();
        }

        var refusal = ApplicationReview.CheckAcceptance(application.State, Reviewer(actor), application.SubmittedBy, application.UnitCode)
            ?? OpinionError(decision);
        if (refusal is not null)
        {
            return await RefusedAsync<ApplicationView>(application, refusal, "accept");
        }

        application.State = decision.Agree ? ApplicationState.Accepted : ApplicationState.Refused;
        application.AcceptedBy = actor.Actor();
        application.AcceptedAt = time.GetUtcNow();
        application.AcceptanceOpinion = decision.Opinion?.Trim() is { Length: > 0 } opinion ? opinion : "同意";
        audit.Stage(db, new AuditRecord(decision.Agree ? AuditEvent.Credential_ApplicationAccepted : AuditEvent.Credential_ApplicationRefused, AuditOutcome.Success)
        { Target = Target(application), UnitCode = application.UnitCode, Detail = application.AcceptanceOpinion });
        await SaveAsync();
        return Outcome<ApplicationView>.Ok(await ViewOfAsync(application));
    }

    /// <summary>
    /// 审核: a second person approves (the account is created, or the existing one of the same unit gets the roles) or
    /// rejects. Two distinct people took the two steps, so the account change needs no further approval.
    /// </summary>
    public async Task<Outcome<ApprovalResult>> ApproveAsync(ClaimsPrincipal actor, string? number, ReviewDecision decision)
    {
        var application = await FindAsync(number);
        if (application is null)
        {
            return NotFound<ApprovalResult>();
        }

        var refusal = ApplicationReview.CheckApproval(application.State, Reviewer(actor), application.SubmittedBy, application.UnitCode, application.AcceptedBy)
            ?? OpinionError(decision);
        if (refusal is not null)
        {
            return await RefusedAsync<ApprovalResult>(application, refusal, "approve");
        }

        application.ApprovedBy = actor.Actor();
        application.ApprovedAt = time.GetUtcNow();
        application.ApprovalOpinion = decision.Opinion?.Trim() is { Length: > 0 } opinion ? opinion : decision.Agree ? "审核通过" : null;
        if (!decision.Agree)
        {
            application.State = ApplicationState.Rejected;
            audit.Stage(db, new AuditRecord(AuditEvent.Credential_ApplicationRejected, AuditOutcome.Success)
            { Target = Target(application), UnitCode = application.UnitCode, Detail = application.ApprovalOpinion });
            await SaveAsync();
            return Outcome<ApprovalResult>.Ok(new ApprovalResult(await ViewOfAsync(application), null));
        }

        var roles = application.Roles.Split('、', StringSplitOptions.RemoveEmptyEntries).ToList();
        var records = new List<AuditRecord>();
        string? initialPassword = null;
        await using var transaction = await db.Database.BeginTransactionAsync();
        var existing = await users.FindByNameAsync(application.AccountName);
        if (existing is null)
        {
            var (account, errors) = await accounts.CheckNewAsync(new NewAccount(application.AccountName, protector.Unprotect(application.UserNameSealed),
                application.UnitId ?? 0, roles));
            if (account is null)
            {
                await transaction.RollbackAsync();
                return Outcome<ApprovalResult>.Invalid(errors);
            }

            var created = await accounts.ApplyCreateAsync(account, records);
            if (!created.IsOk)
            {
                await transaction.RollbackAsync();
                return Outcome<ApprovalResult>.Invalid(created.Errors);
            }

            application.StaffUserId = created.Value!.Account.Id;
            initialPassword = created.Value.InitialPassword;
        }
        else if (existing.UnitId != application.UnitId)
        {
            await transaction.RollbackAsync();
            return Outcome<ApprovalResult>.Conflict("application.account_taken", "该账号已属于其他单位，不能按此申请授权");
        }
        else
        {
            var wanted = (await users.GetRolesAsync(existing)).Union(roles).ToList();
            var (user, checkedRoles, refused) = await accounts.CheckRolesChangeAsync(actor, existing.Id, wanted);
            if (refused is not null)
            {
                await transaction.RollbackAsync();
                return Outcome<ApprovalResult>.Invalid(refused.Errors.Count > 0 ? refused.Errors : [new FieldError("roles", refused.Code ?? "roles", refused.Message ?? "")]);
            }

            var changed = await accounts.ApplyRolesAsync(user!, checkedRoles, records);
            if (!changed.IsOk)
            {
                await transaction.RollbackAsync();
                return Outcome<ApprovalResult>.Invalid(changed.Errors);
            }

            application.StaffUserId = existing.Id;
        }

        application.State = ApplicationState.Approved;
        foreach (var record in records)
        {
            audit.Stage(db, record);
        }

        audit.Stage(db, new AuditRecord(AuditEvent.Credential_ApplicationApproved, AuditOutcome.Success)
        { Target = Target(application), UnitCode = application.UnitCode, Detail = $"account={application.AccountName};roles={application.Roles}" });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await audit.ChainPendingAsync();
        return Outcome<ApprovalResult>.Ok(new ApprovalResult(await ViewOfAsync(application), initialPassword));
    }

    /// <summary>
    /// Signs the token's PKCS#10 request for an approved application: the request proves its key, the key is strong
    /// enough, the subject names the approved user and organisation. The certificate is bound to the account.
    /// </summary>
    public async Task<Outcome<IssuedFromRequest>> IssueFromRequestAsync(ClaimsPrincipal actor, string? number, string? csr)
    {
        var application = await FindAsync(number);
        if (application is null)
        {
            return NotFound<IssuedFromRequest>();
        }

        if (application.State != ApplicationState.Approved || application.StaffUserId is null)
        {
            return await RequestRefusedAsync(application, new FieldError("state", "application.state", $"申请当前状态为“{ApplicationReview.Label(application.State)}”，不能签发证书"));
        }

        var (request, error) = SigningRequestCheck.Parse(csr);
        var userName = protector.Unprotect(application.UserNameSealed);
        error ??= SigningRequestCheck.CheckSubject(request!.Request, userName, application.OrganisationName);
        if (error is not null)
        {
            return await RequestRefusedAsync(application, error);
        }

        var unit = await db.Units.FirstAsync(u => u.Id == application.UnitId);
        var now = time.GetUtcNow();
        var from = now.AddMinutes(-5);
        using var certificate = ca.SignPersonCertificate(request!.Request, unit, userName, application.AccountName, from, from.AddMonths(application.ValidityMonths));
        var record = new IssuedCertificate
        {
            SerialNumber = certificate.SerialNumber,
            Thumbprint = CertificateAuthority.Thumbprint(certificate),
            UnitId = unit.Id,
            Purpose = CertificatePurpose.Person,
            Subject = certificate.Subject,
            NotBefore = certificate.NotBefore.ToUniversalTime(),
            NotAfter = certificate.NotAfter.ToUniversalTime(),
            ValidityMonths = application.ValidityMonths,
            IssuedAt = now,
            IssuedBy = actor.Actor(),
            StaffUserId = application.StaffUserId,
            ApplicationId = application.Id,
            ReplacesSerial = application.ReplacesSerial,
            KeyFromRequest = true,
        };
        await RecordIssuanceAsync(actor, application, record, now, new AuditRecord(AuditEvent.Credential_IssuedFromRequest, AuditOutcome.Success)
        {
            Target = $"certificate:{record.SerialNumber}",
            UnitCode = application.UnitCode,
            Detail = $"application={application.Number};account={application.AccountName};key={request.KeyDescription};months={application.ValidityMonths}",
        });
        return Outcome<IssuedFromRequest>.Ok(new IssuedFromRequest(IssuedCertificateView.From(record, now), certificate.ExportCertificatePem()));
    }

    /// <summary>
    /// Issuance without a token, for a server, a gateway or a person without a U-key: the platform makes the key and
    /// keeps the PKCS#12, encrypted under a one-time PIN, for the applicant to collect once with the application number.
    /// The PIN is in this answer only, to the approver, and is stored nowhere.
    /// </summary>
    public async Task<Outcome<IssuedWithServerKey>> IssueServerKeyAsync(ClaimsPrincipal actor, string? number, string? purposeName)
    {
        var application = await FindAsync(number);
        if (application is null)
        {
            return NotFound<IssuedWithServerKey>();
        }

        var refusal = ServerKeyIssuance.CheckIssuer(application.State, Reviewer(actor), application.ApprovedBy)
            ?? (application.StaffUserId is null ? new FieldError("state", "application.state", "申请尚未开通账号，不能签发证书") : null);
        if (ServerKeyIssuance.ParsePurpose(purposeName) is not { } purpose)
        {
            refusal ??= new FieldError("purpose", "credential.purpose", "用途只能为 person（个人）、system（单位业务系统）或 gateway（前置机）");
            purpose = ServerKeyPurpose.Person;
        }

        if (refusal is not null)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Credential_RequestRefused, AuditOutcome.Refused)
            { Target = Target(application), UnitCode = application.UnitCode, Detail = $"server_key;{refusal.Code}" });
            return refusal.Field switch
            {
                "actor" => Outcome<IssuedWithServerKey>.Forbidden(refusal.Code, refusal.Message),
                "state" => Outcome<IssuedWithServerKey>.Conflict(refusal.Code, refusal.Message),
                _ => Outcome<IssuedWithServerKey>.Invalid(refusal),
            };
        }

        var unit = await db.Units.FirstAsync(u => u.Id == application.UnitId);
        var now = time.GetUtcNow();
        var from = now.AddMinutes(-5);
        var to = from.AddMonths(application.ValidityMonths);
        var (certificate, key) = purpose == ServerKeyPurpose.Person
            ? ca.SignPersonCertificateWithNewKey(unit, protector.Unprotect(application.UserNameSealed), application.AccountName, from, to)
            : ca.SignClientCertificate(unit, from, to, purpose == ServerKeyPurpose.Gateway ? CertificatePurpose.Gateway : CertificatePurpose.System);
        using (certificate)
        using (key)
        using (var withKey = certificate.CopyWithPrivateKey(key))
        {
            var pin = ServerKeyIssuance.NewPin();
            // PBES2 with AES-256 and SHA-256: the default PKCS#12 export still uses 3DES and SHA-1 for the key bag.
            var pkcs12 = withKey.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, pin);
            var record = new IssuedCertificate
            {
                SerialNumber = certificate.SerialNumber,
                Thumbprint = CertificateAuthority.Thumbprint(certificate),
                UnitId = unit.Id,
                Purpose = purpose switch
                {
                    ServerKeyPurpose.Person => CertificatePurpose.Person,
                    ServerKeyPurpose.Gateway => CertificatePurpose.Gateway,
                    _ => CertificatePurpose.System,
                },
                Subject = certificate.Subject,
                NotBefore = certificate.NotBefore.ToUniversalTime(),
                NotAfter = certificate.NotAfter.ToUniversalTime(),
                ValidityMonths = application.ValidityMonths,
                IssuedAt = now,
                IssuedBy = actor.Actor(),
                StaffUserId = purpose == ServerKeyPurpose.Person ? application.StaffUserId : null,
                ApplicationId = application.Id,
                KeyFromRequest = false,
                PendingPkcs12Sealed = protector.Protect(Convert.ToBase64String(pkcs12)),
            };
            await RecordIssuanceAsync(actor, application, record, now, new AuditRecord(AuditEvent.Credential_IssuedServerKey, AuditOutcome.Success)
            {
                Target = $"certificate:{record.SerialNumber}",
                UnitCode = application.UnitCode,
                Detail = $"application={application.Number};account={application.AccountName};purpose={purpose.ToString().ToLowerInvariant()};key={key.Algorithm};" +
                    $"months={application.ValidityMonths}",
            });
            return Outcome<IssuedWithServerKey>.Ok(new IssuedWithServerKey(IssuedCertificateView.From(record, now), ServerKeyIssuance.Label(purpose), pin,
                $"/api/v1/credential-applications/{application.Number}/certificates/{record.SerialNumber}/pkcs12"));
        }
    }

    /// <summary>
    /// The applicant collects a server-made key once: the file goes out and is deleted in one conditional update, so two
    /// downloads at once end with one file handed out and one audit entry.
    /// </summary>
    public async Task<Outcome<CollectedPkcs12>> CollectPkcs12Async(string? number, string serial, string? clientIp)
    {
        var application = await FindAsync(number);
        if (application is null)
        {
            return NotFound<CollectedPkcs12>();
        }

        var canonical = serial.Trim().ToUpperInvariant();
        var row = await db.IssuedCertificates.AsNoTracking().Where(c => c.SerialNumber == canonical && c.ApplicationId == application.Id)
            .Select(c => new { c.Id, c.PendingPkcs12Sealed, c.Pkcs12CollectedAt, c.KeyFromRequest, c.RevokedAt }).FirstOrDefaultAsync();
        if (row is null || row.KeyFromRequest)
        {
            return Outcome<CollectedPkcs12>.NotFound("certificate.not_found", "该申请下没有此序列号的服务器生成证书");
        }

        if (row.PendingPkcs12Sealed is null)
        {
            return Outcome<CollectedPkcs12>.Conflict("pkcs12.collected", $"证书文件已于 {ProvincialTime.ToBeijing(row.Pkcs12CollectedAt):yyyy-MM-dd HH:mm} 领取，只能领取一次；如未收到，请申请注销后重新签发");
        }

        if (row.RevokedAt is not null)
        {
            return Outcome<CollectedPkcs12>.Conflict("pkcs12.revoked", "该证书已注销，不能再领取");
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var taken = await db.IssuedCertificates.Where(c => c.Id == row.Id && c.PendingPkcs12Sealed != null).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.PendingPkcs12Sealed, (string?)null)
            .SetProperty(c => c.Pkcs12CollectedAt, now));
        if (taken == 0)
        {
            await transaction.RollbackAsync();
            return Outcome<CollectedPkcs12>.Conflict("pkcs12.collected", "证书文件已被领取，只能领取一次");
        }

        audit.Stage(db, new AuditRecord(AuditEvent.Credential_Pkcs12Collected, AuditOutcome.Success)
        { Target = $"certificate:{canonical}", UnitCode = application.UnitCode, Detail = $"application={application.Number};ip={clientIp ?? "-"}" });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await audit.ChainPendingAsync();
        return Outcome<CollectedPkcs12>.Ok(new CollectedPkcs12(canonical, Convert.FromBase64String(protector.Unprotect(row.PendingPkcs12Sealed))));
    }

    /// <summary>
    /// Stores a certificate issued under the application and moves it on; the first one also carries out the personnel
    /// change the application asks for (a person's certificate replaces a person's U-key), all in one transaction.
    /// </summary>
    private async Task RecordIssuanceAsync(ClaimsPrincipal actor, CredentialApplication application, IssuedCertificate record, DateTimeOffset now, AuditRecord entry)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var issuedBefore = await db.IssuedCertificates.CountAsync(c => c.ApplicationId == application.Id);
        db.IssuedCertificates.Add(record);
        if (issuedBefore + 1 >= application.Quantity)
        {
            application.State = ApplicationState.Issued;
        }

        audit.Stage(db, entry);
        if (issuedBefore == 0 && application.ReplacesSerial is not null && record.Purpose == CertificatePurpose.Person)
        {
            await StagePersonnelChangeAsync(actor, application, record, now);
        }

        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await audit.ChainPendingAsync();
    }

    /// <summary>
    /// Art. 16 as one change, in the transaction that issues the newcomer's certificate: the replaced U-key is cancelled
    /// with its 附3 reason (effective on the very next request), and when it belonged to another account — a person who
    /// left the post — that account is suspended and its sessions ended. A new computer keeps the account.
    /// </summary>
    private async Task StagePersonnelChangeAsync(ClaimsPrincipal actor, CredentialApplication application, IssuedCertificate issued, DateTimeOffset now)
    {
        var replaced = await ReplaceableAsync(application.ReplacesSerial!, application.UnitId ?? 0);
        var reason = application.ReplacementReason ?? CancellationReason.UserInformationChanged;
        var code = CancellationReasons.RevocationReason(reason, reissued: true);
        var text = application.ReplacementReasonText is { Length: > 0 } t ? $"{CancellationReasons.Label(reason)}：{t}" : CancellationReasons.Label(reason);
        var cancelled = replaced is not null
            && await CertificateService.MarkRevokedAsync(db, replaced.Id, now, actor.Actor(), $"{text}（由证书 {issued.SerialNumber} 接替）", code) > 0;
        string? suspended = null;
        if (cancelled && replaced!.StaffUserId is { } leaverId && leaverId != application.StaffUserId)
        {
            suspended = await db.Users.Where(u => u.Id == leaverId).Select(u => u.UserName).FirstOrDefaultAsync();
            await db.Users.Where(u => u.Id == leaverId).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsSuspended, true));
            var ended = await db.StaffSessions.Where(x => x.UserId == leaverId && x.EndedAt == null)
                .ExecuteUpdateAsync(x => x.SetProperty(v => v.EndedAt, now).SetProperty(v => v.EndReason, "personnel_change"));
            audit.Stage(db, new AuditRecord(AuditEvent.Account_Suspended, AuditOutcome.Success)
            { Target = $"account:{suspended}", UnitCode = application.UnitCode, Detail = $"personnel_change={application.Number};sessions_ended={ended}" });
        }

        audit.Stage(db, new AuditRecord(AuditEvent.Credential_PersonnelChanged, AuditOutcome.Success)
        {
            Target = $"certificate:{application.ReplacesSerial}",
            UnitCode = application.UnitCode,
            Detail = $"application={application.Number};new={issued.SerialNumber};old={application.ReplacesSerial};cancelled={(cancelled ? "yes" : "already")};" +
                $"reason={reason.ToString().ToLowerInvariant()};code={(int)code};leaver_suspended={suspended ?? "-"}",
        });
        issued.ReplacesSerial = application.ReplacesSerial;
    }

    /// <summary>
    /// Records once how an issued U-key of this application was handed over (附1 接收方式); a revoked one is not handed
    /// over. The conditional update makes two clerks recording at once end with one record and one audit entry.
    /// </summary>
    public async Task<Outcome<UKeyDeliveryView>> RecordDeliveryAsync(ClaimsPrincipal actor, string? number, string serial, DeliveryRecord input)
    {
        var application = await FindAsync(number);
        if (application is null)
        {
            return NotFound<UKeyDeliveryView>();
        }

        var canonical = serial.Trim().ToUpperInvariant();
        var certificate = await db.IssuedCertificates.AsNoTracking().FirstOrDefaultAsync(c => c.SerialNumber == canonical && c.ApplicationId == application.Id);
        if (certificate is null)
        {
            return Outcome<UKeyDeliveryView>.NotFound("certificate.not_found", "该申请下没有此序列号的证书");
        }

        var (record, errors) = DeliveryRules.Check(input);
        if (errors.Count > 0)
        {
            return Outcome<UKeyDeliveryView>.Invalid(errors);
        }

        if (certificate.RevokedAt is not null)
        {
            return Outcome<UKeyDeliveryView>.Conflict("delivery.revoked", "该证书已注销，不能再交付");
        }

        var now = time.GetUtcNow();
        var by = actor.Actor();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var changed = await db.IssuedCertificates.Where(c => c.Id == certificate.Id && c.DeliveredAt == null).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.TrackingNumber, record.TrackingNumber)
            .SetProperty(c => c.CollectedBy, record.CollectedBy)
            .SetProperty(c => c.CollectorIdChecked, record.CollectorIdChecked)
            .SetProperty(c => c.DeliveredAt, now)
            .SetProperty(c => c.DeliveryRecordedBy, by));
        if (changed == 0)
        {
            await transaction.RollbackAsync();
            return Outcome<UKeyDeliveryView>.Conflict("delivery.already_recorded", "该U-key的交付已登记");
        }

        var method = record.Method == DeliveryMethod.Post ? "post" : "collect";
        audit.Stage(db, new AuditRecord(AuditEvent.Credential_Delivered, AuditOutcome.Success)
        {
            Target = $"certificate:{canonical}",
            UnitCode = application.UnitCode,
            Detail = $"application={application.Number};method={method};asked={(application.Delivery == DeliveryMethod.Post ? "post" : "collect")};" +
                (record.Method == DeliveryMethod.Post ? $"tracking={record.TrackingNumber}" : "id_checked=yes"),
        });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await audit.ChainPendingAsync();
        return Outcome<UKeyDeliveryView>.Ok(new UKeyDeliveryView(canonical, method, record.TrackingNumber, record.CollectedBy, record.CollectorIdChecked, now, by));
    }

    public static string StateName(ApplicationState state) => state switch
    {
        ApplicationState.Submitted => "submitted",
        ApplicationState.ScanUploaded => "scan_uploaded",
        ApplicationState.Accepted => "accepted",
        ApplicationState.Refused => "refused",
        ApplicationState.Approved => "approved",
        ApplicationState.Issued => "issued",
        ApplicationState.Rejected => "rejected",
        _ => "unknown",
    };

    private async Task<CredentialApplication?> FindAsync(string? number) =>
        ApplicationNumber.Parse(number) is { } canonical ? await db.CredentialApplications.FirstOrDefaultAsync(a => a.Number == canonical) : null;

    private static Outcome<T> NotFound<T>() => Outcome<T>.NotFound("application.not_found", "申请编号不存在，请核对编号（如 UK20261201-XXXXXXXXXX-X）");

    /// <summary>Why a review decision is incomplete (a refusal needs its reason), or null; shared by every 受理 and 审核.</summary>
    internal static FieldError? OpinionError(ReviewDecision decision) =>
        !decision.Agree && string.IsNullOrWhiteSpace(decision.Opinion) ? new FieldError("opinion", "application.opinion_required", "不同意时须填写理由")
        : decision.Opinion is { Length: > 500 } ? new FieldError("opinion", "application.opinion_too_long", "意见不能超过500字")
        : null;

    private async Task<Outcome<T>> RefusedAsync<T>(CredentialApplication application, FieldError refusal, string step)
    {
        await audit.WriteAsync(new AuditRecord(AuditEvent.Credential_ReviewRefused, AuditOutcome.Refused)
        { Target = Target(application), UnitCode = application.UnitCode, Detail = $"step={step};{refusal.Code}" });
        return refusal.Field is "actor" ? Outcome<T>.Forbidden(refusal.Code, refusal.Message)
            : refusal.Field is "state" ? Outcome<T>.Conflict(refusal.Code, refusal.Message)
            : Outcome<T>.Invalid(refusal);
    }

    private async Task<Outcome<IssuedFromRequest>> RequestRefusedAsync(CredentialApplication application, FieldError error)
    {
        await audit.WriteAsync(new AuditRecord(AuditEvent.Credential_RequestRefused, AuditOutcome.Refused)
        { Target = Target(application), UnitCode = application.UnitCode, Detail = error.Code });
        return error.Field == "state" ? Outcome<IssuedFromRequest>.Conflict(error.Code, error.Message) : Outcome<IssuedFromRequest>.Invalid(error);
    }

    internal static Reviewer Reviewer(ClaimsPrincipal actor) =>
        new(actor.Actor(), actor.UnitCode(), [.. Core.Accounts.StaffRoles.All.Where(actor.IsInRole)],
            // A person's sign-in carries a staff session; a certificate or any other service identity does not.
            IsHuman: actor.UserId() is not null && actor.SessionId() is not null);

    private static ApplicationStatusView Status(CredentialApplication a) =>
        new(a.Number, StateName(a.State), ApplicationReview.Label(a.State), a.OrganisationName, a.SubmittedAt, a.ScanUploadedAt is not null, a.AcceptedAt,
            a.ApprovedAt, a.State is ApplicationState.Refused ? a.AcceptanceOpinion : a.State is ApplicationState.Rejected ? a.ApprovalOpinion : null);

    private CredentialApplicationForm Open(CredentialApplication a) => new()
    {
        OrganisationName = a.OrganisationName,
        UnitCode = a.UnitCode,
        Address = a.Address,
        PostalCode = a.PostalCode,
        UserName = protector.Unprotect(a.UserNameSealed),
        OfficePhone = protector.Unprotect(a.OfficePhoneSealed),
        Mobile = protector.Unprotect(a.MobileSealed),
        Email = protector.Unprotect(a.EmailSealed),
        IdType = a.IdType,
        IdNumber = protector.Unprotect(a.IdNumberSealed),
        Quantity = a.Quantity,
        ValidityMonths = a.ValidityMonths,
        Delivery = a.Delivery,
        AgentName = protector.Unprotect(a.AgentNameSealed),
        AgentDepartment = a.AgentDepartment,
        AgentPhone = protector.Unprotect(a.AgentPhoneSealed),
        AgentMobile = protector.Unprotect(a.AgentMobileSealed),
        AgentEmail = protector.Unprotect(a.AgentEmailSealed),
        AccountName = a.AccountName,
        Roles = a.Roles.Split('、', StringSplitOptions.RemoveEmptyEntries),
        AcceptedTermsVersion = a.TermsVersion,
        Replaces = a.ReplacesSerial is null ? null : new CertificateReplacement
        {
            HolderName = a.ReplacedHolderNameSealed is { } name ? protector.Unprotect(name) : "",
            HolderPhone = a.ReplacedHolderPhoneSealed is { } phone ? protector.Unprotect(phone) : "",
            SerialNumber = a.ReplacesSerial,
            Reason = a.ReplacementReason ?? CancellationReason.UserInformationChanged,
            ReasonText = a.ReplacementReasonText,
        },
    };

    /// <summary>The unit's certificate of that serial while it is still good (a change replaces only a live U-key).</summary>
    private Task<IssuedCertificate?> ReplaceableAsync(string serial, int unitId) =>
        db.IssuedCertificates.AsNoTracking().FirstOrDefaultAsync(c => c.SerialNumber == serial && c.UnitId == unitId && c.RevokedAt == null);

    private async Task<ApplicationView> ViewOfAsync(CredentialApplication a)
    {
        var now = time.GetUtcNow();
        var certificates = await db.IssuedCertificates.AsNoTracking().Where(c => c.ApplicationId == a.Id).OrderBy(c => c.Id).ToListAsync();
        return new ApplicationView(a.Id, a.Number, StateName(a.State), ApplicationReview.Label(a.State), a.UnitId, Open(a), a.SubmittedAt, a.SubmittedBy,
            a.ScanUploadedAt is not null, a.AcceptedBy, a.AcceptedAt, a.AcceptanceOpinion, a.ApprovedBy, a.ApprovedAt, a.ApprovalOpinion, a.StaffUserId,
            [.. certificates.Select(c => IssuedCertificateView.From(c, now))],
            [.. certificates.Where(c => c.DeliveredAt is not null).Select(c => new UKeyDeliveryView(c.SerialNumber, c.TrackingNumber is null ? "collect" : "post",
                c.TrackingNumber, c.CollectedBy, c.CollectorIdChecked, c.DeliveredAt!.Value, c.DeliveryRecordedBy ?? ""))]);
    }

    private async Task SaveAsync()
    {
        await db.SaveChangesAsync();
        await audit.ChainPendingAsync();
    }

    private static string Target(CredentialApplication a) => $"application:{a.Number}";
}
