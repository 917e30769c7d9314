using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CreditShare.Core.Audit;
using CreditShare.Core.Crypto;

namespace CreditShare.Core.Tests.Crypto;

/// <summary>Known-answer vectors for every primitive, taken through the profile rather than the platform library.</summary>
public class CryptoProfileTests
{
    private static ICryptoProfile Profile => CryptoProfiles.Current;

    [Fact]
    public void The_current_profile_is_todays_algorithms()
    {
        Assert.Same(InternationalProfile.Instance, CryptoProfiles.Current);
        Assert.Equal(("sha256", "hmac-sha256", "aes-256-gcm", "v1"), (Profile.DigestAlgorithm, Profile.MacAlgorithm, Profile.CipherAlgorithm, Profile.CipherTag));
    }

    [Fact]
    public void Digest_matches_the_FIPS_180_vector()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Profile.DigestHex("abc"u8));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ContentDigest.Hex([]));
    }

    [Fact]
    public async Task Digest_of_a_stream_matches_the_digest_of_its_bytes()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('信', 10_000));
        using var stream = new MemoryStream(bytes);
        Assert.Equal(Profile.DigestHex(bytes), await ContentDigest.HexAsync(stream));
    }

    [Fact]
    public void Mac_matches_the_RFC_4231_vectors()
    {
        // Test case 2 (a short key) and test case 6 (a key longer than the block).
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", Profile.MacHex("Jefe"u8, "what do ya want for nothing?"));
        Assert.Equal("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            Profile.MacHex(Enumerable.Repeat((byte)0xaa, 131).ToArray(), "Test Using Larger Than Block-Size Key - Hash Key First"));
    }

    [Fact]
    public void Mac_of_a_long_text_is_the_same_as_through_the_library()
    {
        var text = new string('记', 3000);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData("k"u8, Encoding.UTF8.GetBytes(text))), Profile.MacHex("k"u8, text));
    }

    [Fact]
    public void Cipher_opens_the_GCM_spec_vector_and_refuses_it_altered()
    {
        // McGrew–Viega test case 14: 256-bit zero key, zero nonce, one zero block.
        using var cipher = Profile.CreateCipher(new byte[32]);
        var sealedValue = Convert.FromHexString("000000000000000000000000" + "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919");
        var plain = new byte[16];
        cipher.Open(sealedValue, plain);
        Assert.Equal(new byte[16], plain);

        sealedValue[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => cipher.Open(sealedValue, plain));
    }

    [Fact]
    public void Cipher_seals_under_a_fresh_nonce_each_time()
    {
        using var cipher = Profile.CreateCipher(new byte[32]);
        var a = new byte[5 + cipher.Overhead];
        var b = new byte[5 + cipher.Overhead];
        cipher.Seal("hello"u8, a);
        cipher.Seal("hello"u8, b);
        Assert.NotEqual(a, b);
        var plain = new byte[5];
        cipher.Open(b, plain);
        Assert.Equal("hello"u8.ToArray(), plain);
    }

    [Fact]
    public void Key_sizes_come_from_the_profile()
    {
        Assert.Throws<ArgumentException>(() => Profile.CreateCipher(new byte[16]));
        Assert.Throws<ArgumentException>(() => new PersonalDataCrypto(Profile, new byte[Profile.CipherKeyBytes], new byte[16]));
        Assert.Throws<ArgumentException>(() => new AuditChainKey(new byte[Profile.MacKeyBytes - 1], Profile));
    }

    [Fact]
    public void Certificate_keys_and_signatures_are_the_profiles()
    {
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        using var caKey = Profile.NewCertificateKey(CertificateUse.Authority);
        var caRequest = caKey.Request(new X500DistinguishedName("CN=Test CA"));
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        Assert.Equal("ecdsa-p384-sha384", caKey.Algorithm);
        Assert.Equal("1.2.840.10045.4.3.3", ca.SignatureAlgorithm.Value); // ecdsa-with-SHA384

        using var clientKey = Profile.NewCertificateKey(CertificateUse.Client);
        var request = clientKey.Request(new X500DistinguishedName("CN=91440300708461136T"));
        using var client = Profile.Issue(request, ca, now, now.AddMonths(24), [0x01, 0x02, 0x03]);
        Assert.Equal("ecdsa-p256-sha256", clientKey.Algorithm);
        Assert.Equal("1.2.840.10045.4.3.2", client.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        Assert.Equal(256, client.GetECDsaPublicKey()!.KeySize);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(client.RawData)), Profile.Thumbprint(client));

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.AddDays(1).UtcDateTime;
        Assert.True(chain.Build(client), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));

        using var withKey = client.CopyWithPrivateKey(clientKey);
        Assert.True(withKey.HasPrivateKey);
        Assert.Contains("PRIVATE KEY", clientKey.ExportPrivateKeyPem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Crls_are_signed_with_the_authority_hash()
    {
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        using var caKey = Profile.NewCertificateKey(CertificateUse.Authority);
        var caRequest = caKey.Request(new X500DistinguishedName("CN=Test CA"));
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        var builder = new CertificateRevocationListBuilder();
        builder.AddEntry([0x01, 0x02, 0x03], now);
        var crl = Profile.SignCrl(builder, ca, 7, now.AddDays(7), now);

        var loaded = CertificateRevocationListBuilder.Load(crl, out var number);
        Assert.Equal(7, (int)number);
        Assert.NotNull(loaded);
        // The signatureAlgorithm ecdsa-with-SHA384 (1.2.840.10045.4.3.3), DER-encoded, appears in the CRL.
        Assert.True(crl.AsSpan().IndexOf(Convert.FromHexString("06082A8648CE3D040303")) >= 0);
    }
}
