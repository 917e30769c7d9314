using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CreditShare.Core.Crypto;

/// <summary>
/// The algorithms the platform computes with, chosen together: content digests, keyed hashes (MACs), the cipher for
/// personal data at rest, and certificate keys and signatures. Callers name what they need (a digest, a MAC, a seal),
/// never an algorithm or a key size, and every stored value carries the identifier of the algorithm that made it, so a
/// second profile (国密: SM3, SM4, SM2) can be chosen without touching the callers, and a value made by another
/// algorithm is refused rather than misread. <see cref="InternationalProfile"/> is the only implementation today.
/// </summary>
public interface ICryptoProfile
{
    /// <summary>Stable name of the profile ("international").</summary>
    string Name { get; }

    /// <summary>Identifier of the content digest ("sha256"): files, reports, request bodies, anything compared by content.</summary>
    string DigestAlgorithm { get; }

    int DigestBytes { get; }

    void Digest(ReadOnlySpan<byte> data, Span<byte> destination);

    Task<byte[]> DigestAsync(Stream data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Identifier of the keyed hash ("hmac-sha256"): lookup hashes of ID numbers, the audit chain, webhook signatures,
    /// feed cursors. It is the tag in front of a stored lookup hash, in an audit key id and in a webhook signature header.
    /// </summary>
    string MacAlgorithm { get; }

    /// <summary>The size of a newly made MAC key.</summary>
    int MacKeyBytes { get; }

    int MacBytes { get; }

    void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination);

    /// <summary>Identifier of the personal-data cipher ("aes-256-gcm").</summary>
    string CipherAlgorithm { get; }

    /// <summary>
    /// The tag of the cipher's stored envelope, after <c>enc:</c>: <c>v1</c> is AES-256-GCM (12-byte nonce, 16-byte
    /// tag), the envelope as it was before the profile existed. Another profile uses another tag.
    /// </summary>
    string CipherTag { get; }

    int CipherKeyBytes { get; }

    /// <summary>A cipher under <paramref name="key"/> (<see cref="CipherKeyBytes"/> long); safe to use from many threads.</summary>
    IPersonalDataCipher CreateCipher(ReadOnlySpan<byte> key);

    /// <summary>A new key pair for a certificate of the given use, with the signature algorithm that goes with it.</summary>
    CertificateKey NewCertificateKey(CertificateUse use);

    /// <summary>Signs <paramref name="request"/> with the issuer's key.</summary>
    X509Certificate2 Issue(CertificateRequest request, X509Certificate2 issuerWithKey, DateTimeOffset notBefore, DateTimeOffset notAfter, byte[] serialNumber);

    /// <summary>Signs a certificate revocation list with the issuer's key.</summary>
    byte[] SignCrl(CertificateRevocationListBuilder builder, X509Certificate2 issuerWithKey, BigInteger crlNumber, DateTimeOffset nextUpdate, DateTimeOffset thisUpdate);

    /// <summary>Identifier of signatures over data ("ecdsa-sha256"): the platform's batch receipts.</summary>
    string SignatureAlgorithm { get; }

    /// <summary>Signs <paramref name="data"/> with the certificate's private key.</summary>
    byte[] Sign(X509Certificate2 signerWithKey, ReadOnlySpan<byte> data);

    /// <summary>Whether <paramref name="signature"/> is the certificate key's signature of <paramref name="data"/>.</summary>
    bool Verify(X509Certificate2 signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>The certificate's fingerprint as stored and compared (upper-case hex of the digest of its DER encoding).</summary>
    string Thumbprint(X509Certificate2 certificate);
}

/// <summary>Authenticated encryption of one value: the output holds whatever the cipher needs besides the key (nonce, tag).</summary>
public interface IPersonalDataCipher : IDisposable
{
    /// <summary>Bytes the sealed form adds to the plain text.</summary>
    int Overhead { get; }

    /// <summary>Seals <paramref name="plain"/> into <paramref name="destination"/> (plain length + <see cref="Overhead"/>) under a fresh nonce.</summary>
    void Seal(ReadOnlySpan<byte> plain, Span<byte> destination);

    /// <summary>Opens a sealed value; throws <see cref="CryptographicException"/> when it was altered or sealed under another key.</summary>
    void Open(ReadOnlySpan<byte> sealedValue, Span<byte> destination);
}

/// <summary>What a certificate is for; the profile picks its key type and signature hash.</summary>
public enum CertificateUse
{
    /// <summary>The platform's CA: the longest-lived key, the strongest curve.</summary>
    Authority,

    /// <summary>A TLS server (Development and tests).</summary>
    Server,

    /// <summary>A unit's system or gateway, for mutual TLS.</summary>
    Client,
}

/// <summary>A new certificate key pair and the signature algorithm that goes with it.</summary>
public abstract class CertificateKey : IDisposable
{
    /// <summary>Identifier of the key and its signature ("ecdsa-p256-sha256").</summary>
    public abstract string Algorithm { get; }

    /// <summary>A certificate request for this key, its signature hash set by the profile.</summary>
    public abstract CertificateRequest Request(X500DistinguishedName subject);

    /// <summary>A copy of <paramref name="certificate"/> (of this key's public key) that carries the private key.</summary>
    public abstract X509Certificate2 Attach(X509Certificate2 certificate);

    /// <summary>The private key as PKCS#8 PEM.</summary>
    public abstract string ExportPrivateKeyPem();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}

public static class CertificateKeyExtensions
{
    /// <summary>The certificate with its private key, as for the key types the platform libraries know.</summary>
    public static X509Certificate2 CopyWithPrivateKey(this X509Certificate2 certificate, CertificateKey key) => key.Attach(certificate);
}
