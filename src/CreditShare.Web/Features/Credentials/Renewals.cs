using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core;
using CreditShare.Core.Contract;
using CreditShare.Core.Credentials;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Credentials;

public sealed record Renewed(IssuedCertificateView Certificate, string CertificatePem, DateTimeOffset OldRevokedAfter);

/// <summary>
/// Renewal (附4, art. 16): a new certificate for the same account or unit, from a new key's request signed with the
/// old key; the old certificate stays good for the overlap and is then revoked as superseded. A gateway renews its
/// own certificate this way before it expires; the center renews a person's U-key the same way.
/// </summary>
public sealed class Renewals(AppDbContext db, CertificateAuthority ca, AuditWriter audit, IOptions<CredentialOptions> options, TimeProvider time)
{
    // presented: the old certificate as the caller holds it, from the TLS connection or from the body.
    public async Task<Outcome<Renewed>> RenewAsync(ClaimsPrincipal actor, string oldSerial, RenewalRequest body, X509Certificate2? presented)
    {
        var serial = oldSerial.ToUpperInvariant();
        var old = await db.IssuedCertificates.FirstOrDefaultAsync(c => c.SerialNumber == serial);
        if (old is null)
        {
            return Outcome<Renewed>.NotFound("certificate.not_found", "证书不存在");
        }

        var now = time.GetUtcNow();
        var refusal = old switch
        {
            { RevokedAt: not null } => new FieldError("serial", "renewal.revoked", "该证书已注销，不能凭它更换：请重新申请"),
            _ when old.NotAfter <= now => new FieldError("serial", "renewal.expired", "该证书已过期，不能凭它更换：请重新申请"),
            { RenewedBySerial: not null } => new FieldError("serial", "renewal.already_renewed", $"该证书已更换为 {old.RenewedBySerial}"),
            _ => null,
        };
        var (request, error) = refusal is null ? SigningRequestCheck.Parse(body.Csr) : (null, refusal);
        if (error is null && !ProofHolds(old, presented, request!, body.Proof))
        {
            error = new FieldError("proof", "renewal.proof", "缺少或无效的持有证明：须用原证书的私钥对新证书请求（DER）签名");
        }

        var unit = await db.Units.FirstAsync(u => u.Id == old.UnitId);
        if (error?.Code == "renewal.already_renewed" && await ReplayAsync(old, unit.Uscc, body, presented, now) is { } replayed)
        {
            return Outcome<Renewed>.Ok(replayed);
        }

        if (error is null && old.Purpose != CertificatePurpose.Person)
        {
            // A unit's system or gateway: the request names the unit by its USCC, as the old certificate does.
            error = SigningRequestCheck.CheckSubject(request!.Request, unit.Uscc, unit.Name);
        }

        if (error is not null)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Credential_RenewalRefused, AuditOutcome.Refused) { Target = $"certificate:{serial}", UnitCode = unit.Uscc, Detail = error.Code });
            return error.Code is "renewal.revoked" or "renewal.expired" or "renewal.already_renewed"
                ? Outcome<Renewed>.Conflict(error.Code, error.Message)
                : Outcome<Renewed>.Invalid(error);
        }

        var from = now.AddMinutes(-5);
        var to = from.AddMonths(old.ValidityMonths);
        using var certificate = old.Purpose == CertificatePurpose.Person
            ? ca.SignPersonCertificate(request!.Request, unit, RenewalRegistrations.HolderName(old.Subject), AccountName(old), from, to)
            : ca.SignUnitRenewal(request!.Request, unit, old.Purpose, from, to);
        var renewed = new IssuedCertificate
        {
            SerialNumber = certificate.SerialNumber,
            Thumbprint = CertificateAuthority.Thumbprint(certificate),
            UnitId = old.UnitId,
            Purpose = old.Purpose,
            Subject = certificate.Subject,
            NotBefore = certificate.NotBefore.ToUniversalTime(),
            NotAfter = certificate.NotAfter.ToUniversalTime(),
            ValidityMonths = old.ValidityMonths,
            IssuedAt = now,
            IssuedBy = actor.Actor(),
            StaffUserId = old.StaffUserId,
            ApplicationId = old.ApplicationId,
            ReplacesSerial = old.SerialNumber,
            KeyFromRequest = true,
            CertificatePem = certificate.ExportCertificatePem(),
            PublicKeySha256 = IssuedCertificate.KeyHash(certificate.PublicKey),
        };
        // Never later than the old certificate's own end.
        var revokeAfter = Min(now.AddDays(options.Value.RenewalOverlapDays), old.NotAfter);
        await using var transaction = await db.Database.BeginTransactionAsync();
        // Two renewals of one certificate at once (two clerks, a gateway retrying on two threads): the first to mark the
        // old certificate wins, the other is refused as renewed; a plain read-then-write would let both issue.
        var marked = await db.IssuedCertificates.Where(c => c.Id == old.Id && c.RenewedBySerial == null && c.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RenewedBySerial, renewed.SerialNumber).SetProperty(c => c.RevokeAfter, revokeAfter));
        if (marked == 0)
        {
            await transaction.RollbackAsync();
            await audit.WriteAsync(new AuditRecord(AuditEvent.Credential_RenewalRefused, AuditOutcome.Refused)
            { Target = $"certificate:{serial}", UnitCode = unit.Uscc, Detail = "renewal.already_renewed;concurrent" });
            return Outcome<Renewed>.Conflict("renewal.already_renewed", "该证书刚刚已被更换，请刷新后查看新证书");
        }

        db.IssuedCertificates.Add(renewed);
        // 附4: the line of an accepted registration that names this U-key is closed with the renewal.
        var registration = old.Purpose == CertificatePurpose.Person ? await RenewalRegistrations.CloseLineAsync(db, old.SerialNumber, renewed.SerialNumber, now) : null;
        audit.Stage(db, new AuditRecord(AuditEvent.Credential_Renewed, AuditOutcome.Success)
        {
            Target = $"certificate:{renewed.SerialNumber}",
            UnitCode = unit.Uscc,
            Detail = $"replaces={old.SerialNumber};old_revoked_after={revokeAfter:O};key={request.KeyDescription}" + (registration is null ? "" : $";registration={registration}"),
        });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await audit.ChainPendingAsync();
        return Outcome<Renewed>.Ok(new Renewed(IssuedCertificateView.From(renewed, now), renewed.CertificatePem, revokeAfter));
    }

    /// <summary>
    /// The retry of a renewal whose answer was lost (a crash or the network after we issued): the same new key, proven
    /// again with the old one, gets the certificate already issued for it, and nothing new is issued. Anything else
    /// (another key, no valid proof, the new certificate revoked or not kept) is null: the caller refuses as renewed.
    /// </summary>
    private async Task<Renewed?> ReplayAsync(IssuedCertificate old, string unitCode, RenewalRequest body, X509Certificate2? presented, DateTimeOffset now)
    {
        var (request, error) = SigningRequestCheck.Parse(body.Csr);
        if (error is not null || old.RevokeAfter is not { } oldRevokedAfter)
        {
            return null;
        }

        var renewed = await db.IssuedCertificates.FirstOrDefaultAsync(c => c.SerialNumber == old.RenewedBySerial);
        if (renewed is not { RevokedAt: null, CertificatePem: { } pem, PublicKeySha256: { } keyHash }
            || keyHash != IssuedCertificate.KeyHash(request!.Request.PublicKey)
            || !ProofHolds(old, presented, request, body.Proof))
        {
            return null;
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Credential_Renewed, AuditOutcome.Success)
        { Target = $"certificate:{renewed.SerialNumber}", UnitCode = unitCode, Detail = $"replaces={old.SerialNumber};old_revoked_after={oldRevokedAfter:O};replay=yes" });
        return new Renewed(IssuedCertificateView.From(renewed, now), pem, oldRevokedAfter);
    }

    /// <summary>The old key signed the new request: checked with the old certificate, which must be the one we issued (thumbprint).</summary>
    private static bool ProofHolds(IssuedCertificate old, X509Certificate2? presented, CheckedSigningRequest request, string? proof)
    {
        if (presented is null || string.IsNullOrWhiteSpace(proof) || CertificateAuthority.Thumbprint(presented) != old.Thumbprint)
        {
            return false;
        }

        try
        {
            return RenewalProof.Verify(presented, request.Der, Convert.FromBase64String(proof.Trim()));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string AccountName(IssuedCertificate old) =>
        new X500DistinguishedName(old.Subject).EnumerateRelativeDistinguishedNames().Where(n => n.GetSingleElementType().Value == "0.9.2342.19200300.100.1.1")
            .Select(n => n.GetSingleElementValue()).FirstOrDefault() ?? "";

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
