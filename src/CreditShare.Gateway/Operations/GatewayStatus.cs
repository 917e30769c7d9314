using System.Collections.Concurrent;

namespace CreditShare.Gateway.Operations;

/// <summary>What the gateway knows about itself right now: for the status page, the heartbeat and the log.</summary>
public sealed class GatewayStatus(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, string> alarms = new();

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public DateTimeOffset? LastSuccessAt { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? LastErrorAt { get; private set; }

    public long SpoolBytes { get; set; }

    public long SpoolLimit { get; set; }

    public DateTimeOffset? CertificateNotAfter { get; set; }

    public int? CertificateDaysLeft => CertificateNotAfter is { } at ? (int)Math.Floor((at - time.GetUtcNow()).TotalDays) : null;

    /// <summary>Conditions that need a person (spool full, certificate expiring, platform certificate refused), by key.</summary>
    public IReadOnlyDictionary<string, string> Alarms => alarms;

    public void Succeeded() => LastSuccessAt = time.GetUtcNow();

    public void Failed(string error)
    {
        LastError = error;
        LastErrorAt = time.GetUtcNow();
    }

    public void Raise(string key, string message) => alarms[key] = message;

    public void Clear(string key) => alarms.TryRemove(key, out _);
}
