using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Core.Crypto;

namespace CreditShare.Core.Tests.Contract;

/// <summary>The platform's batch receipts as the gateway checks them offline: only the CA certificate is needed.</summary>
public sealed class ReceiptDigestTests : IDisposable
{
    private static readonly DateTimeOffset Received = new(2026, 6, 1, 1, 30, 0, TimeSpan.Zero);

    private static readonly BatchResult Answer = new(Guid.Parse("7f0c3d4e-2b1a-4c5d-9e8f-0a1b2c3d4e5f"), "XZCF", 3, 2, 1, 0, 1, false,
        [new RecordResult(0, "accepted", 42, [], []), new RecordResult(1, "rejected", null, [new FieldError("CF_WSH", "field.required", "必填")], [])]);

    private readonly X509Certificate2 ca;
    private readonly X509Certificate2 caWithKey;
    private readonly X509Certificate2 signer;

    public ReceiptDigestTests()
    {
        caWithKey = NewCa("Receipt Test CA");
        ca = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
        signer = Issue(caWithKey, ReceiptDigest.ReceiptSigningOid);
    }

    public void Dispose()
    {
        ca.Dispose();
        caWithKey.Dispose();
        signer.Dispose();
    }

    private static BatchReceipt Receipt(BatchResult answer) =>
        new(answer.BatchId, "11640100MB0000000X", answer.Category, answer.Total, answer.Accepted, answer.Unchanged, answer.Rejected,
            ReceiptDigest.OfAnswer(answer), "file-abc-0", "gateway", Received);

    private static X509Certificate2 NewCa(string name)
    {
        using var key = CryptoProfiles.Current.NewCertificateKey(CertificateUse.Authority);
        var request = key.Request(new X500DistinguishedName($"CN={name}"));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        // The self-signed certificate carries the key already; a PKCS#12 round trip gives it a key of its own to dispose.
        using var certificate = request.CreateSelfSigned(Received.AddYears(-1), Received.AddYears(10));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12, "x"), "x");
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string eku, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = CryptoProfiles.Current.NewCertificateKey(CertificateUse.Client);
        var request = key.Request(new X500DistinguishedName("CN=Receipt signer"));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        using var certificate = CryptoProfiles.Current.Issue(request, issuer, notBefore ?? Received.AddDays(-1), notAfter ?? Received.AddYears(1),
            RandomNumberGenerator.GetBytes(8));
        return key.Attach(certificate);
    }

    [Fact]
    public void A_signed_receipt_verifies_with_the_ca_and_reads_back_as_signed()
    {
        var receipt = Receipt(Answer);
        var (verified, problem) = ReceiptDigest.Verify(ReceiptDigest.Sign(receipt, signer), ca);
        Assert.Null(problem);
        Assert.Equal(receipt, verified);
    }

    [Fact]
    public void The_answer_digest_ignores_replayed_and_changes_with_any_row()
    {
        Assert.Equal(ReceiptDigest.OfAnswer(Answer), ReceiptDigest.OfAnswer(Answer with { Replayed = true }));
        Assert.StartsWith("sha256:", ReceiptDigest.OfAnswer(Answer));
        var otherRow = Answer with { Records = [Answer.Records[0], Answer.Records[1] with { Status = "accepted", Errors = [] }] };
        Assert.NotEqual(ReceiptDigest.OfAnswer(Answer), ReceiptDigest.OfAnswer(otherRow));
        // The same answer read back from its JSON, as a gateway reads it off the wire, has the same digest.
        var json = JsonSerializer.Serialize(Answer with { Replayed = true }, WireJson.Options);
        Assert.Equal(ReceiptDigest.OfAnswer(Answer), ReceiptDigest.OfAnswer(JsonSerializer.Deserialize<BatchResult>(json, WireJson.Options)!));
    }

    [Fact]
    public void A_changed_payload_or_signature_fails()
    {
        var sealedReceipt = ReceiptDigest.Sign(Receipt(Answer), signer);
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(sealedReceipt.Payload));
        var altered = sealedReceipt with { Payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("\"accepted\":1", "\"accepted\":2"))) };
        Assert.NotEqual(sealedReceipt.Payload, altered.Payload);
        Assert.Equal("回执签名无效：内容被改动或并非平台签发", ReceiptDigest.Verify(altered, ca).Problem);

        var signature = Convert.FromBase64String(sealedReceipt.Signature);
        signature[^1] ^= 1;
        Assert.NotNull(ReceiptDigest.Verify(sealedReceipt with { Signature = Convert.ToBase64String(signature) }, ca).Problem);
        Assert.Equal("回执格式错误", ReceiptDigest.Verify(sealedReceipt with { Signer = "not base64!" }, ca).Problem);
        Assert.NotNull(ReceiptDigest.Verify(sealedReceipt with { Algorithm = "rsa-sha1" }, ca).Problem);
    }

    [Fact]
    public void A_signer_without_the_receipt_usage_fails_even_from_the_right_ca()
    {
        // A unit's client certificate (client-auth usage) is issued by the same CA: it must not sign receipts.
        using var client = Issue(caWithKey, "1.3.6.1.5.5.7.3.2");
        Assert.Equal("签名证书不是平台的回执签名证书", ReceiptDigest.Verify(ReceiptDigest.Sign(Receipt(Answer), client), ca).Problem);
    }

    [Fact]
    public void A_signer_from_another_ca_or_out_of_its_validity_fails()
    {
        using var otherCa = NewCa("Other CA");
        using var foreign = Issue(otherCa, ReceiptDigest.ReceiptSigningOid);
        Assert.StartsWith("签名证书不是由所配置的平台 CA 签发", ReceiptDigest.Verify(ReceiptDigest.Sign(Receipt(Answer), foreign), ca).Problem);

        // The receipt names a time before its signer was valid.
        using var later = Issue(caWithKey, ReceiptDigest.ReceiptSigningOid, notBefore: Received.AddDays(1));
        Assert.NotNull(ReceiptDigest.Verify(ReceiptDigest.Sign(Receipt(Answer), later), ca).Problem);
    }

    [Fact]
    public void The_header_form_reads_back_to_the_same_receipt_and_nonsense_reads_as_none()
    {
        var sealedReceipt = ReceiptDigest.Sign(Receipt(Answer), signer);
        var header = ReceiptDigest.ToHeader(sealedReceipt);
        Assert.DoesNotContain('=', header);
        Assert.DoesNotContain('+', header);
        Assert.DoesNotContain('/', header);
        Assert.Equal(sealedReceipt, ReceiptDigest.FromHeader(header));
        Assert.Null(ReceiptDigest.Verify(ReceiptDigest.FromHeader(header)!, ca).Problem);
        Assert.Null(ReceiptDigest.FromHeader(null));
        Assert.Null(ReceiptDigest.FromHeader(""));
        Assert.Null(ReceiptDigest.FromHeader("%%%"));
        Assert.Null(ReceiptDigest.FromHeader("bm90IGpzb24"));
    }
}
