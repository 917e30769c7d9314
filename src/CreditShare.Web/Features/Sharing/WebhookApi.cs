using System.Security.Cryptography;
using CreditShare.Core;
using CreditShare.Core.Contract;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using CreditShare.Web.Records;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Sharing;

public static class WebhookApi
{
    public static void MapWebhooks(this RouteGroupBuilder group)
    {
        group.MapPost("/webhooks", RegisterAsync).WithSummary("登记实时推送地址（返回签名密钥，仅此一次）");
        group.MapGet("/webhooks", async (HttpContext http, AppDbContext db) =>
        {
            var unitId = http.User.UnitId();
            var list = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.UnitId == unitId && s.Status != WebhookStatus.Disabled).OrderBy(s => s.Id).ToListAsync();
            return TypedResults.Ok(list.Select(s => View(s)).ToList());
        }).WithSummary("本单位的推送地址");
        group.MapGet("/webhooks/{id:int}/deliveries", async Task<Results<Ok<List<DeliveryView>>, ProblemHttpResult>> (int id, HttpContext http, AppDbContext db) =>
        {
            var unitId = http.User.UnitId();
            if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id && s.UnitId == unitId))
            {
                return Problems.NotFound("webhook.not_found", "本单位没有该推送地址");
            }

            var rows = await db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id).OrderByDescending(d => d.Id).Take(200).ToListAsync();
            return TypedResults.Ok(rows.Select(d => new DeliveryView(d.DeliveryId, d.RecordId, d.Change, d.Attempt, d.At, d.StatusCode, d.Error, d.Succeeded)).ToList());
        }).WithSummary("推送记录（最近200次）");
        group.MapPost("/webhooks/{id:int}/resume", async Task<Results<Ok<WebhookView>, ProblemHttpResult>> (int id, HttpContext http, AppDbContext db) =>
        {
            var unitId = http.User.UnitId();
            var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id && s.UnitId == unitId && s.Status != WebhookStatus.Disabled);
            if (subscription is null)
            {
                return Problems.NotFound("webhook.not_found", "本单位没有该推送地址");
            }

            (subscription.Status, subscription.Attempts, subscription.FirstFailureAt, subscription.NextAttemptAt) = (WebhookStatus.Active, 0, null, null);
            await db.SaveChangesAsync();
            return TypedResults.Ok(View(subscription));
        }).WithSummary("恢复持续失败的推送（从中断处继续）");
        group.MapDelete("/webhooks/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, HttpContext http, AppDbContext db, AuditWriter audit) =>
        {
            var unitId = http.User.UnitId();
            var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id && s.UnitId == unitId && s.Status != WebhookStatus.Disabled);
            if (subscription is null)
            {
                return Problems.NotFound("webhook.not_found", "本单位没有该推送地址");
            }

            subscription.Status = WebhookStatus.Disabled;
            audit.Stage(db, new AuditRecord(AuditEvent.Webhook_Removed, AuditOutcome.Success) { Target = $"webhook:{id}" });
            await db.SaveChangesAsync();
            await audit.ChainPendingAsync();
            return TypedResults.NoContent();
        }).WithSummary("删除推送地址");
    }

    private static WebhookView View(WebhookSubscription s, string? secret = null) =>
        new(s.Id, s.Url, s.Categories, s.Status.ToString().ToLowerInvariant(), s.CreatedAt, s.Attempts, s.NextAttemptAt, secret);

    private static async Task<Results<Created<WebhookView>, ProblemHttpResult>> RegisterAsync(WebhookInput input, HttpContext http, AppDbContext db, SharedData data,
        PersonalDataProtector protector, AuditWriter audit, IOptions<WebhookOptions> options, TimeProvider time)
    {
        var unitId = http.User.UnitId();
        var share = await data.ShareAsync(unitId, http.RequestAborted);
        var errors = new List<FieldError>();
        if (WebhookAddresses.CheckUrl(input.Url) is { } badUrl)
        {
            errors.Add(badUrl);
        }
        else if (await WebhookAddresses.CheckHostAsync(input.Url!.Trim(), options.Value, http.RequestAborted) is { } badHost)
        {
            errors.Add(badHost);
        }

        // A unit moving from polling the change feed to pushes names where it stopped (the feed's next), so nothing is missed.
        var start = FeedPosition.Parse(input.After, unitId, protector);
        errors.AddRange(start.Errors);

        var categories = input.Categories?.Distinct().ToList() ?? [];
        if (categories.Count == 0)
        {
            errors.Add(new FieldError("categories", "webhook.categories_required", "请列出要推送的信息类别"));
        }

        foreach (var category in categories.Where(c => !share.Fields.ContainsKey(c)))
        {
            errors.Add(new FieldError("categories", "webhook.category_not_granted", $"本单位没有“{category}”的有效共享授权"));
        }

        if (errors.Count > 0)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Webhook_Refused, AuditOutcome.Refused)
            { Target = "webhook", Detail = string.Join(",", errors.Select(e => e.Code).Distinct()) });
            return Problems.Validation(errors, "推送地址未登记");
        }

        // Without a cursor a subscription starts at the feed's current end: it announces what changes from now on.
        var cursor = start.Value;
        if (string.IsNullOrEmpty(input.After))
        {
            var horizon = await ChangeFeed.HorizonAsync(db, http.RequestAborted);
            var last = await db.CreditRecords.Where(r => r.ChangeTx < horizon).OrderByDescending(r => r.ChangeTx).ThenByDescending(r => r.Id)
                .Select(r => new { r.ChangeTx, r.Id }).FirstOrDefaultAsync(http.RequestAborted);
            cursor = new FeedPosition(last?.ChangeTx ?? 0, last?.Id ?? 0);
        }

        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var subscription = new WebhookSubscription
        {
            UnitId = unitId,
            Url = input.Url!.Trim(),
            Categories = categories,
            SecretCipher = protector.Protect(secret),
            CursorTx = cursor.Tx,
            CursorId = cursor.Id,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = http.User.Actor(),
        };
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.WebhookSubscriptions.Add(subscription);
            await db.SaveChangesAsync();
            // The entry names the new id, so it is staged once the row has one, and committed with it.
            audit.Stage(db, new AuditRecord(AuditEvent.Webhook_Registered, AuditOutcome.Success)
            { Target = $"webhook:{subscription.Id}", Detail = $"url={subscription.Url};categories={string.Join(',', categories)};from={cursor.Tx}-{cursor.Id}" });
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await audit.ChainPendingAsync();
        return TypedResults.Created($"/api/v1/shared/webhooks/{subscription.Id}", View(subscription, secret));
    }
}
