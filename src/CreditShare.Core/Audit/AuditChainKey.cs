using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace CreditShare.Core.Audit;

/// <summary>
/// The secret of the audit chain and the one place where its MAC is computed: entries, archive rows and checkpoints are
/// all sealed here. The key comes from configuration, never from the database, so whoever can write the database can
/// edit rows but cannot seal them again. The 国密 profile will put SM3-HMAC behind this same type, under its own
/// algorithm name in <see cref="Id"/>.
/// </summary>
public sealed class AuditChainKey
{
    public const string Algorithm = "hmac-sha256";
    public const int KeyBytes = 32;

    private readonly byte[] key;

    public AuditChainKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"The audit chain key must be {KeyBytes} bytes.", nameof(key));
        }

        this.key = key.ToArray();
        // A fingerprint, not the key: tells a wrong key apart from a forgery, and names the key once keys rotate.
        Id = $"{Algorithm}:{Convert.ToHexStringLower(HMACSHA256.HashData(this.key, "CreditShare audit chain key id"u8))[..8]}";
    }

    /// <summary>The key from its configured form (base64 of 32 bytes), or null when missing or malformed.</summary>
    public static AuditChainKey? FromBase64(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[KeyBytes + 3];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) && written == KeyBytes ? new AuditChainKey(bytes[..written]) : null;
    }

    /// <summary>Algorithm and key fingerprint, stored beside everything this key seals.</summary>
    public string Id { get; }

    /// <summary>The MAC of <paramref name="canonical"/>, as 64 lower-case hex digits.</summary>
    public string Seal(string canonical)
    {
        // On the audit writer's path: no HMAC object, no array for short inputs.
        var length = Encoding.UTF8.GetMaxByteCount(canonical.Length);
        var rented = length > 2048 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> bytes = rented ?? stackalloc byte[2048];
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, bytes[..Encoding.UTF8.GetBytes(canonical, bytes)], mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Whether <paramref name="seal"/> is this key's MAC of <paramref name="canonical"/> (constant time).</summary>
    public bool Verifies(string canonical, string? seal) =>
        seal is { Length: 64 } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Seal(canonical)), Encoding.ASCII.GetBytes(seal));
}
