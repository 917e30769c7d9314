using System.Threading.RateLimiting;
using CreditShare.Core.Security;
using CreditShare.Web.Infrastructure;

namespace CreditShare.Web.Features.Security;

/// <summary>The section <c>UnitApi</c>.</summary>
public sealed class UnitApiLimitOptions
{
    /// <summary>Calls one client certificate may make to the unit APIs per minute, over all instances.</summary>
    public int RequestsPerMinute { get; set; } = 600;
}

/// <summary>
/// A limit on the unit APIs (reporting, sharing, the gateway's calls) per client certificate — per address when a
/// request carries none — on the shared counts, so it holds across instances. A unit's system that loops on an error
/// is slowed down before it floods the platform; a gateway waits for <c>Retry-After</c> and goes on.
/// </summary>
public static class UnitApiRateLimits
{
    /// <summary>Set on a request the unit-API limit counted, so that a refusal is worded for a system, not for a visitor.</summary>
    public const string LimitedItem = "creditshare:unit-api-limit";

    public const int WindowSeconds = 60;

    public static IServiceCollection AddUnitApiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<UnitApiLimitOptions>(configuration.GetSection("UnitApi"));
        var options = configuration.GetSection("UnitApi").Get<UnitApiLimitOptions>() ?? new();
        return services.AddRateLimiter(o => o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
        {
            if (Surfaces.Of(http) != Surface.UnitApi)
            {
                return RateLimitPartition.GetNoLimiter(string.Empty);
            }

            http.Items[LimitedItem] = options.RequestsPerMinute;
            var key = http.Connection.ClientCertificate is { } certificate ? "cert:" + certificate.Thumbprint : TrafficCounter.KeyOf(http);
            return RateLimitPartition.Get(key, k => new SharedWindowLimiter(
                http.RequestServices.GetRequiredService<TrafficCounter>(), k, AccessSignal.UnitApiRequest, options.RequestsPerMinute, WindowSeconds));
        }));
    }
}
