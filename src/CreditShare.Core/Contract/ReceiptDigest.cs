using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Crypto;

namespace CreditShare.Core.Contract;

/// <summary>
/// Making and checking the platform's batch receipts. The platform and the gateway both reference Core, so the digest of
/// an answer is computed the same way on both sides, and a receipt can be checked offline with only the CA certificate.
/// </summary>
public static class ReceiptDigest
{
    /// <summary>The digest of a batch answer as the receipt names it: the answer serialised with <c>replayed</c> false.</summary>
    public static string OfAnswer(BatchResult answer)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(answer with { Replayed = false }, WireJson.Options);
        var profile = CryptoProfiles.Current;
        var digest = new byte[profile.DigestBytes];
        profile.Digest(bytes, digest);
        return AlgorithmTag.Format(profile.DigestAlgorithm, Convert.ToHexStringLower(digest));
    }

    public static SignedReceipt Sign(BatchReceipt receipt, X509Certificate2 signerWithKey)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(receipt, WireJson.Options);
        var profile = CryptoProfiles.Current;
        return new SignedReceipt(Convert.ToBase64String(payload), profile.SignatureAlgorithm, Convert.ToBase64String(profile.Sign(signerWithKey, payload)),
            Convert.ToBase64String(signerWithKey.RawData));
    }

    /// <summary>The receipt in the response header: its JSON in base64url (no padding), so it fits a header line.</summary>
    public static string ToHeader(SignedReceipt receipt) =>
        Base64Url(JsonSerializer.SerializeToUtf8Bytes(receipt, WireJson.Options));

    public static SignedReceipt? FromHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        try
        {
            var padded = header.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            return JsonSerializer.Deserialize<SignedReceipt>(Convert.FromBase64String(padded), WireJson.Options);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks a receipt offline: the signer certificate chains to <paramref name="ca"/> (and was valid when the receipt
    /// was made), is the platform's receipt signer, and signed exactly the payload. Returns the receipt, or why not.
    /// </summary>
    public static (BatchReceipt? Receipt, string? Problem) Verify(SignedReceipt sealedReceipt, X509Certificate2 ca)
    {
        byte[] payload, signature;
        X509Certificate2 signer;
        try
        {
            payload = Convert.FromBase64String(sealedReceipt.Payload);
            signature = Convert.FromBase64String(sealedReceipt.Signature);
            signer = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(sealedReceipt.Signer));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return (null, "回执格式错误");
        }

        using (signer)
        {
            var profile = CryptoProfiles.Current;
            if (sealedReceipt.Algorithm != profile.SignatureAlgorithm)
            {
                return (null, $"回执签名算法“{sealedReceipt.Algorithm}”不是本平台使用的算法");
            }

            if (!signer.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any(e => e.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ReceiptSigningOid)))
            {
                return (null, "签名证书不是平台的回执签名证书");
            }

            BatchReceipt? content;
            try
            {
                content = JsonSerializer.Deserialize<BatchReceipt>(payload, WireJson.Options);
            }
            catch (JsonException)
            {
                return (null, "回执内容无法解析");
            }

            if (content is null)
            {
                return (null, "回执内容为空");
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = content.ReceivedAt.UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            if (!chain.Build(signer))
            {
                return (null, "签名证书不是由所配置的平台 CA 签发，或回执时间不在其有效期内");
            }

            if (!profile.Verify(signer, payload, signature))
            {
                return (null, "回执签名无效：内容被改动或并非平台签发");
            }

            return (content, null);
        }
    }

    /// <summary>The extended key usage that marks the platform's receipt-signing certificate (a private arc, documented here).</summary>
    public const string ReceiptSigningOid = "1.3.6.1.4.1.59999.1.1";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

}
