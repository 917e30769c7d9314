using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;

namespace CreditShare.Web.Features.Certificates;

/// <summary>
/// The OCSP responder (RFC 6960) for the certificates our CA issued. Each answer is decided from the database when it
/// is asked, so a cancellation is "revoked" on the very next query; answers are signed by the CA itself.
/// </summary>
public sealed class OcspResponder(CertificateAuthority ca, AppDbContext db, TimeProvider time)
{
    public const string RequestMediaType = "application/ocsp-request";
    public const string ResponseMediaType = "application/ocsp-response";

    /// <summary>An OCSP request is a few hundred bytes; anything much larger is not one.</summary>
    public const int MaxRequestBytes = 16 * 1024;

    /// <summary>How long a relying party may rely on an answer (nextUpdate): short, because revocation is immediate here.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromHours(1);

    // Enough for a client asking about a chain, little enough that one request cannot ask about the whole table.
    private const int MaxCertificatesPerRequest = 20;

    /// <summary>The DER OCSP response to a DER request: a signed answer, or the unsigned status malformedRequest.</summary>
    public async Task<byte[]> AnswerAsync(byte[] requestDer, CancellationToken cancellationToken = default)
    {
        OcspReq request;
        Req[] items;
        try
        {
            request = new OcspReq(requestDer);
            items = request.GetRequestList();
        }
        catch (Exception)
        {
            // Untrusted input that BouncyCastle could not read, however it failed: RFC 6960 §2.3 says malformedRequest.
            return Malformed();
        }

        if (items.Length is 0 or > MaxCertificatesPerRequest)
        {
            return Malformed();
        }

        var ids = items.Select(i => i.GetCertID()).ToList();
        var serials = ids.Where(ca.IsIssuerOf).Select(id => Convert.ToHexString(id.SerialNumber.ToByteArray())).Distinct().ToList();
        var rows = await db.IssuedCertificates.AsNoTracking().Where(c => serials.Contains(c.SerialNumber))
            .Select(c => new { c.SerialNumber, c.RevokedAt, c.RevocationCode }).ToDictionaryAsync(c => c.SerialNumber, cancellationToken);

        var now = WholeSeconds(time.GetUtcNow());
        var generator = new BasicOcspRespGenerator(ca.OcspResponderId);
        foreach (var id in ids)
        {
            CertificateStatus? status;
            if (!ca.IsIssuerOf(id) || !rows.TryGetValue(Convert.ToHexString(id.SerialNumber.ToByteArray()), out var row))
            {
                // Not ours, or signed with our key but never registered: we cannot vouch for it either way.
                status = new UnknownStatus();
            }
            else if (row.RevokedAt is { } revokedAt)
            {
                var reason = row.RevocationCode is { } code and not 0 ? new CrlReason(code) : null;
                status = new RevokedStatus(new RevokedInfo(new Asn1GeneralizedTime(WholeSeconds(revokedAt).UtcDateTime), reason));
            }
            else
            {
                status = CertificateStatus.Good;
            }

            generator.AddResponse(id, status, now.UtcDateTime, now.Add(Validity).UtcDateTime, null);
        }

        // The nonce comes back as it was asked (RFC 8954), so the client knows the answer is fresh and not replayed.
        if (request.RequestExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce) is { } nonce)
        {
            generator.SetResponseExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, X509Extension> { [OcspObjectIdentifiers.PkixOcspNonce] = nonce }));
        }

        return ca.SignOcspResponse(generator, now);
    }

    /// <summary>The request of a GET (RFC 6960 appendix A.1): the DER request in base64, URL-encoded, as the last path segment(s).</summary>
    public static byte[]? DecodeGetRequest(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded) || encoded.Length > MaxRequestBytes * 2)
        {
            return null;
        }

        var base64 = Uri.UnescapeDataString(encoded);
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : null;
    }

    public static byte[] Malformed() =>
        new OcspResp(new OcspResponse(new OcspResponseStatus(OcspResponseStatus.MalformedRequest), null)).GetEncoded();

    // GeneralizedTime in OCSP carries no fractions of a second (RFC 5280 §4.1.2.5.2); some clients reject them.
    private static DateTimeOffset WholeSeconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
