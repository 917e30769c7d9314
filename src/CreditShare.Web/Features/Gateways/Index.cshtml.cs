using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Gateways;

/// <summary>
/// Every unit's gateways (前置机) for the center: silent, backed up or with an expiring certificate highlighted. It
/// shows how machines are doing, not credit data, so its views are not audited (like the unit and certificate lists).
/// </summary>
public sealed class IndexModel(GatewayFleet fleet, TimeProvider time) : PageModel
{
    public IReadOnlyList<GatewayView> Gateways { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync()
    {
        Now = time.GetUtcNow();
        Gateways = await fleet.ListAsync(HttpContext.RequestAborted);
    }

    /// <summary>A duration as people read it: 3分钟, 2小时5分钟, 1天3小时.</summary>
    public static string Duration(long seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Max(seconds, 0));
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}天{span.Hours}小时"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}小时{span.Minutes}分钟"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}分钟" : $"{span.Seconds}秒";
    }

    public static string Bytes(long bytes) => bytes >= 1 << 30 ? $"{bytes / (double)(1 << 30):0.0} GB"
        : bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MB"
        : bytes >= 1 << 10 ? $"{bytes / (double)(1 << 10):0.0} KB" : $"{bytes} B";
}
