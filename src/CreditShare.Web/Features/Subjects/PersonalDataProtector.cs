using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Subjects;

public sealed class PersonalDataOptions
{
    /// <summary>Base64 of 32 random bytes: the AES-256-GCM key for personal data at rest.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Base64 of 32 random bytes: the HMAC-SHA256 key of the exact-lookup hashes.</summary>
    public string? LookupKey { get; set; }

    public bool IsComplete => Decode(EncryptionKey) is { Length: 32 } && Decode(LookupKey) is { Length: 32 };

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
/// Keeps personal data (ID numbers) out of the database in clear: AES-256-GCM with a random nonce for storage, and a
/// keyed hash beside it for exact lookup. Both keys come from configuration; a stolen database file reveals neither.
/// </summary>
public sealed class PersonalDataProtector : IDisposable
{
    private const string Prefix = "enc:v1:";
    private readonly byte[] encryptionKey;
    private readonly byte[] lookupKey;

    // An AesGcm instance may not be shared between threads, and making one per value costs more than the encryption.
    private readonly ThreadLocal<AesGcm> cipher;

    public PersonalDataProtector(IOptions<PersonalDataOptions> options)
    {
        if (!options.Value.IsComplete)
        {
            throw new InvalidOperationException(
                "PersonalData:EncryptionKey and PersonalData:LookupKey must each be base64 of 32 random bytes (e.g. `openssl rand -base64 32`).");
        }

        encryptionKey = PersonalDataOptions.Decode(options.Value.EncryptionKey)!;
        lookupKey = PersonalDataOptions.Decode(options.Value.LookupKey)!;
        cipher = new ThreadLocal<AesGcm>(() => new AesGcm(encryptionKey, 16), trackAllValues: true);
    }

    public void Dispose()
    {
        foreach (var aes in cipher.Values)
        {
            aes.Dispose();
        }

        cipher.Dispose();
    }

    public static bool IsProtected(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public string Protect(string plain)
    {
        var plainBytes = Encoding.UTF8.GetBytes(plain);
        var output = new byte[12 + plainBytes.Length + 16];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        cipher.Value!.Encrypt(nonce, plainBytes, output.AsSpan(12, plainBytes.Length), output.AsSpan(12 + plainBytes.Length));
        return Prefix + Convert.ToBase64String(output);
    }

    public string Unprotect(string stored)
    {
        if (!IsProtected(stored))
        {
            return stored;
        }

        var bytes = Convert.FromBase64String(stored[Prefix.Length..]);
        var plain = new byte[bytes.Length - 28];
        cipher.Value!.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(12, plain.Length), bytes.AsSpan(12 + plain.Length), plain);
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Keyed hash for exact lookup and for comparing content without keeping it readable.</summary>
    public string LookupHash(string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = length > 1024 ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> bytes = rented ?? stackalloc byte[1024];
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(lookupKey, bytes[..Encoding.UTF8.GetBytes(value, bytes)], hash);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Makes throwaway keys for Development under data/keys (never in the repository).</summary>
    public static IReadOnlyDictionary<string, string?> EnsureDevelopmentKeys(string directory)
    {
        var path = Path.Combine(directory, "personal-data.keys");
        if (!File.Exists(path))
        {
            Certificates.CertificateAuthority.WritePrivate(path,
                $"{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n");
        }

        var lines = File.ReadAllLines(path);
        return new Dictionary<string, string?> { ["PersonalData:EncryptionKey"] = lines[0], ["PersonalData:LookupKey"] = lines[1] };
    }
}
