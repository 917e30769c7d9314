using CreditShare.Core.Crypto;
using CreditShare.Web.Infrastructure.Crypto;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Subjects;

public sealed class PersonalDataOptions
{
    /// <summary>Base64 of random bytes (32 for today's AES-256-GCM): the key for personal data at rest.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Base64 of random bytes (32 for today's HMAC-SHA256): the key of the exact-lookup hashes.</summary>
    public string? LookupKey { get; set; }

    public bool IsComplete => IsCompleteFor(CryptoProfiles.Current);

    public bool IsCompleteFor(ICryptoProfile profile) =>
        Decode(EncryptionKey)?.Length == profile.CipherKeyBytes && Decode(LookupKey)?.Length == profile.MacKeyBytes;

    internal static byte[]? Decode(string? value)
    {
        try
        {
            return string.IsNullOrWhiteSpace(value) ? null : Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// Keeps personal data (ID numbers) out of the database in clear: the crypto profile's cipher with a random nonce for
/// storage, and a keyed hash beside it for exact lookup (<see cref="PersonalDataCrypto"/>). Both keys come from
/// configuration; a stolen database file reveals neither.
/// </summary>
public sealed class PersonalDataProtector : IDisposable
{
    private readonly PersonalDataCrypto crypto;

    public PersonalDataProtector(IOptions<PersonalDataOptions> options)
    {
        var profile = CryptoProfiles.Current;
        if (!options.Value.IsCompleteFor(profile))
        {
            throw new InvalidOperationException(
                $"PersonalData:EncryptionKey and PersonalData:LookupKey must be base64 of {profile.CipherKeyBytes} and {profile.MacKeyBytes} random bytes " +
                $"(e.g. `openssl rand -base64 {profile.CipherKeyBytes}`).");
        }

        crypto = new PersonalDataCrypto(profile, PersonalDataOptions.Decode(options.Value.EncryptionKey)!, PersonalDataOptions.Decode(options.Value.LookupKey)!);
    }

    public void Dispose() => crypto.Dispose();

    public static bool IsProtected(string value) => PersonalDataCrypto.IsSealed(value, CryptoProfiles.Current);

    public string Protect(string plain) => crypto.Protect(plain);

    public string Unprotect(string stored) => crypto.Unprotect(stored);

    /// <summary>Keyed hash for exact lookup, tagged with its algorithm (<c>hmac-sha256:…</c>): a natural person's subject key.</summary>
    public string LookupHash(string value) => crypto.LookupHash(value);

    /// <summary>The keyed hash without its tag, for comparing content without keeping it readable and for signing cursors.</summary>
    public string KeyedHash(string value) => crypto.KeyedHash(value);

    /// <summary>Makes throwaway keys for Development under data/keys (never in the repository).</summary>
    public static IReadOnlyDictionary<string, string?> EnsureDevelopmentKeys(string directory)
    {
        var profile = CryptoProfiles.Current;
        var lines = KeyFiles.EnsureRandomKeys(Path.Combine(directory, "personal-data.keys"), profile.CipherKeyBytes, profile.MacKeyBytes);
        return new Dictionary<string, string?> { ["PersonalData:EncryptionKey"] = lines[0], ["PersonalData:LookupKey"] = lines[1] };
    }
}
