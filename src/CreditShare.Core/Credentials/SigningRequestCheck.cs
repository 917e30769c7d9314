using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CreditShare.Core.Credentials;

/// <summary>A PKCS#10 request that passed every check: its DER bytes and the request to sign.</summary>
public sealed record CheckedSigningRequest(byte[] Der, CertificateRequest Request, string KeyDescription);

/// <summary>
/// Checks a certificate signing request made on a token (or by a gateway) before the CA signs it: it parses, it is
/// signed by its own key with a hash that still counts, the key is strong enough, and its subject names the person and
/// organisation of the approved application. The CA then writes its own subject and extensions: nothing else the
/// request asks for is taken over.
/// </summary>
public static class SigningRequestCheck
{
    public const int MinimumRsaBits = 2048;

    /// <summary>Named curves a request may use: P-256, P-384, P-521.</summary>
    public static readonly IReadOnlyDictionary<string, string> AllowedCurves = new Dictionary<string, string>
    {
        ["1.2.840.10045.3.1.7"] = "P-256",
        ["1.3.132.0.34"] = "P-384",
        ["1.3.132.0.35"] = "P-521",
    };

    // sha256/384/512 with RSA, with ECDSA, and RSASSA-PSS (whose hash is in its parameters; .NET checks them).
    private static readonly HashSet<string> AllowedSignatureAlgorithms =
    [
        "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", "1.2.840.113549.1.1.10",
        "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4",
    ];

    /// <summary>Parses a PEM or DER request and checks its signature, algorithm and key; the subject is checked by <see cref="CheckSubject"/>.</summary>
    public static (CheckedSigningRequest? Request, FieldError? Error) Parse(string? pemOrBase64, string field = "csr")
    {
        if (string.IsNullOrWhiteSpace(pemOrBase64))
        {
            return (null, new FieldError(field, "csr.required", "请提供证书请求（PKCS#10，PEM 格式）"));
        }

        byte[] der;
        try
        {
            der = pemOrBase64.Contains("-----BEGIN", StringComparison.Ordinal)
                ? PemEncoding.Find(pemOrBase64) is var pem && pemOrBase64[pem.Label] is "CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"
                    ? Convert.FromBase64String(pemOrBase64[pem.Base64Data])
                    : throw new FormatException()
                : Convert.FromBase64String(pemOrBase64.Trim());
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return (null, new FieldError(field, "csr.format", "证书请求不是 PEM 格式的 PKCS#10（-----BEGIN CERTIFICATE REQUEST-----）"));
        }

        return Parse(der, field);
    }

    public static (CheckedSigningRequest? Request, FieldError? Error) Parse(byte[] der, string field = "csr")
    {
        string signatureAlgorithm;
        try
        {
            signatureAlgorithm = SignatureAlgorithm(der);
        }
        catch (AsnContentException)
        {
            return (null, new FieldError(field, "csr.format", "证书请求无法解析"));
        }

        if (!AllowedSignatureAlgorithms.Contains(signatureAlgorithm))
        {
            return (null, new FieldError(field, "csr.signature_algorithm", $"证书请求的签名算法（{signatureAlgorithm}）不被接受：须为 SHA-256 及以上的 RSA 或 ECDSA 签名"));
        }

        CertificateRequest request;
        try
        {
            // The default options verify the request's signature with its own public key: proof it holds the key.
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out var consumed, CertificateRequestLoadOptions.Default);
            if (consumed != der.Length)
            {
                return (null, new FieldError(field, "csr.format", "证书请求后有多余的数据"));
            }
        }
        catch (CryptographicException)
        {
            return (null, new FieldError(field, "csr.signature", "证书请求的签名无效：请求不是由其中的公钥对应的私钥签名的"));
        }

        var (keyDescription, keyError) = CheckKey(request.PublicKey, field);
        return keyError is not null ? (null, keyError) : (new CheckedSigningRequest(der, request, keyDescription!), null);
    }

    /// <summary>
    /// Whether the request's subject is the approved person's: CN is the user's name; O, when the request gives one,
    /// is the organisation's name. Compared after trimming and full-width folding, exactly otherwise.
    /// </summary>
    public static FieldError? CheckSubject(CertificateRequest request, string expectedCommonName, string expectedOrganisation, string field = "csr")
    {
        var names = request.SubjectName.EnumerateRelativeDistinguishedNames().ToList();
        // CN=…+O=… in one RDN has no single type to read (GetSingleElementType throws): refuse it rather than fail.
        if (names.Any(n => n.HasMultipleElements))
        {
            return new FieldError(field, "csr.subject", "证书请求的主题含多值名称（如 CN=…+O=…）：CN 与 O 须各自成项");
        }

        string? Single(string oid)
        {
            var values = names.Where(n => n.GetSingleElementType().Value == oid).Select(n => n.GetSingleElementValue()).ToList();
            return values.Count == 1 ? values[0] : values.Count == 0 ? null : "\0";
        }

        var commonName = Single("2.5.4.3");
        if (commonName is null || Fold(commonName) != Fold(expectedCommonName))
        {
            return new FieldError(field, "csr.subject", $"证书请求的主题 CN（{commonName ?? "无"}）与申请表的使用人姓名（{expectedCommonName}）不一致");
        }

        var organisation = Single("2.5.4.10");
        return organisation is not null && Fold(organisation) != Fold(expectedOrganisation)
            ? new FieldError(field, "csr.subject", $"证书请求的主题 O（{organisation}）与申请机构名称（{expectedOrganisation}）不一致")
            : null;
    }

    private static (string? Description, FieldError? Error) CheckKey(PublicKey key, string field)
    {
        switch (key.Oid.Value)
        {
            case "1.2.840.113549.1.1.1":
                using (var rsa = key.GetRSAPublicKey())
                {
                    return rsa is null || rsa.KeySize < MinimumRsaBits
                        ? (null, new FieldError(field, "csr.weak_key", $"RSA 密钥长度为 {rsa?.KeySize ?? 0} 位，至少须 {MinimumRsaBits} 位"))
                        : ($"RSA {rsa.KeySize}", null);
                }

            case "1.2.840.10045.2.1":
                var curve = CurveOid(key);
                return curve is not null && AllowedCurves.TryGetValue(curve, out var name)
                    ? ($"ECDSA {name}", null)
                    : (null, new FieldError(field, "csr.unknown_curve", $"不接受的椭圆曲线（{curve ?? "未指明"}）：须为 P-256、P-384 或 P-521"));

            default:
                return (null, new FieldError(field, "csr.key_type", $"不接受的公钥算法（{key.Oid.Value}）：须为 RSA 或 ECDSA"));
        }
    }

    /// <summary>The named curve in the key's algorithm parameters, read from the DER so an unknown curve never reaches the platform's crypto.</summary>
    private static string? CurveOid(PublicKey key)
    {
        if (key.EncodedParameters?.RawData is not { Length: > 0 } parameters)
        {
            return null;
        }

        try
        {
            var reader = new AsnReader(parameters, AsnEncodingRules.DER);
            return reader.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier) ? reader.ReadObjectIdentifier() : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature }.</summary>
    private static string SignatureAlgorithm(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        outer.ReadEncodedValue();
        return outer.ReadSequence().ReadObjectIdentifier();
    }

    private static string Fold(string value) => Codes.CodeText.Normalize(value).Replace(" ", "", StringComparison.Ordinal);
}

/// <summary>
/// Proof of possession for a renewal: the new request, signed with the old certificate's key. Accepts RSA
/// (PKCS#1 v1.5, SHA-256) and ECDSA (SHA-256; DER as <c>openssl dgst -sign</c> writes it, or IEEE P1363 as .NET does).
/// </summary>
public static class RenewalProof
{
    public static bool Verify(X509Certificate2 oldCertificate, ReadOnlySpan<byte> newRequestDer, ReadOnlySpan<byte> signature)
    {
        using (var rsa = oldCertificate.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                return rsa.VerifyData(newRequestDer, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
        }

        using var ecdsa = oldCertificate.GetECDsaPublicKey();
        return ecdsa is not null
            && (ecdsa.VerifyData(newRequestDer, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                || ecdsa.VerifyData(newRequestDer, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>What the gateway (or any holder of the old key) sends: the new request's DER signed with the old key.</summary>
    public static byte[] Sign(X509Certificate2 oldCertificateWithKey, ReadOnlySpan<byte> newRequestDer)
    {
        using (var rsa = oldCertificateWithKey.GetRSAPrivateKey())
        {
            if (rsa is not null)
            {
                return rsa.SignData(newRequestDer, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
        }

        using var ecdsa = oldCertificateWithKey.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no RSA or ECDSA private key.");
        return ecdsa.SignData(newRequestDer, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
