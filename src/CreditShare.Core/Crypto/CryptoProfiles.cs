using System.Buffers;
using System.Text;

namespace CreditShare.Core.Crypto;

/// <summary>
/// The profile this installation computes with: one per process, so that what one part of the platform stores another
/// can check. Today's algorithms are the only choice; the 国密 profile makes this a startup setting (its own issue).
/// </summary>
public static class CryptoProfiles
{
    public static ICryptoProfile Current => InternationalProfile.Instance;
}

/// <summary>
/// A stored value that names the algorithm that made it: <c>algorithm:value</c>, e.g. <c>hmac-sha256:3f…</c>.
/// Identifiers are lower-case letters, digits and hyphens, so the first colon ends the tag.
/// </summary>
public static class AlgorithmTag
{
    public static string Format(string algorithm, string value) => $"{algorithm}:{value}";

    public static bool TryParse(string? stored, out string algorithm, out string value)
    {
        var colon = stored?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0 || !stored![..colon].All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            (algorithm, value) = ("", "");
            return false;
        }

        (algorithm, value) = (stored[..colon], stored[(colon + 1)..]);
        return true;
    }

    /// <summary>The algorithm named by a tagged value, or null when it names none.</summary>
    public static string? Of(string? stored) => TryParse(stored, out var algorithm, out _) ? algorithm : null;
}

public static class CryptoProfileExtensions
{
    /// <summary>The content digest as lower-case hex.</summary>
    public static string DigestHex(this ICryptoProfile profile, ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[profile.DigestBytes];
        profile.Digest(data, digest);
        return Convert.ToHexStringLower(digest);
    }

    public static async Task<string> DigestHexAsync(this ICryptoProfile profile, Stream data, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(await profile.DigestAsync(data, cancellationToken));

    /// <summary>The MAC of <paramref name="text"/> (UTF-8) as lower-case hex.</summary>
    public static string MacHex(this ICryptoProfile profile, ReadOnlySpan<byte> key, string text)
    {
        // On the audit writer's and the batch's path: no MAC object, no array for short inputs.
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = length > 2048 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> bytes = rented ?? stackalloc byte[2048];
        Span<byte> mac = stackalloc byte[profile.MacBytes];
        profile.Mac(key, bytes[..Encoding.UTF8.GetBytes(text, bytes)], mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// Names a key without revealing it: the MAC algorithm and 8 hex digits of the key's MAC of <paramref name="label"/>.
    /// Tells a wrong key from a forgery, and will tell keys apart once they rotate.
    /// </summary>
    public static string KeyId(this ICryptoProfile profile, ReadOnlySpan<byte> key, ReadOnlySpan<byte> label)
    {
        Span<byte> mac = stackalloc byte[profile.MacBytes];
        profile.Mac(key, label, mac);
        return AlgorithmTag.Format(profile.MacAlgorithm, Convert.ToHexStringLower(mac)[..8]);
    }
}

/// <summary>
/// Digests of content under the current profile (files, reports, request bodies): what callers that only compare
/// content by digest need, without naming an algorithm.
/// </summary>
public static class ContentDigest
{
    /// <summary>The algorithm ("sha256"), for labels that say which digest a value is.</summary>
    public static string Algorithm => CryptoProfiles.Current.DigestAlgorithm;

    public static string Hex(ReadOnlySpan<byte> data) => CryptoProfiles.Current.DigestHex(data);

    public static Task<string> HexAsync(Stream data, CancellationToken cancellationToken = default) => CryptoProfiles.Current.DigestHexAsync(data, cancellationToken);
}
