using System.Security.Cryptography;
using System.Text;

namespace CreditShare.Core.Contract;

/// <summary>
/// The crypto profile's MAC over "timestamp.body", named by its algorithm: <c>t=&lt;unix&gt;,hmac-sha256=&lt;hex&gt;</c>. The
/// receiver recomputes it with the algorithm named and refuses timestamps outside the replay window.
/// Here, not in the dispatcher, because receivers (the gateway, units' own systems, tests) verify with the same code.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-CreditShare-Signature";
    public const string DeliveryHeader = "X-CreditShare-Delivery";

    /// <summary>How old a signed timestamp a receiver should accept; documented with the signature.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var profile = Crypto.CryptoProfiles.Current;
        var mac = new byte[profile.MacBytes];
        profile.Mac(Encoding.UTF8.GetBytes(secret), message, mac);
        return $"t={timestamp},{profile.MacAlgorithm}={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>What a receiver does: the signature matches and the timestamp is within the replay window of its clock.</summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var parts = (header ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, out var timestamp) || !parts.ContainsKey(Crypto.CryptoProfiles.Current.MacAlgorithm))
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (age > ReplayWindow || age < -ReplayWindow)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(header!.Trim()));
    }
}
