using CreditShare.Core.Accounts;
using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

/// <summary>实时推送: the webhook subscriptions (the unit's own, or all for center staff) and their recent deliveries.</summary>
public sealed class WebhooksModel(AppDbContext db) : PageModel
{
    public List<(WebhookSubscription Subscription, string Unit, List<WebhookDelivery> Deliveries)> List { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var query = db.WebhookSubscriptions.AsNoTracking().Where(s => s.Status != WebhookStatus.Disabled);
        if (!User.IsInRole(StaffRoles.Reviewer) && !User.IsInRole(StaffRoles.Querier))
        {
            var own = User.UnitId();
            query = query.Where(s => s.UnitId == own);
        }

        var subscriptions = await query.OrderBy(s => s.Id).Take(100).ToListAsync();
        var names = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name);
        foreach (var subscription in subscriptions)
        {
            var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscription.Id).OrderByDescending(d => d.Id).Take(20).ToListAsync();
            List.Add((subscription, names.GetValueOrDefault(subscription.UnitId) ?? "", deliveries));
        }
    }

    public static string StatusLabel(WebhookStatus status) => status switch
    {
        WebhookStatus.Active => "正常",
        WebhookStatus.Failing => "持续失败，已暂停（单位系统可调用 resume 恢复）",
        _ => "已删除",
    };
}
