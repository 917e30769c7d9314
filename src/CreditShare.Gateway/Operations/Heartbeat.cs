using CreditShare.Gateway.Delivery;

namespace CreditShare.Gateway.Operations;

/// <summary>Tells the platform's fleet view how this gateway is, and warns in the log from 30 days before the certificate expires.</summary>
public sealed class Heartbeat(GatewayOptions options, StatusReport report, GatewayStatus status, PlatformClient platform, TimeProvider time, ILogger<Heartbeat> logger)
    : BackgroundService
{
    public const int ExpiryWarningDays = 30;

    /// <summary>The alarm of a certificate that expires soon; a renewal clears it.</summary>
    public const string ExpiryAlarmKey = "certificate";

    /// <summary>A clock off by more than <see cref="GatewayCheck.MaxClockOffset"/> makes certificate checks and receipt times unreliable: said on the status page and in the log.</summary>
    public void CheckClock(DateTimeOffset? serverTime)
    {
        if (serverTime is not { } platformTime)
        {
            return;
        }

        var offset = time.GetUtcNow() - platformTime;
        if (offset.Duration() > GatewayCheck.MaxClockOffset)
        {
            var message = $"本机时钟比平台{(offset > TimeSpan.Zero ? "快" : "慢")} {offset.Duration().TotalMinutes:0.#} 分钟：请校准本机时间（NTP）";
            if (!status.Alarms.ContainsKey("clock"))
            {
                logger.LogWarning("{Message}", message);
            }

            status.Raise("clock", message);
        }
        else
        {
            status.Clear("clock");
        }
    }

    /// <summary>One heartbeat, as the loop sends it; returns the platform's status code.</summary>
    public async Task<System.Net.HttpStatusCode> BeatAsync(CancellationToken cancellationToken)
    {
        var (answer, serverTime) = await platform.PostJsonAsync("api/v1/gateway/heartbeat", report.Heartbeat(), cancellationToken);
        CheckClock(serverTime);
        return answer;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateOnly? warned = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (status.CertificateDaysLeft is { } days && days <= ExpiryWarningDays)
            {
                var message = days < 0 ? "前置机证书已过期，平台将拒绝连接：请尽快申请新证书" : $"前置机证书将在 {days} 天后到期：请及时申请更新";
                status.Raise(ExpiryAlarmKey, message);
                if (warned != Core.ProvincialTime.Today(time))
                {
                    logger.LogWarning("{Message}", message);
                    warned = Core.ProvincialTime.Today(time);
                }
            }
            else
            {
                status.Clear(ExpiryAlarmKey);
            }

            try
            {
                var answer = await BeatAsync(stoppingToken);
                if ((int)answer >= 400)
                {
                    logger.LogDebug("heartbeat answered {Status}", answer);
                }
            }
            catch (HttpRequestException e)
            {
                logger.LogDebug("heartbeat not delivered: {Error}", PlatformClient.Describe(e));
            }
            catch (TaskCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Max(5, options.HeartbeatSeconds)), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
