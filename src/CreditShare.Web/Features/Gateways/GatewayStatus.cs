namespace CreditShare.Web.Features.Gateways;

/// <summary>
/// The latest heartbeat of one gateway (前置机), one row per gateway certificate: each heartbeat overwrites it. The
/// history is the gateway's own log; the platform only needs to know how each gateway is doing now.
/// </summary>
public sealed class GatewayStatus
{
    /// <summary>The serial of the gateway certificate the heartbeat came through (upper-case hex).</summary>
    public string CertificateSerial { get; set; } = "";

    public int UnitId { get; set; }

    /// <summary>The gateway's name as configured by the unit (several gateways of one unit tell themselves apart by it).</summary>
    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public int QueueDepth { get; set; }

    public long? OldestItemAgeSeconds { get; set; }

    public DateTimeOffset? LastSuccessAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>Days to expiry as the gateway counts them; the fleet view also counts from the platform's own record.</summary>
    public int? CertificateDaysLeft { get; set; }

    public long SpoolBytes { get; set; }

    /// <summary>The gateway's clock when it sent the heartbeat: next to <see cref="ReceivedAt"/> it shows a clock that is off.</summary>
    public DateTimeOffset SentAt { get; set; }

    /// <summary>The platform's clock when the heartbeat arrived: silence is judged from this.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    public string? RemoteAddress { get; set; }
}
