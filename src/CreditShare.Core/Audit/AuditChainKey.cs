using System.Security.Cryptography;
using System.Text;
using CreditShare.Core.Crypto;

namespace CreditShare.Core.Audit;

/// <summary>
/// The secret of the audit chain and the one place where its MAC is computed: entries, archive rows and checkpoints are
/// all sealed here. The key comes from configuration, never from the database, so whoever can write the database can
/// edit rows but cannot seal them again. The MAC is the crypto profile's; its algorithm is the tag at the front of
/// <see cref="Id"/>, which is stored beside everything the key seals.
/// </summary>
public sealed class AuditChainKey
{
    private readonly byte[] key;
    private readonly ICryptoProfile profile;

    public AuditChainKey(ReadOnlySpan<byte> key)
        : this(key, CryptoProfiles.Current)
    {
    }

    public AuditChainKey(ReadOnlySpan<byte> key, ICryptoProfile profile)
    {
        if (key.Length != profile.MacKeyBytes)
        {
            throw new ArgumentException($"The audit chain key must be {profile.MacKeyBytes} bytes.", nameof(key));
        }

        this.key = key.ToArray();
        this.profile = profile;
        // A fingerprint, not the key: tells a wrong key apart from a forgery, and names the key once keys rotate.
        Id = profile.KeyId(this.key, "CreditShare audit chain key id"u8);
    }

    /// <summary>The key from its configured form (base64 of the profile's key size), or null when missing or malformed.</summary>
    public static AuditChainKey? FromBase64(string? value) => FromBase64(value, CryptoProfiles.Current);

    public static AuditChainKey? FromBase64(string? value, ICryptoProfile profile)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[profile.MacKeyBytes + 3];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) && written == profile.MacKeyBytes ? new AuditChainKey(bytes[..written], profile) : null;
    }

    /// <summary>The MAC algorithm ("hmac-sha256"), the tag of <see cref="Id"/>.</summary>
    public string Algorithm => profile.MacAlgorithm;

    /// <summary>Algorithm and key fingerprint (<c>hmac-sha256:1a2b3c4d</c>), stored beside everything this key seals.</summary>
    public string Id { get; }

    /// <summary>The MAC of <paramref name="canonical"/>, as lower-case hex.</summary>
    public string Seal(string canonical) => profile.MacHex(key, canonical);

    /// <summary>Whether <paramref name="seal"/> is this key's MAC of <paramref name="canonical"/> (constant time).</summary>
    public bool Verifies(string canonical, string? seal) =>
        seal is not null && seal.Length == 2 * profile.MacBytes && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Seal(canonical)), Encoding.ASCII.GetBytes(seal));
}
