using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Credentials;

/// <summary>What the TLS connection's client certificate is worth as a sign-in factor for one account.</summary>
public abstract record UKeyFactor
{
    private UKeyFactor()
    {
    }

    /// <summary>No certificate on the connection (plain http, or the browser offered none).</summary>
    public sealed record Absent : UKeyFactor;

    /// <summary>A certificate our CA issued to this very account, unrevoked and within its validity.</summary>
    public sealed record Valid : UKeyFactor;

    /// <summary>A certificate was offered but is not this account's good U-key: the sign-in fails, it does not fall back to TOTP.</summary>
    public sealed record Refused(string Serial, string Reason) : UKeyFactor;
}

/// <summary>
/// The U-key as the second factor (art. 17; 等保 level 3 身份鉴别 d): the browser presents the token's certificate in
/// the TLS handshake (there is no JavaScript API to tokens), and the password is the first factor. The certificate
/// counts only for the account it was issued to, and the database decides on every sign-in whether it is still good.
/// </summary>
public sealed class UKeySignIn(AppDbContext db, CertificateAuthority ca, StaffUserManager users, IOptions<CredentialOptions> options, TimeProvider time)
{
    public async Task<UKeyFactor> CheckAsync(HttpContext http, StaffUser user)
    {
        var presented = http.Connection.ClientCertificate ?? await http.Connection.GetClientCertificateAsync(http.RequestAborted);
        if (presented is null)
        {
            return new UKeyFactor.Absent();
        }

        var serial = presented.SerialNumber;
        var now = time.GetUtcNow();
        if (!ChainsToOurCa(presented, now))
        {
            return new UKeyFactor.Refused(serial, "chain_or_validity");
        }

        var record = await db.IssuedCertificates.AsNoTracking().FirstOrDefaultAsync(c => c.SerialNumber == serial);
        var reason = record switch
        {
            null => "unknown",
            _ when record.Thumbprint != CertificateAuthority.Thumbprint(presented) => "thumbprint_mismatch",
            _ when record.Purpose != CertificatePurpose.Person => "not_a_person_certificate",
            _ when record.StaffUserId != user.Id => "other_account",
            _ when record.RevokedAt is not null => "revoked",
            _ when record.NotAfter <= now || record.NotBefore > now => "expired",
            _ => null,
        };
        return reason is null ? new UKeyFactor.Valid() : new UKeyFactor.Refused(serial, reason);
    }

    /// <summary>Whether the account holds a role the security settings say must sign in with the U-key.</summary>
    public async Task<bool> IsRequiredAsync(StaffUser user)
    {
        var required = options.Value.CertificateRequiredRoles;
        return required.Count > 0 && (await users.GetRolesAsync(user)).Any(required.Contains);
    }

    private bool ChainsToOurCa(X509Certificate2 presented, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // our table decides, at once
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(presented);
    }
}
