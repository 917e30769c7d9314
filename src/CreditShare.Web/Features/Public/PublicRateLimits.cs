using System.Globalization;
using System.Threading.RateLimiting;
using CreditShare.Core.Security;
using CreditShare.Web.Features.Security;
using CreditShare.Web.Infrastructure;

namespace CreditShare.Web.Features.Public;

public sealed class PublicSiteOptions
{
    /// <summary>Requests one client address may make to the public pages and API per minute.</summary>
    public int RequestsPerMinute { get; set; } = 120;

    /// <summary>The public site's address as printed in credit reports' QR codes; empty means the address a request came to.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The length of the counting window in seconds (a minute; shorter only in tests).</summary>
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Per-address limits on every public endpoint (art. 19): the register is free to query, not to harvest. The address
/// is the direct peer's, or the one a trusted proxy forwarded (ReverseProxy:TrustedProxies), never a header a client
/// made up.
/// </summary>
public static class PublicRateLimits
{
    public static string BaseUrl(HttpContext http) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<PublicSiteOptions>>().Value.BaseUrl is { Length: > 0 } configured
            ? configured
            : $"{http.Request.Scheme}://{http.Request.Host}";

    public static IServiceCollection AddPublicRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PublicSiteOptions>(configuration.GetSection("PublicSite"));
        var options = configuration.GetSection("PublicSite").Get<PublicSiteOptions>() ?? new();
        return services.AddRateLimiter(o =>
        {
            // Counted in the shared table, so the limit holds for a client whose requests go to several instances.
            o.AddPolicy(PublicApi.RateLimitPolicy, http => RateLimitPartition.Get(
                TrafficCounter.KeyOf(http),
                key => new SharedWindowLimiter(http.RequestServices.GetRequiredService<TrafficCounter>(), key, AccessSignal.PublicQuery, options.RequestsPerMinute, options.WindowSeconds)));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var refusal = context.HttpContext.Items[UnitApiRateLimits.LimitedItem] is int perMinute
                    ? Problems.Create(StatusCodes.Status429TooManyRequests, "unit_api.rate_limited", "调用过于频繁",
                        $"同一证书每 {UnitApiRateLimits.WindowSeconds} 秒最多调用 {perMinute} 次，请 {retryAfter} 秒后再试")
                    : Problems.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "查询过于频繁",
                        $"同一地址每 {options.WindowSeconds} 秒最多查询 {options.RequestsPerMinute} 次，请 {retryAfter} 秒后再试");
                await refusal.ExecuteAsync(context.HttpContext);
            };
        });
    }
}
