using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Gateway.Delivery;
using CreditShare.Gateway.Operations;

namespace CreditShare.Gateway.Renewal;

/// <summary>
/// Renews the certificate once it has at most <c>Platform:RenewBeforeDays</c> days left, retrying a failure with
/// back-off (<see cref="FirstRetry"/>, doubling, at most <see cref="LongestRetry"/>); and picks up a pair that
/// <c>gateway renew</c> (or an operator) put in the configured files, so a running service follows within an hour.
/// </summary>
public sealed class RenewalLoop(GatewayOptions options, CertificateRenewal renewal, ClientCertificate certificate, GatewayStatus status, TimeProvider time,
    ILogger<RenewalLoop> logger) : BackgroundService
{
    public static readonly TimeSpan Recheck = TimeSpan.FromHours(1);

    public static readonly TimeSpan FirstRetry = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan LongestRetry = TimeSpan.FromHours(6);

    private int failures;

    /// <summary>When a certificate comes into the renewal window; null when automatic renewal is off.</summary>
    public static DateTimeOffset? DueAt(X509Certificate2 certificate, int renewBeforeDays) =>
        renewBeforeDays <= 0 ? null : new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).AddDays(-renewBeforeDays);

    /// <summary>One round: follows replaced files, renews if due; returns how long to wait before the next round.</summary>
    public async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        PickUpReplacedFiles();
        if (DueAt(certificate.Current, options.Platform.RenewBeforeDays) is not { } due)
        {
            return Recheck;
        }

        var now = time.GetUtcNow();
        if (now < due)
        {
            failures = 0;
            return Min(due - now, Recheck);
        }

        if (await renewal.RenewAsync(cancellationToken) is RenewalOutcome.Renewed)
        {
            failures = 0;
            if (DueAt(certificate.Current, options.Platform.RenewBeforeDays) <= now)
            {
                // A certificate shorter than the window would otherwise be renewed round after round.
                logger.LogWarning("the renewed certificate has {Days} days or fewer left too: the next attempt in a day", options.Platform.RenewBeforeDays);
                return TimeSpan.FromDays(1);
            }

            return Recheck;
        }

        failures++;
        return Min(FirstRetry * Math.Pow(2, Math.Min(failures - 1, 16)), LongestRetry);
    }

    /// <summary>The configured files hold another pair than the one in use (renewed by <c>gateway renew</c>, or put back by an operator): it is used from now on.</summary>
    private void PickUpReplacedFiles()
    {
        X509Certificate2 onDisk;
        try
        {
            onDisk = GatewayConfiguration.LoadClientCertificate(options.Platform);
        }
        catch (Exception e) when (e is CryptographicException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return; // the pair in use goes on; the next round looks again
        }

        // Any other pair, also an older one: an operator who went back to the .previous files meant it.
        if (onDisk.Thumbprint == certificate.Current.Thumbprint)
        {
            onDisk.Dispose();
            return;
        }

        logger.LogInformation("the certificate files hold another certificate ({Serial}): using it from now on", onDisk.SerialNumber);
        certificate.Replace(onDisk);
        status.CertificateNotAfter = onDisk.NotAfter.ToUniversalTime();
        status.Clear(CertificateRenewal.AlarmKey);
        status.Clear(Heartbeat.ExpiryAlarmKey);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(wait, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
