using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Credentials;

namespace CreditShare.Core.Tests.Credentials;

public class SigningRequestCheckTests
{
    private const string UserName = "张三";
    private const string Organisation = "宁夏ABC科技有限公司";

    private static X500DistinguishedName Subject(string? commonName = UserName, string? organisation = Organisation)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCountryOrRegion("CN");
        if (organisation is not null)
        {
            builder.AddOrganizationName(organisation);
        }

        if (commonName is not null)
        {
            builder.AddCommonName(commonName);
        }

        return builder.Build();
    }

    private static CertificateRequest RsaRequest(int bits, X500DistinguishedName? subject = null)
    {
        var key = RSA.Create(bits);
        return new CertificateRequest(subject ?? Subject(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static CertificateRequest EcdsaRequest(ECCurve curve, X500DistinguishedName? subject = null) =>
        new(subject ?? Subject(), ECDsa.Create(curve), HashAlgorithmName.SHA256);

    private static string? Code(string pem) => SigningRequestCheck.Parse(pem).Error?.Code;

    private static CheckedSigningRequest Accepted(string pemOrBase64)
    {
        var (request, error) = SigningRequestCheck.Parse(pemOrBase64);
        Assert.Null(error);
        return request!;
    }

    [Fact]
    public void An_rsa_2048_request_in_pem_is_accepted()
    {
        var request = RsaRequest(2048);
        var checkedRequest = Accepted(request.CreateSigningRequestPem());
        Assert.Equal("RSA 2048", checkedRequest.KeyDescription);
        Assert.Equal(request.CreateSigningRequest().Length, checkedRequest.Der.Length);
        Assert.Equal(Subject().Name, checkedRequest.Request.SubjectName.Name);
    }

    [Fact]
    public void Rsa_3072_and_the_larger_named_curves_are_accepted()
    {
        Assert.Equal("RSA 3072", Accepted(RsaRequest(3072).CreateSigningRequestPem()).KeyDescription);
        Assert.Equal("ECDSA P-384", Accepted(EcdsaRequest(ECCurve.NamedCurves.nistP384).CreateSigningRequestPem()).KeyDescription);
        Assert.Equal("ECDSA P-521", Accepted(EcdsaRequest(ECCurve.NamedCurves.nistP521).CreateSigningRequestPem()).KeyDescription);
    }

    [Fact]
    public void A_p256_request_is_accepted_as_pem_der_or_bare_base64()
    {
        var request = EcdsaRequest(ECCurve.NamedCurves.nistP256);
        Assert.Equal("ECDSA P-256", Accepted(request.CreateSigningRequestPem()).KeyDescription);
        var der = request.CreateSigningRequest();
        Assert.Null(SigningRequestCheck.Parse(der).Error);
        Assert.Null(SigningRequestCheck.Parse(Convert.ToBase64String(der)).Error);
        Assert.Null(SigningRequestCheck.Parse(new string(PemEncoding.Write("NEW CERTIFICATE REQUEST", der))).Error);
    }

    [Fact]
    public void An_rsa_1024_request_is_too_weak()
    {
        var (request, error) = SigningRequestCheck.Parse(RsaRequest(1024).CreateSigningRequestPem());
        Assert.Null(request);
        Assert.Equal(("csr", "csr.weak_key"), (error?.Field, error?.Code));
        Assert.Contains("1024", error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("brainpoolP256r1")]
    [InlineData("secp256k1")]
    public void A_curve_other_than_the_nist_ones_is_refused(string curve)
    {
        var error = SigningRequestCheck.Parse(EcdsaRequest(ECCurve.CreateFromFriendlyName(curve)).CreateSigningRequestPem()).Error;
        Assert.Equal("csr.unknown_curve", error?.Code);
    }

    [Fact]
    public void A_request_whose_signature_does_not_match_its_key_is_refused()
    {
        var der = RsaRequest(2048).CreateSigningRequest();
        der[^1] ^= 0x01;
        Assert.Equal("csr.signature", SigningRequestCheck.Parse(der).Error?.Code);
        Assert.Equal("csr.signature", Code(new string(PemEncoding.Write("CERTIFICATE REQUEST", der))));
    }

    [Fact]
    public void A_request_whose_subject_was_changed_after_signing_is_refused()
    {
        var request = RsaRequest(2048, Subject(commonName: "AAAA"));
        var der = request.CreateSigningRequest();
        var at = der.AsSpan().IndexOf("AAAA"u8);
        "BBBB"u8.CopyTo(der.AsSpan(at));
        Assert.Equal("csr.signature", SigningRequestCheck.Parse(der).Error?.Code);
    }

    [Fact]
    public void A_request_signed_with_sha1_is_refused()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(Subject(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var der = request.CreateSigningRequest(new Sha1RsaSignatureGenerator(key));
        var error = SigningRequestCheck.Parse(der).Error;
        Assert.Equal("csr.signature_algorithm", error?.Code);
        Assert.Contains("1.2.840.113549.1.1.5", error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void No_request_is_asked_for(string? input) => Assert.Equal("csr.required", SigningRequestCheck.Parse(input).Error?.Code);

    [Theory]
    [InlineData("这不是证书请求")]
    [InlineData("hello, world")]
    [InlineData("AAAA")]
    [InlineData("MIIB")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\n%%%%\n-----END CERTIFICATE REQUEST-----")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMIIB")]
    public void Text_that_is_not_a_request_is_refused(string input) => Assert.Equal("csr.format", Code(input));

    [Fact]
    public void A_certificate_or_a_key_is_not_a_request()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(Subject(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2026, 6, 14, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 6, 16, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("csr.format", Code(certificate.ExportCertificatePem()));
        Assert.Equal("csr.format", Code(key.ExportSubjectPublicKeyInfoPem()));
        // The certificate's DER, base64 without armour, is read as a request and does not parse as one.
        Assert.NotNull(Code(Convert.ToBase64String(certificate.RawData)));
    }

    [Fact]
    public void Bytes_after_the_request_are_refused()
    {
        var der = RsaRequest(2048).CreateSigningRequest();
        Assert.Equal("csr.format", SigningRequestCheck.Parse([.. der, 0x00]).Error?.Code);
    }

    [Fact]
    public void The_field_named_in_the_error_is_the_callers() =>
        Assert.Equal("renewal", SigningRequestCheck.Parse("junk!", "renewal").Error?.Field);

    [Fact]
    public void The_subject_names_the_user_and_the_organisation()
    {
        var request = Accepted(RsaRequest(2048).CreateSigningRequestPem()).Request;
        Assert.Null(SigningRequestCheck.CheckSubject(request, UserName, Organisation));
        Assert.Equal("csr.subject", SigningRequestCheck.CheckSubject(request, "李四", Organisation)?.Code);
        Assert.Equal("csr.subject", SigningRequestCheck.CheckSubject(request, UserName, "宁夏另一家公司")?.Code);
    }

    [Fact]
    public void The_subject_is_compared_after_full_width_folding_and_trimming()
    {
        var request = RsaRequest(2048, Subject(commonName: "ＺＨＡＮＧ　San ", organisation: "宁夏ＡＢＣ科技有限公司")).CreateSigningRequestPem();
        var parsed = Accepted(request).Request;
        Assert.Null(SigningRequestCheck.CheckSubject(parsed, "Zhang San", Organisation));
        Assert.Equal("csr.subject", SigningRequestCheck.CheckSubject(parsed, "Zhang Si", Organisation)?.Code);
    }

    [Fact]
    public void A_request_without_an_organisation_is_checked_on_its_common_name()
    {
        var parsed = Accepted(RsaRequest(2048, Subject(organisation: null)).CreateSigningRequestPem()).Request;
        Assert.Null(SigningRequestCheck.CheckSubject(parsed, UserName, Organisation));
        Assert.Equal("csr.subject", SigningRequestCheck.CheckSubject(parsed, "李四", Organisation)?.Code);
    }

    [Fact]
    public void A_request_without_a_common_name_or_with_two_is_refused()
    {
        var none = Accepted(RsaRequest(2048, Subject(commonName: null)).CreateSigningRequestPem()).Request;
        Assert.Equal("csr.subject", SigningRequestCheck.CheckSubject(none, UserName, Organisation)?.Code);

        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(UserName);
        builder.AddCommonName("李四");
        var two = Accepted(RsaRequest(2048, builder.Build()).CreateSigningRequestPem()).Request;
        Assert.Equal("csr.subject", SigningRequestCheck.CheckSubject(two, UserName, Organisation)?.Code);
        Assert.Equal("csr.subject", SigningRequestCheck.CheckSubject(two, "李四", Organisation)?.Code);
    }

    [Fact]
    public void A_subject_with_a_multi_valued_name_is_refused_not_thrown()
    {
        // CN=张三+O=宁夏ABC科技有限公司 in one RDN: a token may write it, and the subject cannot be read as one CN.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSetOf())
            {
                foreach (var (oid, value) in new[] { ("2.5.4.3", UserName), ("2.5.4.10", Organisation) })
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(oid);
                        writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
                    }
                }
            }
        }

        var parsed = Accepted(RsaRequest(2048, new X500DistinguishedName(writer.Encode())).CreateSigningRequestPem()).Request;
        Assert.Equal("csr.subject", SigningRequestCheck.CheckSubject(parsed, UserName, Organisation)?.Code);
    }

    /// <summary>sha1WithRSAEncryption, which .NET no longer offers for requests but old tokens still make.</summary>
    private sealed class Sha1RsaSignatureGenerator(RSA key) : X509SignatureGenerator
    {
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.5");
                writer.WriteNull();
            }

            return writer.Encode();
        }

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
            key.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);

        protected override PublicKey BuildPublicKey() => CreateForRSA(key, RSASignaturePadding.Pkcs1).PublicKey;
    }
}

public class RenewalProofTests
{
    private static X509Certificate2 SelfSigned(AsymmetricAlgorithm key)
    {
        var subject = new X500DistinguishedName("CN=张三");
        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException("RSA or ECDSA", nameof(key)),
        };
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return request.CreateSelfSigned(from, from.AddYears(2));
    }

    private static X509Certificate2 PublicOnly(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    private static byte[] NewRequest()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=张三", key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    [Fact]
    public void An_rsa_proof_verifies_with_the_old_certificate()
    {
        using var key = RSA.Create(2048);
        using var old = SelfSigned(key);
        var request = NewRequest();
        var proof = RenewalProof.Sign(old, request);
        using var published = PublicOnly(old);
        Assert.True(RenewalProof.Verify(published, request, proof));
        Assert.True(RenewalProof.Verify(published, request, key.SignData(request, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
    }

    [Fact]
    public void An_ecdsa_proof_verifies_in_der_and_in_p1363()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var old = SelfSigned(key);
        using var published = PublicOnly(old);
        var request = NewRequest();
        var der = RenewalProof.Sign(old, request);
        Assert.Equal(0x30, der[0]);
        Assert.True(RenewalProof.Verify(published, request, der));
        var p1363 = key.SignData(request, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Assert.Equal(64, p1363.Length);
        Assert.True(RenewalProof.Verify(published, request, p1363));
    }

    [Fact]
    public void A_proof_made_with_another_key_fails()
    {
        using var oldKey = RSA.Create(2048);
        using var otherKey = RSA.Create(2048);
        using var old = PublicOnly(SelfSigned(oldKey));
        using var other = SelfSigned(otherKey);
        var request = NewRequest();
        Assert.False(RenewalProof.Verify(old, request, RenewalProof.Sign(other, request)));

        using var oldEc = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherEc = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var oldEcCertificate = PublicOnly(SelfSigned(oldEc));
        using var otherEcCertificate = SelfSigned(otherEc);
        Assert.False(RenewalProof.Verify(oldEcCertificate, request, RenewalProof.Sign(otherEcCertificate, request)));
        Assert.False(RenewalProof.Verify(oldEcCertificate, request, otherEc.SignData(request, HashAlgorithmName.SHA256)));
    }

    [Fact]
    public void A_proof_of_another_request_fails()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var old = SelfSigned(key);
        var proof = RenewalProof.Sign(old, NewRequest());
        Assert.False(RenewalProof.Verify(PublicOnly(old), NewRequest(), proof));
    }

    [Fact]
    public void Garbage_is_no_proof()
    {
        using var rsa = PublicOnly(SelfSigned(RSA.Create(2048)));
        using var ecdsa = PublicOnly(SelfSigned(ECDsa.Create(ECCurve.NamedCurves.nistP256)));
        var request = NewRequest();
        foreach (var garbage in new byte[][] { [], [0x30, 0x00], new byte[64], new byte[256] })
        {
            Assert.False(RenewalProof.Verify(rsa, request, garbage));
            Assert.False(RenewalProof.Verify(ecdsa, request, garbage));
        }
    }

    [Fact]
    public void Signing_needs_the_old_private_key()
    {
        using var old = PublicOnly(SelfSigned(RSA.Create(2048)));
        Assert.Throws<InvalidOperationException>(() => RenewalProof.Sign(old, NewRequest()));
    }
}
