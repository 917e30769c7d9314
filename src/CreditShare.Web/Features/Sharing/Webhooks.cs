using System.Security.Cryptography;
using System.Text;

namespace CreditShare.Web.Features.Sharing;

// What a receiver sees of a webhook: the API's shapes and the signature. Options, the address guard, the endpoints
// and the dispatcher have files of their own (Webhook*.cs).

public sealed record WebhookInput(string? Url, IReadOnlyList<string>? Categories);

public sealed record WebhookView(int Id, string Url, IReadOnlyList<string> Categories, string Status, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset? NextAttemptAt,
    string? Secret = null);

public sealed record DeliveryView(Guid DeliveryId, long RecordId, string Change, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, bool Succeeded);

/// <summary>The body pushed to a receiver: one change, exactly as the change feed carries it.</summary>
public sealed record WebhookPayload(Guid DeliveryId, int SubscriptionId, DateTimeOffset SentAt, SharedChange Change);

/// <summary>HMAC-SHA256 over "timestamp.body"; the receiver recomputes it and refuses timestamps outside the replay window.</summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-CreditShare-Signature";
    public const string DeliveryHeader = "X-CreditShare-Delivery";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message))}";
    }

    /// <summary>What a receiver does: the signature matches and the timestamp is within the replay window of its clock.</summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var parts = (header ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, out var timestamp) || !parts.ContainsKey("v1"))
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (age > WebhookOptions.ReplayWindow || age < -WebhookOptions.ReplayWindow)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(header!.Trim()));
    }
}
