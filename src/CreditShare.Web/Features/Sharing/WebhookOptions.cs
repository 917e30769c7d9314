namespace CreditShare.Web.Features.Sharing;

public sealed class WebhookOptions
{
    /// <summary>Testing only: lets subscriptions point at this machine (127.0.0.0/8, ::1). Private networks stay refused.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Trust receivers whose certificate the platform's own CA issued (internal receivers, tests).</summary>
    public bool TrustPlatformCa { get; set; }

    /// <summary>Whether this instance delivers (on PostgreSQL several may: an advisory lock lets one round run at a time).</summary>
    public bool Dispatch { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);
}
