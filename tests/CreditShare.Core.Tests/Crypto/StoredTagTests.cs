using System.Security.Cryptography;
using CreditShare.Core.Audit;
using CreditShare.Core.Crypto;

namespace CreditShare.Core.Tests.Crypto;

/// <summary>Every stored format names its algorithm; a value named for another one is refused, never misread.</summary>
public class StoredTagTests
{
    private static readonly byte[] EncryptionKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] LookupKey = [.. Enumerable.Range(41, 32).Select(i => (byte)i)];

    private static PersonalDataCrypto Crypto() => new(InternationalProfile.Instance, EncryptionKey, LookupKey);

    [Theory]
    [InlineData("hmac-sha256:3fa9", "hmac-sha256", "3fa9")]
    [InlineData("sha256:ab:cd", "sha256", "ab:cd")]
    public void A_tag_round_trips(string stored, string algorithm, string value)
    {
        Assert.True(AlgorithmTag.TryParse(stored, out var parsedAlgorithm, out var parsedValue));
        Assert.Equal((algorithm, value), (parsedAlgorithm, parsedValue));
        Assert.Equal(stored, AlgorithmTag.Format(parsedAlgorithm, parsedValue));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("3fa9")]
    [InlineData(":3fa9")]
    [InlineData("HMAC SHA256:3fa9")]
    public void A_value_without_a_tag_names_no_algorithm(string? stored) => Assert.Null(AlgorithmTag.Of(stored));

    [Fact]
    public void Personal_data_round_trips_in_the_tagged_envelope()
    {
        using var crypto = Crypto();
        var sealedValue = crypto.Protect("110101199003070038");
        Assert.StartsWith("enc:v1:", sealedValue);
        Assert.True(PersonalDataCrypto.IsSealed(sealedValue, InternationalProfile.Instance));
        Assert.Equal("110101199003070038", crypto.Unprotect(sealedValue));
        Assert.Equal("a value stored before it was encrypted", crypto.Unprotect("a value stored before it was encrypted"));
    }

    [Theory]
    [InlineData("sm4-gcm")]
    [InlineData("v2")]
    public void Personal_data_sealed_by_another_cipher_is_refused(string tag)
    {
        using var crypto = Crypto();
        var sealedValue = crypto.Protect("110101199003070038");
        var relabelled = $"enc:{tag}:{sealedValue["enc:v1:".Length..]}";
        Assert.False(PersonalDataCrypto.IsSealed(relabelled, InternationalProfile.Instance));
        Assert.Throws<CryptographicException>(() => crypto.Unprotect(relabelled));
    }

    [Fact]
    public void Personal_data_sealed_under_another_key_is_refused()
    {
        using var crypto = Crypto();
        using var other = new PersonalDataCrypto(InternationalProfile.Instance, LookupKey, EncryptionKey);
        Assert.ThrowsAny<CryptographicException>(() => other.Unprotect(crypto.Protect("13800138000")));
    }

    [Fact]
    public void A_lookup_hash_names_its_algorithm_and_is_the_keyed_hash()
    {
        using var crypto = Crypto();
        var hash = crypto.LookupHash("身份证:110101199003070038");
        Assert.True(AlgorithmTag.TryParse(hash, out var algorithm, out var hex));
        Assert.Equal("hmac-sha256", algorithm);
        Assert.Equal(InternationalProfile.Instance.MacHex(LookupKey, "身份证:110101199003070038"), hex);
        Assert.Equal(hex, crypto.KeyedHash("身份证:110101199003070038"));
        Assert.Equal(hash, crypto.LookupHash("身份证:110101199003070038"));
    }

    [Fact]
    public void An_audit_key_id_names_the_mac_algorithm()
    {
        var key = new AuditChainKey(LookupKey);
        Assert.Equal("hmac-sha256", AlgorithmTag.Of(key.Id));
        Assert.Equal(key.Algorithm, AlgorithmTag.Of(key.Id));
        // The fingerprint as it was before the profile existed: ids stored then still name the same key.
        Assert.Equal($"hmac-sha256:{Convert.ToHexStringLower(HMACSHA256.HashData(LookupKey, "CreditShare audit chain key id"u8))[..8]}", key.Id);
    }

    [Theory]
    [InlineData("hmac-sm3:1a2b3c4d")]
    [InlineData("1a2b3c4d")]
    public void An_audit_entry_sealed_under_another_algorithm_breaks_the_chain(string keyId)
    {
        var key = new AuditChainKey(LookupKey);
        var facts = new AuditFacts(1, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), 1000, "user", null, null, null, null, "success", null, null);
        var genuine = new ChainLink(facts, key.Id, AuditChain.GenesisHash, AuditChain.Link(facts, AuditChain.GenesisHash, key));
        Assert.Null(AuditChain.FindFirstBreak([genuine], key));

        var broken = AuditChain.FindFirstBreak([genuine with { KeyId = keyId }], key);
        Assert.Equal((1L, "algorithm"), (broken!.Sequence, broken.Reason));
    }
}
