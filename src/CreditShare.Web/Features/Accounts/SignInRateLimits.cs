using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Accounts;

/// <summary>How many credential attempts (password, second factor, enrolment code, current password) are allowed.</summary>
public sealed class SignInLimitOptions
{
    /// <summary>Per client address per minute. Offices behind one NAT address share it: raise it for them.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 20;

    /// <summary>All addresses together per minute: bounds a spray from many addresses.</summary>
    public int SignInAttemptsPerMinuteTotal { get; set; } = 300;
}

/// <summary>
/// Throttles every request that carries a credential (the POSTs of the sign-in pages) per client address and in total,
/// with the built-in rate limiter. The address is <c>Connection.RemoteIpAddress</c>: the real peer, or what a trusted
/// proxy forwarded (never a header a client made up). A refused attempt is answered before any account is looked up,
/// so the answer is the same whatever user name was sent: 429 with <c>Retry-After</c> and a Chinese page that says
/// only that this address tried too often.
/// </summary>
public sealed partial class SignInRateLimitPolicy(IOptions<SignInLimitOptions> options, Security.TrafficCounter counter, ILogger<SignInRateLimitPolicy> logger) : IRateLimiterPolicy<string>
{
    public const string Name = "sign-in";

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    /// <summary>
    /// Counted on the shared counts (<see cref="Security.TrafficCounter"/>), so the limits hold across instances: the
    /// address's own window first, then the total of all addresses.
    /// </summary>
    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        // Only posting a form tries a credential; showing the page is free.
        if (!HttpMethods.IsPost(httpContext.Request.Method))
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        return RateLimitPartition.Get(AddressKey(httpContext.Connection.RemoteIpAddress), key => new Security.SharedWindowLimiter(
            counter, key, Core.Security.AccessSignal.SignInAttempt, options.Value.SignInAttemptsPerMinute, (int)Window.TotalSeconds,
            options.Value.SignInAttemptsPerMinuteTotal));
    }

    /// <summary>IPv4 as is; IPv6 by its /64, which one subscriber usually holds whole. No address at all shares one key.</summary>
    public static string AddressKey(IPAddress? address) => Core.Security.AddressRange.CountingKey(address);

    private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : (int)Window.TotalSeconds;
        LogRejected(logger, AddressKey(http.Connection.RemoteIpAddress), http.Request.Path);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await Problems.Create(StatusCodes.Status429TooManyRequests, "sign_in.rate_limited", "登录尝试过于频繁", RetryMessage(retryAfter)).ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>登录尝试过于频繁 · 公共信用信息共享平台</title><link rel="stylesheet" href="/css/site.css" /></head>
            <body><header class="topbar"><a class="brand" href="/">公共信用信息共享平台 <small>管理控制台</small></a></header><main class="content"><div class="panel narrow" role="alert">
            <h1>登录尝试过于频繁</h1>
            <p id="rate-limited">{HtmlEncoder.Default.Encode(RetryMessage(retryAfter))}</p>
            <p><a href="/SignIn">返回登录页</a></p>
            </div></main></body>
            </html>
            """, cancellationToken);
    }

    private static string RetryMessage(int seconds) =>
        $"本地址在短时间内的登录尝试次数已达上限，请 {seconds} 秒后再试。如多人共用一个出口地址，请联系安全管理员调整限额。";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in attempt from {Address} to {Path} refused by the rate limit")]
    private static partial void LogRejected(ILogger logger, string address, string path);
}

public static class SignInRateLimits
{
    /// <summary>Registers the policy the sign-in pages name with <c>[EnableRateLimiting(SignInRateLimitPolicy.Name)]</c>.</summary>
    public static IServiceCollection AddSignInRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SignInLimitOptions>(configuration.GetSection("Accounts"));
        return services.AddRateLimiter(o => o.AddPolicy<string, SignInRateLimitPolicy>(SignInRateLimitPolicy.Name));
    }
}
