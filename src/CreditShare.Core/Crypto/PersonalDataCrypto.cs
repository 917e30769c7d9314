using System.Security.Cryptography;
using System.Text;

namespace CreditShare.Core.Crypto;

/// <summary>
/// Personal data (ID numbers, contacts, webhook secrets) at rest: sealed with the profile's cipher in the envelope
/// <c>enc:&lt;cipher tag&gt;:&lt;base64&gt;</c>, and a keyed hash beside it for exact lookup, tagged with the MAC
/// algorithm (<c>hmac-sha256:&lt;hex&gt;</c>). A value sealed or hashed by another algorithm is refused or simply not
/// found: never opened with the wrong one.
/// </summary>
public sealed class PersonalDataCrypto : IDisposable
{
    public const string EnvelopePrefix = "enc:";

    private readonly ICryptoProfile profile;
    private readonly IPersonalDataCipher cipher;
    private readonly byte[] lookupKey;
    private readonly string sealedPrefix;

    public PersonalDataCrypto(ICryptoProfile profile, ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> lookupKey)
    {
        if (encryptionKey.Length != profile.CipherKeyBytes || lookupKey.Length != profile.MacKeyBytes)
        {
            throw new ArgumentException($"The personal-data keys must be {profile.CipherKeyBytes} bytes ({profile.CipherAlgorithm}) and {profile.MacKeyBytes} bytes ({profile.MacAlgorithm}).");
        }

        this.profile = profile;
        cipher = profile.CreateCipher(encryptionKey);
        this.lookupKey = lookupKey.ToArray();
        sealedPrefix = SealedPrefix(profile);
    }

    /// <summary>What a value sealed under <paramref name="profile"/> starts with (<c>enc:v1:</c> today).</summary>
    public static string SealedPrefix(ICryptoProfile profile) => $"{EnvelopePrefix}{profile.CipherTag}:";

    public static bool IsSealed(string value, ICryptoProfile profile) => value.StartsWith(SealedPrefix(profile), StringComparison.Ordinal);

    public string Protect(string plain)
    {
        var plainBytes = Encoding.UTF8.GetBytes(plain);
        var output = new byte[plainBytes.Length + cipher.Overhead];
        cipher.Seal(plainBytes, output);
        return sealedPrefix + Convert.ToBase64String(output);
    }

    /// <summary>
    /// The plain value. A value that is not an envelope is returned as it is (rows from before the field was
    /// encrypted); an envelope of another cipher is refused with <see cref="CryptographicException"/>.
    /// </summary>
    public string Unprotect(string stored)
    {
        if (!stored.StartsWith(EnvelopePrefix, StringComparison.Ordinal))
        {
            return stored;
        }

        if (!stored.StartsWith(sealedPrefix, StringComparison.Ordinal))
        {
            if (AlgorithmTag.TryParse(stored[EnvelopePrefix.Length..], out var tag, out _))
            {
                throw new CryptographicException($"The value is sealed with cipher '{tag}', which the {profile.Name} profile does not open.");
            }

            return stored;
        }

        var bytes = Convert.FromBase64String(stored[sealedPrefix.Length..]);
        var plain = new byte[bytes.Length - cipher.Overhead];
        cipher.Open(bytes, plain);
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Keyed hash for exact lookup (a natural person's subject key), tagged with the MAC algorithm.</summary>
    public string LookupHash(string value) => AlgorithmTag.Format(profile.MacAlgorithm, KeyedHash(value));

    /// <summary>
    /// The same keyed hash without its tag, for values that are only ever compared with one computed the same moment or
    /// kept beside the content they vouch for (record content hashes, feed cursors).
    /// </summary>
    public string KeyedHash(string value) => profile.MacHex(lookupKey, value);

    public void Dispose()
    {
        cipher.Dispose();
        CryptographicOperations.ZeroMemory(lookupKey);
    }
}
