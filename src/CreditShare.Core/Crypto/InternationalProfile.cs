using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CreditShare.Core.Crypto;

/// <summary>
/// Today's algorithms (国际算法): SHA-256, HMAC-SHA256, AES-256-GCM, ECDSA on P-384 for the CA and P-256 for the
/// certificates it issues, CRLs signed with SHA-384.
/// </summary>
public sealed class InternationalProfile : ICryptoProfile
{
    public static readonly InternationalProfile Instance = new();

    private InternationalProfile()
    {
    }

    public string Name => "international";

    public string DigestAlgorithm => "sha256";

    public int DigestBytes => SHA256.HashSizeInBytes;

    public void Digest(ReadOnlySpan<byte> data, Span<byte> destination) => SHA256.HashData(data, destination);

    public Task<byte[]> DigestAsync(Stream data, CancellationToken cancellationToken = default) => SHA256.HashDataAsync(data, cancellationToken).AsTask();

    public string MacAlgorithm => "hmac-sha256";

    public int MacKeyBytes => 32;

    public int MacBytes => HMACSHA256.HashSizeInBytes;

    public void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) => HMACSHA256.HashData(key, data, destination);

    public string CipherAlgorithm => "aes-256-gcm";

    public string CipherTag => "v1";

    public int CipherKeyBytes => 32;

    public IPersonalDataCipher CreateCipher(ReadOnlySpan<byte> key) =>
        key.Length == CipherKeyBytes ? new AesGcmCipher(key) : throw new ArgumentException($"The {CipherAlgorithm} key must be {CipherKeyBytes} bytes.", nameof(key));

    public CertificateKey NewCertificateKey(CertificateUse use) => use == CertificateUse.Authority
        ? new EcdsaKey(ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384, "ecdsa-p384-sha384")
        : new EcdsaKey(ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256, "ecdsa-p256-sha256");

    // The request carries its signature hash (SHA-256 for P-256 keys), which the CA's P-384 key signs with.
    public X509Certificate2 Issue(CertificateRequest request, X509Certificate2 issuerWithKey, DateTimeOffset notBefore, DateTimeOffset notAfter, byte[] serialNumber)
    {
        if (request.PublicKey.Oid.Value == issuerWithKey.PublicKey.Oid.Value)
        {
            return request.Create(issuerWithKey, notBefore, notAfter, serialNumber);
        }

        // A token's RSA key under our ECDSA CA: .NET wants the signature generator spelled out, and no longer checks the
        // validity against the issuer's, so that check is made here.
        if (notBefore < issuerWithKey.NotBefore.ToUniversalTime() || notAfter > issuerWithKey.NotAfter.ToUniversalTime())
        {
            throw new ArgumentException("The certificate would not lie within the issuer's validity.", nameof(notAfter));
        }

        using var key = issuerWithKey.GetECDsaPrivateKey() ?? throw new CryptographicException("The issuing certificate has no ECDSA private key.");
        return request.Create(issuerWithKey.SubjectName, X509SignatureGenerator.CreateForECDsa(key), notBefore, notAfter, serialNumber);
    }

    public byte[] SignCrl(CertificateRevocationListBuilder builder, X509Certificate2 issuerWithKey, BigInteger crlNumber, DateTimeOffset nextUpdate, DateTimeOffset thisUpdate) =>
        builder.Build(issuerWithKey, crlNumber, nextUpdate, HashAlgorithmName.SHA384, thisUpdate: thisUpdate);

    public string SignatureAlgorithm => "ecdsa-sha256";

    public byte[] Sign(X509Certificate2 signerWithKey, ReadOnlySpan<byte> data)
    {
        using var key = signerWithKey.GetECDsaPrivateKey() ?? throw new CryptographicException("The signing certificate has no ECDSA private key.");
        return key.SignData(data, HashAlgorithmName.SHA256);
    }

    public bool Verify(X509Certificate2 signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var key = signer.GetECDsaPublicKey();
        return key is not null && key.VerifyData(data, signature, HashAlgorithmName.SHA256);
    }

    public string Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>12-byte random nonce, cipher text, 16-byte tag.</summary>
    private sealed class AesGcmCipher : IPersonalDataCipher
    {
        private const int NonceBytes = 12;
        private const int TagBytes = 16;
        private readonly byte[] key;

        // An AesGcm instance may not be shared between threads, and making one per value costs more than the encryption.
        private readonly ThreadLocal<AesGcm> cipher;

        public AesGcmCipher(ReadOnlySpan<byte> key)
        {
            this.key = key.ToArray();
            cipher = new ThreadLocal<AesGcm>(() => new AesGcm(this.key, TagBytes), trackAllValues: true);
        }

        public int Overhead => NonceBytes + TagBytes;

        public void Seal(ReadOnlySpan<byte> plain, Span<byte> destination)
        {
            var nonce = destination[..NonceBytes];
            RandomNumberGenerator.Fill(nonce);
            cipher.Value!.Encrypt(nonce, plain, destination.Slice(NonceBytes, plain.Length), destination.Slice(NonceBytes + plain.Length, TagBytes));
        }

        public void Open(ReadOnlySpan<byte> sealedValue, Span<byte> destination)
        {
            if (sealedValue.Length < Overhead)
            {
                throw new CryptographicException("The sealed value is too short.");
            }

            var length = sealedValue.Length - Overhead;
            cipher.Value!.Decrypt(sealedValue[..NonceBytes], sealedValue.Slice(NonceBytes, length), sealedValue.Slice(NonceBytes + length, TagBytes), destination[..length]);
        }

        public void Dispose()
        {
            foreach (var aes in cipher.Values)
            {
                aes.Dispose();
            }

            cipher.Dispose();
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private sealed class EcdsaKey(ECCurve curve, HashAlgorithmName hash, string algorithm) : CertificateKey
    {
        private readonly ECDsa key = ECDsa.Create(curve);

        public override string Algorithm => algorithm;

        public override CertificateRequest Request(X500DistinguishedName subject) => new(subject, key, hash);

        public override X509Certificate2 Attach(X509Certificate2 certificate) => certificate.CopyWithPrivateKey(key);

        public override string ExportPrivateKeyPem() => key.ExportPkcs8PrivateKeyPem();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                key.Dispose();
            }
        }
    }
}
