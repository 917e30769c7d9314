using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Sharing;

/// <summary>
/// Pushes changes to subscriptions: follows the change feed from each subscription's cursor, one change per signed
/// request, moving the cursor only after the receiver answered 2xx — at least once, so receivers drop a repeat by
/// record id and version. A failure is retried with exponential backoff from
/// the same change (order is kept); after <see cref="WebhookOptions.RetryFor"/> of failures the subscription is marked
/// failing and waits for the unit to resume it.
/// </summary>
public sealed class WebhookDispatcher(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, IOptions<CertificateAuthorityOptions> ca,
    TimeProvider time, Security.SecurityState security, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lazy<HttpClient> client = new(() =>
    {
        var receiverCas = options.Value.ReceiverCas();
        if (options.Value.TrustPlatformCa && ca.Value.CertificatePath is { } path && File.Exists(path))
        {
            receiverCas.Add(X509Certificate2.CreateFromPem(File.ReadAllText(path)));
        }

        return new HttpClient(WebhookAddresses.Handler(options.Value, receiverCas)) { Timeout = TimeSpan.FromSeconds(15) };
    });

    // One round at a time, whether started by the loop or by a caller.
    private readonly SemaphoreSlim round = new(1, 1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => options.Value.Dispatch
        ? PeriodicWork.RunAsync(options.Value.PollInterval, time, logger, "Webhook delivery round", RunOnceAsync, stoppingToken)
        : Task.CompletedTask;

    /// <summary>One round over every active subscription that is due.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        // The kill switch (art. 20) stops pushes too: what is due stays due and goes out once sharing reopens.
        if (security.IsClosed(Core.Security.SwitchedService.Sharing))
        {
            return;
        }

        await round.WaitAsync(cancellationToken);
        try
        {
            await RunDueAsync(cancellationToken);
        }
        finally
        {
            round.Release();
        }
    }

    private const long DispatchLockKey = 0x43726564_486F6F6B; // "CredHook"

    private async Task RunDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (!db.IsSqlite)
        {
            // Several instances may dispatch; one round at a time across all of them, so no change goes out twice. The
            // session lock lives on this context's connection, held open for the round (no transaction: an open
            // transaction with writes would hold back the feed's horizon).
            await db.Database.OpenConnectionAsync(cancellationToken);
            var locked = await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_lock({DispatchLockKey}) AS \"Value\"").SingleAsync(cancellationToken);
            if (!locked)
            {
                return;
            }

            try
            {
                await RunDueAsync(scope.ServiceProvider, db, cancellationToken);
            }
            finally
            {
                await db.Database.SqlQueryRaw<bool>($"SELECT pg_advisory_unlock({DispatchLockKey}) AS \"Value\"").SingleAsync(CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }

            return;
        }

        await RunDueAsync(scope.ServiceProvider, db, cancellationToken);
    }

    private async Task RunDueAsync(IServiceProvider services, AppDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await db.WebhookSubscriptions.Where(s => s.Status == WebhookStatus.Active).ToListAsync(cancellationToken);
        foreach (var subscription in due.Where(s => s.NextAttemptAt is null || s.NextAttemptAt <= now))
        {
            await DeliverAsync(services, db, subscription, cancellationToken);
        }
    }

    private async Task DeliverAsync(IServiceProvider services, AppDbContext db, WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var data = services.GetRequiredService<SharedData>();
        var audit = services.GetRequiredService<AuditWriter>();
        var secret = services.GetRequiredService<PersonalDataProtector>().Unprotect(subscription.SecretCipher);
        var share = await data.ShareAsync(subscription.UnitId, cancellationToken);
        var unitCode = await db.Units.Where(u => u.Id == subscription.UnitId).Select(u => u.Uscc).FirstAsync(cancellationToken);
        var (changes, next, _) = await data.ChangesAsync(share, new FeedPosition(subscription.CursorTx, subscription.CursorId), 50, subscription.Categories, cancellationToken);
        var failed = false;
        foreach (var change in changes)
        {
            var deliveryId = Guid.NewGuid();
            var (ok, status, error) = await PostAsync(deliveryId, subscription, secret, change, cancellationToken);
            var now = time.GetUtcNow();
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                SubscriptionId = subscription.Id,
                DeliveryId = deliveryId,
                RecordId = change.Change.RecordId,
                Change = change.Change.Change,
                Attempt = subscription.Attempts + 1,
                At = now,
                StatusCode = status,
                Error = error,
                Succeeded = ok,
            });
            if (!ok)
            {
                subscription.Attempts++;
                subscription.FirstFailureAt ??= now;
                var backoff = options.Value.FirstRetry * Math.Pow(2, Math.Min(subscription.Attempts - 1, 12));
                subscription.NextAttemptAt = now + (backoff > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : backoff);
                if (now - subscription.FirstFailureAt >= options.Value.RetryFor)
                {
                    subscription.Status = WebhookStatus.Failing;
                    // Saved with the status below.
                    audit.Stage(db, new AuditRecord(AuditEvent.Webhook_Failing, AuditOutcome.Failure)
                    { Account = "system", UnitCode = unitCode, Target = $"webhook:{subscription.Id}", Detail = error });
                }

                failed = true;
                break;
            }

            (subscription.CursorTx, subscription.CursorId) = (change.Position.Tx, change.Position.Id);
            (subscription.Attempts, subscription.FirstFailureAt, subscription.NextAttemptAt) = (0, null, null);
            if (change.Change.Record is not null)
            {
                audit.Stage(db, new AuditRecord(AuditEvent.Data_WebhookDelivered, AuditOutcome.Success)
                {
                    Account = "system",
                    UnitCode = unitCode,
                    Target = $"webhook:{subscription.Id}",
                    Purpose = "实时推送",
                    ResultCount = 1,
                    Detail = $"delivery={deliveryId}",
                    Shared = new SharedRecords(subscription.UnitId, "webhook", [change.Change.RecordId]),
                });
            }

            // After every accepted change the cursor, the delivery row and the handing-out's audit entry are saved
            // together (one transaction): a crash repeats at most the change in flight and never loses an entry.
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!failed)
        {
            // Changes withheld from the unit were skipped: the cursor moves past them too.
            (subscription.CursorTx, subscription.CursorId) = (next.Tx, next.Id);
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.ChainPendingAsync();
    }

    private async Task<(bool Ok, int? Status, string? Error)> PostAsync(Guid deliveryId, WebhookSubscription subscription, string secret, PositionedChange change, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookPayload(deliveryId, subscription.Id, now, change.Change), Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, now.ToUnixTimeSeconds(), body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, deliveryId.ToString());
        try
        {
            using var response = await client.Value.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? (true, (int)response.StatusCode, null) : (false, (int)response.StatusCode, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var message = ex.InnerException?.Message ?? ex.Message;
            return (false, null, message.Length > 500 ? message[..500] : message);
        }
    }
}
