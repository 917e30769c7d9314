using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core;
using CreditShare.Core.Credentials;
using CreditShare.Core.Crypto;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using CreditShare.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Certificates;

public sealed class CertificateAuthorityOptions
{
    /// <summary>PEM certificate of the platform's CA. Kept outside the repository.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of the CA (PKCS#8). Kept outside the repository; readable only by the service account.</summary>
    public string? KeyPath { get; set; }
}

// Gateway: a gateway (前置机) certificate; its requests carry channel "gateway", and only it may send heartbeats.
public sealed record IssueRequest(int UnitId, int ValidityMonths, bool Gateway = false);

public sealed record IssuedCredential(IssuedCertificateView Certificate, string CertificatePem, string PrivateKeyPem, byte[] Pkcs12, string Pkcs12Password);

public sealed record IssuedCertificateView(long Id, string SerialNumber, string Thumbprint, int UnitId, string Subject, DateTimeOffset NotBefore,
    DateTimeOffset NotAfter, int ValidityMonths, DateTimeOffset IssuedAt, string IssuedBy, DateTimeOffset? RevokedAt, string? RevocationReason, string Status,
    string Purpose, string? RevocationCode = null)
{
    public static IssuedCertificateView From(IssuedCertificate c, DateTimeOffset now) =>
        new(c.Id, c.SerialNumber, c.Thumbprint, c.UnitId, c.Subject, c.NotBefore, c.NotAfter, c.ValidityMonths, c.IssuedAt, c.IssuedBy, c.RevokedAt,
            c.RevocationReason, c.RevokedAt is not null ? "revoked" : c.NotAfter < now ? "expired" : "valid", PurposeName(c.Purpose),
            c.RevokedAt is null ? null : RevocationCodeName(c.RevocationCode));

    /// <summary>The RFC 5280 reason the CRL and OCSP give, by its ASN.1 name (<c>keyCompromise</c>, <c>superseded</c>, …).</summary>
    public static string RevocationCodeName(int? code) =>
        System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(((X509RevocationReason)(code ?? 0)).ToString());

    /// <summary>The purpose on the wire: <c>system</c> or <c>gateway</c>.</summary>
    public static string PurposeName(CertificatePurpose purpose) => purpose == CertificatePurpose.Gateway ? "gateway" : "system";

    /// <summary>The purpose in front of people.</summary>
    public static string PurposeLabel(string purpose) => purpose == "gateway" ? "前置机" : "业务系统";
}

/// <summary>
/// The platform's own certificate authority for units' systems and gateways (art. 7, 10). Issuance is a service, so the
/// console page, the CLI and later the U-key workflow all go through the same checks and the same audit.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    public static readonly IReadOnlyList<int> AllowedValidityMonths = [24, 48];

    private readonly X509Certificate2 caWithKey;

    public CertificateAuthority(IOptions<CertificateAuthorityOptions> options)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.CertificatePath) || string.IsNullOrWhiteSpace(o.KeyPath) || !File.Exists(o.CertificatePath) || !File.Exists(o.KeyPath))
        {
            throw new InvalidOperationException(
                "The certificate authority is not configured: set CertificateAuthority:CertificatePath and CertificateAuthority:KeyPath to PEM files outside the repository " +
                "(run with --create-ca to make a new CA).");
        }

        caWithKey = X509Certificate2.CreateFromPemFile(o.CertificatePath, o.KeyPath);
        Certificate = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
        ocspCertificate = new Org.BouncyCastle.X509.X509Certificate(Certificate.RawData);
    }

    // The same CA in BouncyCastle's terms, for OCSP (which .NET does not build); the key is taken when first needed.
    private readonly Org.BouncyCastle.X509.X509Certificate ocspCertificate;
    private Org.BouncyCastle.Crypto.AsymmetricKeyParameter? ocspKey;

    /// <summary>The CA certificate without its key: the trust anchor for client certificate validation.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Makes a new self-signed CA and writes it as PEM; used by the Development seed and by operators once.</summary>
    public static void CreateCa(string certificatePath, string keyPath, string commonName, DateTimeOffset now)
    {
        using var key = Profile.NewCertificateKey(CertificateUse.Authority);
        var request = key.Request(new X500DistinguishedName($"CN={commonName}, O=CreditShare"));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(certificatePath))!);
        File.WriteAllText(certificatePath, ca.ExportCertificatePem());
        KeyFiles.WritePrivate(keyPath, key.ExportPrivateKeyPem());
    }

    /// <summary>A TLS server certificate for the given host names, signed by this CA (Development and tests).</summary>
    public X509Certificate2 IssueServerCertificate(IEnumerable<string> dnsNames, DateTimeOffset now)
    {
        using var key = Profile.NewCertificateKey(CertificateUse.Server);
        var request = key.Request(new X500DistinguishedName("CN=localhost, O=CreditShare"));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var cert = Profile.Issue(request, caWithKey, now.AddDays(-1), now.AddYears(2), RandomSerial());
        return key.Attach(cert);
    }

    /// <summary>
    /// Signs a client certificate for a unit; the unit's USCC is the subject's CN. A gateway's says so in its subject
    /// (OU=前置机), so that whoever holds or logs it can tell; the platform decides by its own record, never the subject.
    /// </summary>
    public (X509Certificate2 Certificate, CertificateKey Key) SignClientCertificate(Unit unit, DateTimeOffset notBefore, DateTimeOffset notAfter,
        CertificatePurpose purpose = CertificatePurpose.System)
    {
        var key = Profile.NewCertificateKey(CertificateUse.Client);
        var request = key.Request(UnitSubject(unit, purpose));
        var certificate = IssueForUnit(request, notBefore, notAfter);
        return (certificate, key);
    }

    /// <summary>
    /// Signs a person's U-key certificate from the token's checked request: the key is the request's, everything else
    /// (subject, extensions) is the CA's own, so nothing the request asks for is taken over. The subject names the
    /// person (CN), the unit (O, and its USCC as OU) and the account (UID), so the holder and a relying party can tell.
    /// </summary>
    public X509Certificate2 SignPersonCertificate(CertificateRequest tokenRequest, Unit unit, string personName, string accountName,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCountryOrRegion("CN");
        subject.AddOrganizationName(unit.Name);
        subject.AddOrganizationalUnitName(unit.Uscc);
        subject.Add("0.9.2342.19200300.100.1.1", accountName, System.Formats.Asn1.UniversalTagNumber.UTF8String);
        subject.AddCommonName(personName);
        var request = new CertificateRequest(subject.Build(), tokenRequest.PublicKey, tokenRequest.HashAlgorithm);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var usage = tokenRequest.PublicKey.Oid.Value == "1.2.840.113549.1.1.1"
            ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment
            : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        return Profile.Issue(request, caWithKey, notBefore, notAfter, RandomSerial());
    }

    /// <summary>
    /// A person's certificate whose key the platform makes (no token at hand): the same subject and extensions as
    /// <see cref="SignPersonCertificate"/>, with the key returned for the one-time PKCS#12.
    /// </summary>
    public (X509Certificate2 Certificate, CertificateKey Key) SignPersonCertificateWithNewKey(Unit unit, string personName, string accountName,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var key = Profile.NewCertificateKey(CertificateUse.Client);
        var request = key.Request(new X500DistinguishedName("CN=request"));
        return (SignPersonCertificate(request, unit, personName, accountName, notBefore, notAfter), key);
    }

    /// <summary>
    /// Signs a renewal for a unit's system or gateway from the request its holder made with a new key: the subject is
    /// the CA's own (as <see cref="SignClientCertificate"/> writes it), the key the request's.
    /// </summary>
    public X509Certificate2 SignUnitRenewal(CertificateRequest holderRequest, Unit unit, CertificatePurpose purpose, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        IssueForUnit(new CertificateRequest(UnitSubject(unit, purpose), holderRequest.PublicKey, holderRequest.HashAlgorithm), notBefore, notAfter);

    /// <summary>The subject of a unit's certificate: its USCC as CN, and OU=前置机 for a gateway's.</summary>
    private static X500DistinguishedName UnitSubject(Unit unit, CertificatePurpose purpose)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCountryOrRegion("CN");
        subject.AddOrganizationName(unit.Name);
        if (purpose == CertificatePurpose.Gateway)
        {
            subject.AddOrganizationalUnitName(GatewayUnitName);
        }

        subject.AddCommonName(unit.Uscc);
        return subject.Build();
    }

    /// <summary>The extensions every unit client certificate carries, and the CA's signature.</summary>
    private X509Certificate2 IssueForUnit(CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        return Profile.Issue(request, caWithKey, notBefore, notAfter, RandomSerial());
    }

    /// <summary>The subject's OU of a gateway certificate.</summary>
    public const string GatewayUnitName = "前置机";

    /// <summary>
    /// A certificate for signing batch receipts (EKU <see cref="Core.Contract.ReceiptDigest.ReceiptSigningOid"/>), with
    /// its key. Its validity starts with the CA's: a replayed answer is signed now for a batch received earlier, and a
    /// verifier checks the signer at the receipt's time.
    /// </summary>
    public X509Certificate2 IssueReceiptSigner(DateTimeOffset notAfter)
    {
        using var key = Profile.NewCertificateKey(CertificateUse.Client);
        var request = key.Request(new X500DistinguishedName($"CN=CreditShare Receipt Signer {Environment.MachineName}, O=CreditShare"));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Core.Contract.ReceiptDigest.ReceiptSigningOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        using var certificate = Profile.Issue(request, caWithKey, Certificate.NotBefore.ToUniversalTime(), notAfter, RandomSerial());
        return key.Attach(certificate);
    }

    /// <summary>A CRL listing every revoked certificate, signed by the CA.</summary>
    public byte[] BuildCrl(IEnumerable<(string SerialHex, DateTimeOffset RevokedAt, X509RevocationReason Reason)> revoked, BigIntegerNumber crlNumber, DateTimeOffset now)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var (serial, at, reason) in revoked)
        {
            // Rows revoked before reasons were recorded have none: unspecified, which RFC 5280 leaves out of the entry.
            builder.AddEntry(Convert.FromHexString(serial), at, reason == X509RevocationReason.Unspecified ? null : reason);
        }

        return Profile.SignCrl(builder, caWithKey, crlNumber.Value, now.AddDays(7), now);
    }

    /// <summary>Whether an OCSP request's certificate ID names this CA as the issuer (name and key hash, in its hash algorithm).</summary>
    public bool IsIssuerOf(Org.BouncyCastle.Ocsp.CertificateID id) => id.MatchesIssuer(ocspCertificate);

    /// <summary>The responder ID of answers signed by the CA itself: its name.</summary>
    public Org.BouncyCastle.Ocsp.RespID OcspResponderId => new(ocspCertificate.SubjectDN);

    /// <summary>
    /// Signs an OCSP basic response with the CA's own key (RFC 6960 §4.2.2.2: the issuer itself may answer, so relying
    /// parties need no separate responder certificate) and wraps it as a successful OCSP response, the CA certificate
    /// included. The hash follows the key's curve, as for the CRL: SHA-384 for the P-384 CA.
    /// </summary>
    public byte[] SignOcspResponse(Org.BouncyCastle.Ocsp.BasicOcspRespGenerator generator, DateTimeOffset producedAt)
    {
        var basic = generator.Generate(new Org.BouncyCastle.Crypto.Operators.Asn1SignatureFactory(OcspSignatureAlgorithm(), OcspKey()), [ocspCertificate],
            producedAt.UtcDateTime);
        return new Org.BouncyCastle.Ocsp.OCSPRespGenerator().Generate(Org.BouncyCastle.Ocsp.OCSPRespGenerator.Successful, basic).GetEncoded();
    }

    private Org.BouncyCastle.Crypto.AsymmetricKeyParameter OcspKey()
    {
        if (ocspKey is null)
        {
            using var key = caWithKey.GetECDsaPrivateKey() ?? throw new CryptographicException("The CA has no ECDSA private key; OCSP signing supports ECDSA CAs only.");
            var pkcs8 = key.ExportPkcs8PrivateKey();
            try
            {
                ocspKey = Org.BouncyCastle.Security.PrivateKeyFactory.CreateKey(pkcs8);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        return ocspKey;
    }

    private string OcspSignatureAlgorithm()
    {
        using var key = Certificate.GetECDsaPublicKey() ?? throw new CryptographicException("The CA has no ECDSA key.");
        return key.KeySize switch
        {
            <= 256 => "SHA256WITHECDSA",
            <= 384 => "SHA384WITHECDSA",
            _ => "SHA512WITHECDSA",
        };
    }

    /// <summary>The fingerprint stored for an issued certificate and compared with the one a client presents.</summary>
    public static string Thumbprint(X509Certificate2 certificate) => Profile.Thumbprint(certificate);

    private static ICryptoProfile Profile => CryptoProfiles.Current;

    private static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive, as RFC 5280 requires
        serial[0] |= 0x01; // and no leading zero byte to be trimmed, so the hex form is stable
        return serial;
    }

    public void Dispose()
    {
        caWithKey.Dispose();
        Certificate.Dispose();
    }
}

/// <summary>Wraps the CRL number so callers need no System.Numerics import.</summary>
public readonly record struct BigIntegerNumber(System.Numerics.BigInteger Value);

/// <summary>Issuing, listing and revoking units' client certificates, with their database records and audit.</summary>
public sealed class CertificateService(CertificateAuthority ca, AppDbContext db, AuditWriter audit, TimeProvider time)
{
    public async Task<Outcome<IssuedCredential>> IssueAsync(ClaimsPrincipal actor, IssueRequest request, DateTimeOffset? notBefore = null, DateTimeOffset? notAfterOverride = null)
    {
        var errors = new List<FieldError>();
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Id == request.UnitId);
        if (unit is null)
        {
            errors.Add(new FieldError("unitId", "certificate.unit", "单位不存在"));
        }
        else if (!unit.IsActive)
        {
            errors.Add(new FieldError("unitId", "certificate.unit_suspended", "单位已暂停，不能签发证书"));
        }

        if (!CertificateAuthority.AllowedValidityMonths.Contains(request.ValidityMonths))
        {
            errors.Add(new FieldError("validityMonths", "certificate.validity", "证书有效期只能为24个月或48个月"));
        }

        if (errors.Count > 0)
        {
            return Outcome<IssuedCredential>.Invalid(errors);
        }

        var from = notBefore ?? time.GetUtcNow().AddMinutes(-5);
        var to = notAfterOverride ?? from.AddMonths(request.ValidityMonths);
        var purpose = request.Gateway ? CertificatePurpose.Gateway : CertificatePurpose.System;
        var (certificate, key) = ca.SignClientCertificate(unit!, from, to, purpose);
        using (certificate)
        using (key)
        {
            var record = new IssuedCertificate
            {
                SerialNumber = certificate.SerialNumber,
                Thumbprint = CertificateAuthority.Thumbprint(certificate),
                UnitId = unit!.Id,
                Purpose = purpose,
                Subject = certificate.Subject,
                NotBefore = certificate.NotBefore.ToUniversalTime(),
                NotAfter = certificate.NotAfter.ToUniversalTime(),
                ValidityMonths = request.ValidityMonths,
                IssuedAt = time.GetUtcNow(),
                IssuedBy = actor.Actor(),
            };
            db.IssuedCertificates.Add(record);
            await db.SaveChangesAsync();
            await audit.WriteAsync(new AuditRecord(AuditEvent.Certificate_Issued, AuditOutcome.Success)
            { Target = $"certificate:{record.SerialNumber}", UnitCode = actor.UnitCode(), Detail = $"unit={unit.Uscc};months={request.ValidityMonths};purpose={IssuedCertificateView.PurposeName(purpose)}" });

            var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
            using var withKey = certificate.CopyWithPrivateKey(key);
            return Outcome<IssuedCredential>.Ok(new IssuedCredential(
                IssuedCertificateView.From(record, time.GetUtcNow()),
                certificate.ExportCertificatePem(),
                key.ExportPrivateKeyPem(),
                withKey.Export(X509ContentType.Pkcs12, password),
                password));
        }
    }

    /// <summary>A revocation with a free-text reason (the console before 附3, the CLI): RFC 5280 reason unspecified.</summary>
    public async Task<Outcome<IssuedCertificateView>> RevokeAsync(ClaimsPrincipal actor, string serialNumber, string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 200)
        {
            return Outcome<IssuedCertificateView>.Invalid(new FieldError("reason", "certificate.revocation_reason", "请填写吊销原因（不超过200字）"));
        }

        var text = reason.Trim();
        return await RevokeAsync(actor, serialNumber, X509RevocationReason.Unspecified, text, AuditEvent.Certificate_Revoked, text);
    }

    /// <summary>
    /// 注销 (附3): the certificate is revoked at once with the RFC 5280 reason the 附3 choice maps to, which the CRL and
    /// OCSP then give; <paramref name="reissued"/> says a new key replaces it (a damaged key becomes "superseded").
    /// </summary>
    public async Task<Outcome<IssuedCertificateView>> CancelAsync(ClaimsPrincipal actor, string serialNumber, CancellationReason reason, string? reasonText,
        bool reissued = false)
    {
        if (CancellationReasons.Check(reason, reasonText) is { } error)
        {
            return Outcome<IssuedCertificateView>.Invalid(error);
        }

        var code = CancellationReasons.RevocationReason(reason, reissued);
        var label = CancellationReasons.Label(reason);
        var stored = string.IsNullOrWhiteSpace(reasonText) ? label : $"{label}：{reasonText.Trim()}";
        if (stored.Length > 200)
        {
            return Outcome<IssuedCertificateView>.Invalid(new FieldError("reasonText", "cancellation.reason_text", "注销原因不能超过200字"));
        }

        return await RevokeAsync(actor, serialNumber, code, stored, AuditEvent.Credential_Cancelled,
            $"reason={reason.ToString().ToLowerInvariant()};code={(int)code};reissued={(reissued ? "yes" : "no")};text={reasonText?.Trim()}");
    }

    /// <summary>
    /// Revokes, as superseded, every certificate whose renewal overlap (<see cref="IssuedCertificate.RevokeAfter"/>) has
    /// ended, each with its audit entry; returns how many. Run by <see cref="SupersededRevoker"/>, callable by anyone.
    /// </summary>
    public async Task<int> RevokeSupersededAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var due = await db.IssuedCertificates.AsNoTracking().Where(c => c.RevokedAt == null && c.RevokeAfter != null && c.RevokeAfter <= now)
            .OrderBy(c => c.Id).Select(c => new { c.SerialNumber, c.RenewedBySerial, c.ReplacesSerial }).Take(1000).ToListAsync(cancellationToken);
        var revoked = 0;
        foreach (var certificate in due)
        {
            var replacement = certificate.RenewedBySerial ?? await db.IssuedCertificates.AsNoTracking()
                .Where(c => c.ReplacesSerial == certificate.SerialNumber).Select(c => c.SerialNumber).FirstOrDefaultAsync(cancellationToken);
            var reason = replacement is null ? "已更换，过渡期满" : $"已由证书 {replacement} 更换，过渡期满";
            var outcome = await RevokeAsync(SystemActor, certificate.SerialNumber, X509RevocationReason.Superseded, reason, AuditEvent.Credential_SupersededRevoked,
                $"renewedBy={replacement}", now);
            revoked += outcome.IsOk ? 1 : 0;
        }

        return revoked;
    }

    private static readonly ClaimsPrincipal SystemActor = new(new ClaimsIdentity());

    // Conditional on the row still being good, so two revocations at once cannot both succeed (nor both be audited);
    // the change and its audit entry commit together.
    private async Task<Outcome<IssuedCertificateView>> RevokeAsync(ClaimsPrincipal actor, string serialNumber, X509RevocationReason code, string reason,
        AuditEvent auditEvent, string detail, DateTimeOffset? at = null)
    {
        var serial = serialNumber.Trim().ToUpperInvariant();
        var record = await db.IssuedCertificates.AsNoTracking().FirstOrDefaultAsync(c => c.SerialNumber == serial);
        if (record is null)
        {
            return Outcome<IssuedCertificateView>.NotFound("certificate.not_found", "证书不存在");
        }

        if (record.RevokedAt is not null)
        {
            return Outcome<IssuedCertificateView>.Conflict("certificate.already_revoked", "该证书已被吊销");
        }

        var now = at ?? time.GetUtcNow();
        var by = actor.Actor();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var changed = await MarkRevokedAsync(db, record.Id, now, by, reason, code);
            if (changed == 0)
            {
                await transaction.RollbackAsync();
                return Outcome<IssuedCertificateView>.Conflict("certificate.already_revoked", "该证书已被吊销");
            }

            audit.Stage(db, new AuditRecord(auditEvent, AuditOutcome.Success) { Target = $"certificate:{record.SerialNumber}", Detail = detail });
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await audit.ChainPendingAsync();
        record.RevokedAt = now;
        record.RevokedBy = by;
        record.RevocationReason = reason;
        record.RevocationCode = (int)code;
        return Outcome<IssuedCertificateView>.Ok(IssuedCertificateView.From(record, time.GetUtcNow()));
    }

    /// <summary>
    /// Revokes in the caller's transaction, only while the certificate is still good: 0 when someone else revoked it
    /// first. Whoever calls it stages the audit entry in the same transaction.
    /// </summary>
    internal static Task<int> MarkRevokedAsync(AppDbContext db, long id, DateTimeOffset now, string by, string reason, X509RevocationReason code) =>
        db.IssuedCertificates.Where(c => c.Id == id && c.RevokedAt == null).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.RevokedAt, now)
            .SetProperty(c => c.RevokedBy, by)
            .SetProperty(c => c.RevocationReason, reason.Length > 200 ? reason[..200] : reason)
            .SetProperty(c => c.RevocationCode, (int)code));

    public async Task<IReadOnlyList<IssuedCertificateView>> ListAsync(int? unitId = null)
    {
        var query = db.IssuedCertificates.AsNoTracking();
        if (unitId is { } id)
        {
            query = query.Where(c => c.UnitId == id);
        }

        var now = time.GetUtcNow();
        var rows = await query.OrderByDescending(c => c.Id).Take(500).ToListAsync();
        return [.. rows.Select(r => IssuedCertificateView.From(r, now))];
    }

    public async Task<byte[]> CrlAsync()
    {
        var revoked = await db.IssuedCertificates.AsNoTracking().Where(c => c.RevokedAt != null)
            .Select(c => new { c.SerialNumber, c.RevokedAt, c.RevocationCode }).ToListAsync();
        // The CRL number only has to grow: the count of revocations does, since revocations are never undone.
        return ca.BuildCrl(revoked.Select(r => (r.SerialNumber, r.RevokedAt!.Value, (X509RevocationReason)(r.RevocationCode ?? 0))), new(revoked.Count + 1),
            time.GetUtcNow());
    }
}
