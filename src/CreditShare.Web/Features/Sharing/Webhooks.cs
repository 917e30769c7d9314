using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Network;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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

    /// <summary>How old a signed timestamp a receiver should accept; documented with the signature.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);
}

public sealed record WebhookInput(string? Url, IReadOnlyList<string>? Categories);

public sealed record WebhookView(int Id, string Url, IReadOnlyList<string> Categories, string Status, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset? NextAttemptAt,
    string? Secret = null);

public sealed record DeliveryView(Guid DeliveryId, long RecordId, string Change, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, bool Succeeded);

/// <summary>The body pushed to a receiver: one change, exactly as the change feed carries it.</summary>
public sealed record WebhookPayload(Guid DeliveryId, int SubscriptionId, DateTimeOffset SentAt, SharedChange Change);

/// <summary>
/// Where a webhook may point (SSRF): https only, no credentials in the URL, and every address the name resolves to
/// public — never loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast or unspecified. Checked
/// when registering and again for every connection, so a name that later resolves elsewhere is refused too.
/// </summary>
public static class WebhookAddresses
{
    public static FieldError? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 500 || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return new FieldError("url", "webhook.url_invalid", "请填写完整的推送地址（https://…，不超过500字符）");
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return new FieldError("url", "webhook.https_required", "推送地址必须使用 https");
        }

        return uri.UserInfo.Length > 0 ? new FieldError("url", "webhook.credentials_in_url", "推送地址中不能包含用户名或口令") : null;
    }

    public static bool IsAllowed(IPAddress address, bool allowLoopback) =>
        PublicAddresses.IsPublic(address) || (allowLoopback && PublicAddresses.IsLoopback(address));

    public static async Task<FieldError?> CheckHostAsync(string url, bool allowLoopback, CancellationToken cancellationToken)
    {
        var host = new Uri(url).IdnHost;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return new FieldError("url", "webhook.host_unknown", $"无法解析主机名“{host}”");
        }

        return addresses.Length == 0 || addresses.Any(a => !IsAllowed(a, allowLoopback))
            ? new FieldError("url", "webhook.address_not_allowed", "推送地址指向本机、内网或保留地址，不允许（防止服务端请求伪造）")
            : null;
    }

    /// <summary>Connects only to allowed addresses, whatever the name resolves to at that moment.</summary>
    public static SocketsHttpHandler Handler(WebhookOptions options, X509Certificate2? platformCa) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = addresses.Where(a => IsAllowed(a, options.AllowLoopback)).ToArray();
            if (allowed.Length == 0 || allowed.Length != addresses.Length)
            {
                throw new HttpRequestException("webhook.address_not_allowed");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        SslOptions = platformCa is null ? new() : new()
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(platformCa);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            },
        },
    };
}

/// <summary>
/// The crypto profile's MAC over "timestamp.body", named by its algorithm: <c>t=&lt;unix&gt;,hmac-sha256=&lt;hex&gt;</c>. The
/// receiver recomputes it with the algorithm named and refuses timestamps outside the replay window.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-CreditShare-Signature";
    public const string DeliveryHeader = "X-CreditShare-Delivery";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var profile = Core.Crypto.CryptoProfiles.Current;
        var mac = new byte[profile.MacBytes];
        profile.Mac(Encoding.UTF8.GetBytes(secret), message, mac);
        return $"t={timestamp},{profile.MacAlgorithm}={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>What a receiver does: the signature matches and the timestamp is within the replay window of its clock.</summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var parts = (header ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, out var timestamp) || !parts.ContainsKey(Core.Crypto.CryptoProfiles.Current.MacAlgorithm))
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (age > WebhookOptions.ReplayWindow || age < -WebhookOptions.ReplayWindow)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(header!.Trim()));
    }
}

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
            await db.SaveChangesAsync();
            await audit.WriteAsync(new AuditRecord(AuditEvent.Webhook_Removed, AuditOutcome.Success) { Target = $"webhook:{id}" });
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
        else if (await WebhookAddresses.CheckHostAsync(input.Url!.Trim(), options.Value.AllowLoopback, http.RequestAborted) is { } badHost)
        {
            errors.Add(badHost);
        }

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

        // New subscriptions start at the feed's current end: they announce what changes from now on.
        var horizon = await ChangeFeed.HorizonAsync(db, http.RequestAborted);
        var last = await db.CreditRecords.Where(r => r.ChangeTx < horizon).OrderByDescending(r => r.ChangeTx).ThenByDescending(r => r.Id)
            .Select(r => new { r.ChangeTx, r.Id }).FirstOrDefaultAsync(http.RequestAborted);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var subscription = new WebhookSubscription
        {
            UnitId = unitId,
            Url = input.Url!.Trim(),
            Categories = categories,
            SecretCipher = protector.Protect(secret),
            CursorTx = last?.ChangeTx ?? 0,
            CursorId = last?.Id ?? 0,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = http.User.Actor(),
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Webhook_Registered, AuditOutcome.Success)
        { Target = $"webhook:{subscription.Id}", Detail = $"url={subscription.Url};categories={string.Join(',', categories)}" });
        return TypedResults.Created($"/api/v1/shared/webhooks/{subscription.Id}", View(subscription, secret));
    }
}

/// <summary>
/// Pushes changes to subscriptions: follows the change feed from each subscription's cursor, one change per signed
/// request, moving the cursor only after the receiver answered 2xx — at least once, so receivers drop a repeat by
/// record id and version. A failure is retried with exponential backoff from
/// the same change (order is kept); after <see cref="WebhookOptions.RetryFor"/> of failures the subscription is marked
/// failing and waits for the unit to resume it.
/// </summary>
public sealed class WebhookDispatcher(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, IOptions<CertificateAuthorityOptions> ca,
    TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lazy<HttpClient> client = new(() =>
    {
        var platformCa = options.Value.TrustPlatformCa && ca.Value.CertificatePath is { } path && File.Exists(path) ? X509Certificate2.CreateFromPem(File.ReadAllText(path)) : null;
        return new HttpClient(WebhookAddresses.Handler(options.Value, platformCa)) { Timeout = TimeSpan.FromSeconds(15) };
    });

    // One round at a time, whether started by the loop or by a caller.
    private readonly SemaphoreSlim round = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Dispatch)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Webhook delivery round failed");
            }

            try
            {
                await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round over every active subscription that is due.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
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
                    await audit.WriteAsync(new AuditRecord(AuditEvent.Webhook_Failing, AuditOutcome.Failure)
                    { Account = "system", UnitCode = unitCode, Target = $"webhook:{subscription.Id}", Detail = error }, cancellationToken);
                }

                failed = true;
                break;
            }

            (subscription.CursorTx, subscription.CursorId) = (change.Position.Tx, change.Position.Id);
            (subscription.Attempts, subscription.FirstFailureAt, subscription.NextAttemptAt) = (0, null, null);
            // The cursor is saved and the handing-out audited after every accepted change: a crash repeats at most the
            // change in flight.
            await db.SaveChangesAsync(cancellationToken);
            if (change.Change.Record is not null)
            {
                await audit.WriteAsync(new AuditRecord(AuditEvent.Data_WebhookDelivered, AuditOutcome.Success)
                {
                    Account = "system",
                    UnitCode = unitCode,
                    Target = $"webhook:{subscription.Id}",
                    Purpose = "实时推送",
                    ResultCount = 1,
                    Detail = $"delivery={deliveryId}",
                    Shared = new SharedRecords(subscription.UnitId, "webhook", [change.Change.RecordId]),
                }, cancellationToken);
            }
        }

        if (!failed)
        {
            // Changes withheld from the unit were skipped: the cursor moves past them too.
            (subscription.CursorTx, subscription.CursorId) = (next.Tx, next.Id);
        }

        await db.SaveChangesAsync(cancellationToken);
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
