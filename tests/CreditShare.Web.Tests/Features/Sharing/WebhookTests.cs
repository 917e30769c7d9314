using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Sharing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CreditShare.Web.Tests.Features.Sharing;

/// <summary>A real HTTPS receiver on this machine, with a certificate of the test CA; it can be told to fail.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string host;

    public ConcurrentQueue<(string? Signature, string? Delivery, byte[] Body)> Received { get; } = new();

    private int failNext;

    /// <summary>When set, every request is answered 307 to this address (a receiver trying to send the platform elsewhere).</summary>
    public string? RedirectTo { get; set; }

    /// <summary>How many of the next requests answer 500.</summary>
    public int FailNext { get => failNext; set => failNext = value; }

    private WebhookReceiver(WebApplication app, string host) => (this.app, this.host) = (app, host);

    private bool Fail() => Interlocked.Decrement(ref failNext) >= 0;

    /// <summary>On loopback, with the platform CA's server certificate (issued for localhost).</summary>
    public static Task<WebhookReceiver> StartAsync(IReadOnlyDictionary<string, string?> pki) =>
        StartAsync(IPAddress.Loopback, X509Certificate2.CreateFromPemFile(pki["Tls:CertificatePath"]!, pki["Tls:KeyPath"]!), "localhost");

    /// <summary>On one of this machine's addresses, with the given certificate; the URL names the address unless told a host name.</summary>
    public static async Task<WebhookReceiver> StartAsync(IPAddress address, X509Certificate2 certificate, string? host = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var exported = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        builder.WebHost.UseKestrel(o => o.Listen(address, 0, l => l.UseHttps(exported)));
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            receiver!.Received.Enqueue((request.Headers[WebhookSignature.SignatureHeader], request.Headers[WebhookSignature.DeliveryHeader], buffer.ToArray()));
            return receiver.RedirectTo is { } target ? Results.Redirect(target, permanent: false, preserveMethod: true)
                : receiver.Fail() ? Results.StatusCode(500) : Results.Ok();
        });
        receiver = new WebhookReceiver(app, host ?? (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString()));
        await app.StartAsync();
        return receiver;
    }

    public string Url => $"https://{host}:{new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port}/hook";

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>Webhook subscriptions: signed pushes of granted fields only, retries with backoff, failing after 24 hours, SSRF refused.</summary>
public class WebhookTests(SharingApp app) : IClassFixture<SharingApp>
{
    private static readonly string[] Granted = ["CF_XDR_MC", "CF_XDR_SHXYM", "CF_WSH", "CF_JDRQ"];

    private async Task<HttpClient> HookedAsync()
    {
        if (!app.UnitIds.ContainsKey("hooked"))
        {
            (await app.NewUnitAsync("hooked", "测试推送接收单位", ["user"])).Dispose();
            await app.GrantAsync("hooked", "XZCF", Granted);
        }

        return app.Unit("hooked");
    }

    private async Task<(HttpClient Client, int Id, string Secret)> SubscribeAsync(WebhookReceiver receiver)
    {
        var client = await HookedAsync();
        var response = await client.PostAsJsonAsync("/api/v1/shared/webhooks", new WebhookInput(receiver.Url, ["XZCF"]));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<WebhookView>())!;
        return (client, created.Id, created.Secret!);
    }

    private static WebhookPayload Payload(byte[] body) => JsonSerializer.Deserialize<WebhookPayload>(body, JsonSerializerOptions.Web)!;

    private Task DeliverAsync() => app.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(CancellationToken.None);

    [Fact]
    public async Task Changes_are_pushed_signed_with_granted_fields_only_and_failures_are_retried_with_backoff_in_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync(app.PkiPaths);
        var (client, id, secret) = await SubscribeAsync(receiver);
        using var _ = client;
        var ids = await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next()), TestRecords.Penalty(TestRecords.Next()));
        await DeliverAsync();

        var received = receiver.Received.ToList();
        Assert.Equal(ids, received.Select(r => Payload(r.Body).Change.RecordId));
        foreach (var (signature, delivery, body) in received)
        {
            Assert.True(WebhookSignature.Verify(secret, signature, body, app.Clock.GetUtcNow()), signature);
            Assert.False(WebhookSignature.Verify(secret, signature, [.. body, (byte)' '], app.Clock.GetUtcNow()), "a changed body fails");
            Assert.False(WebhookSignature.Verify("another-secret", signature, body, app.Clock.GetUtcNow()));
            Assert.False(WebhookSignature.Verify(secret, signature, body, app.Clock.GetUtcNow().AddMinutes(6)), "outside the replay window");
            Assert.NotNull(delivery);
            var fields = Payload(body).Change.Record!.Fields;
            Assert.NotEmpty(fields);
            Assert.All(fields.Keys, f => Assert.Contains(f, Granted));
            Assert.DoesNotContain("张三", System.Text.Encoding.UTF8.GetString(body));
        }

        // Two failures: the change is retried after 30 s, then 60 s; the next change waits behind it.
        receiver.FailNext = 2;
        var more = await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next()), TestRecords.Penalty(TestRecords.Next()));
        await DeliverAsync();
        await DeliverAsync();
        Assert.Equal(3, receiver.Received.Count);
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        await DeliverAsync();
        Assert.Equal(4, receiver.Received.Count);
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await DeliverAsync();
        var last = receiver.Received.Skip(2).Select(r => Payload(r.Body).Change.RecordId).ToList();
        Assert.Equal([more[0], more[0], more[0], more[1]], last);

        var history = (await client.GetFromJsonAsync<List<DeliveryView>>($"/api/v1/shared/webhooks/{id}/deliveries"))!
            .Where(d => d.RecordId == more[0]).OrderBy(d => d.Attempt)
            .Select(d => (d.Attempt, d.Succeeded, d.StatusCode)).ToList();
        Assert.Equal([(1, false, 500), (2, false, 500), (3, true, 200)], history);
        var audited = await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.SharedRecordAccesses.Where(a => a.Channel == "webhook").Select(a => a.RecordId)));
        Assert.Superset(ids.Concat(more).ToHashSet(), audited.ToHashSet());
    }

    [Fact]
    public async Task A_receiver_failing_for_24_hours_marks_the_subscription_failing_until_the_unit_resumes_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync(app.PkiPaths);
        var (client, id, _) = await SubscribeAsync(receiver);
        using var _ = client;
        receiver.FailNext = int.MaxValue;
        var record = (await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next())))[0];
        for (var hour = 0; hour <= 24; hour++)
        {
            await DeliverAsync();
            app.Clock.Advance(TimeSpan.FromHours(1));
        }

        await DeliverAsync();
        var subscription = (await client.GetFromJsonAsync<List<WebhookView>>("/api/v1/shared/webhooks"))!.Single(s => s.Id == id);
        Assert.Equal("failing", subscription.Status);
        var attempts = receiver.Received.Count;
        app.Clock.Advance(TimeSpan.FromHours(2));
        await DeliverAsync();
        Assert.Equal(attempts, receiver.Received.Count);

        receiver.FailNext = 0;
        Assert.True((await client.PostAsync($"/api/v1/shared/webhooks/{id}/resume", null)).IsSuccessStatusCode);
        await DeliverAsync();
        Assert.Equal(record, Payload(receiver.Received.Last().Body).Change.RecordId);
    }

    [Fact]
    public async Task Two_instances_dispatching_at_once_deliver_each_change_once()
    {
        if (app.Database.Provider != "Postgres")
        {
            // The embedded provider runs one instance; the cross-instance lock is PostgreSQL's advisory lock.
            return;
        }

        await using var receiver = await WebhookReceiver.StartAsync(app.PkiPaths);
        var (client, _, _) = await SubscribeAsync(receiver);
        using var _ = client;
        var ids = await app.ReportAsync("source", "XZCF", [.. Enumerable.Range(0, 20).Select(_ => TestRecords.Penalty(TestRecords.Next()))]);
        var other = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<WebhookDispatcher>(app.Services);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? app.Services.GetRequiredService<WebhookDispatcher>() : other).RunOnceAsync(CancellationToken.None)));
        await DeliverAsync();
        var delivered = receiver.Received.Select(r => Payload(r.Body).Change.RecordId).ToList();
        Assert.Equal(ids, delivered);
    }

    [Theory]
    [InlineData("https://10.0.0.5/hook", "webhook.address_not_allowed")]
    [InlineData("https://169.254.169.254/latest/meta-data", "webhook.address_not_allowed")]
    [InlineData("https://192.168.1.10/hook", "webhook.address_not_allowed")]
    [InlineData("https://[fd00::1]/hook", "webhook.address_not_allowed")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook", "webhook.address_not_allowed")] // NAT64 of the cloud metadata address
    [InlineData("https://[2002:c0a8:101::1]/hook", "webhook.address_not_allowed")] // 6to4 of 192.168.1.1
    [InlineData("https://[::10.0.0.1]/hook", "webhook.address_not_allowed")] // IPv4-compatible
    [InlineData("http://example.com/hook", "webhook.https_required")]
    [InlineData("https://user:secret@localhost/hook", "webhook.credentials_in_url")]
    [InlineData("not a url", "webhook.url_invalid")]
    public async Task Addresses_on_private_networks_and_plain_http_are_refused(string url, string code)
    {
        await using var receiver = await WebhookReceiver.StartAsync(app.PkiPaths);
        var (client, _, _) = await SubscribeAsync(receiver);
        using var _ = client;
        var response = await client.PostAsJsonAsync("/api/v1/shared/webhooks", new { url, categories = new[] { "XZCF" } });
        var problem = (await response.Content.ReadFromJsonAsync<ApiProblem>())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, problem.Errors[0].Code);
        var notGranted = await client.PostAsJsonAsync("/api/v1/shared/webhooks", new { url = receiver.Url, categories = new[] { "YZSX" } });
        Assert.Equal("webhook.category_not_granted", (await notGranted.Content.ReadFromJsonAsync<ApiProblem>())!.Errors[0].Code);
    }

    [Fact]
    public async Task A_receiver_on_a_private_address_of_this_machine_is_refused_without_configured_networks()
    {
        var (address, _) = GovernmentNetworkApp.PrivateV4 ?? throw new InvalidOperationException("This machine has no private, non-loopback IPv4 address (ip -4 addr).");
        using var governmentCa = new WebhookTestCa("测试政务外网CA");
        await using var receiver = await WebhookReceiver.StartAsync(address, governmentCa.Issue(address.ToString()));
        using var client = await HookedAsync();

        var response = await client.PostAsJsonAsync("/api/v1/shared/webhooks", new WebhookInput(receiver.Url, ["XZCF"]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<ApiProblem>())!.Errors);
        Assert.Equal(("url", "webhook.address_not_allowed"), (error.Field, error.Code));
        Assert.Equal("推送地址指向本机、内网或保留地址，且不在平台配置的允许网络（Sharing:Webhooks:AllowedNetworks）内，不允许（防止服务端请求伪造）", error.Message);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_subscription_starts_now_or_right_after_a_change_feed_cursor_of_the_unit()
    {
        await using var receiver = await WebhookReceiver.StartAsync(app.PkiPaths);
        var (client, _, _) = await SubscribeAsync(receiver);
        using var _ = client;
        var before = await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next()));
        // The unit polled the feed to its end: its cursor stands after `before`.
        var cursor = "";
        for (var more = true; more;)
        {
            var page = (await client.GetFromJsonAsync<ChangePage>($"/api/v1/shared/changes?purpose=%E6%A0%B8%E6%9F%A5&limit=1000&after={Uri.EscapeDataString(cursor)}"))!;
            (cursor, more) = (page.Next, page.HasMore);
        }

        var after = await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next()), TestRecords.Penalty(TestRecords.Next()));
        await using var fromCursor = await WebhookReceiver.StartAsync(app.PkiPaths);
        await using var fromNow = await WebhookReceiver.StartAsync(app.PkiPaths);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/shared/webhooks", new WebhookInput(fromCursor.Url, ["XZCF"], cursor))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/shared/webhooks", new WebhookInput(fromNow.Url, ["XZCF"]))).StatusCode);
        var latest = await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next()));
        await DeliverAsync();

        Assert.Equal([.. after, .. latest], fromCursor.Received.Select(r => Payload(r.Body).Change.RecordId));
        Assert.DoesNotContain(before[0], fromCursor.Received.Select(r => Payload(r.Body).Change.RecordId));
        Assert.Equal(latest, fromNow.Received.Select(r => Payload(r.Body).Change.RecordId));

        // Validated as the feed validates it: a changed cursor is forged, another unit's is not this unit's.
        var forged = cursor[..cursor.LastIndexOf('-')] + "-0000000000000000";
        // Another data user, its certificate issued before any test moved the clock (the handshake checks it against the machine's).
        using var other = app.Unit("user");
        foreach (var (who, after2, code) in new[] { (client, forged, "cursor.forged"), (other, cursor, "cursor.other_unit"), (client, "not-a-cursor", "cursor.malformed") })
        {
            var response = await who.PostAsJsonAsync("/api/v1/shared/webhooks", new WebhookInput(fromNow.Url, ["XZCF"], after2));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{code}: {response.StatusCode} {text}");
            Assert.Contains(code, JsonSerializer.Deserialize<ApiProblem>(text, JsonSerializerOptions.Web)!.Errors.Select(e => e.Code));
        }
    }

    [Fact]
    public async Task A_redirect_from_the_receiver_is_not_followed()
    {
        await using var redirecting = await WebhookReceiver.StartAsync(app.PkiPaths);
        await using var elsewhere = await WebhookReceiver.StartAsync(app.PkiPaths);
        redirecting.RedirectTo = elsewhere.Url;
        var (client, id, _) = await SubscribeAsync(redirecting);
        using var _ = client;
        var record = (await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next())))[0];

        await DeliverAsync();

        Assert.Single(redirecting.Received);
        Assert.Empty(elsewhere.Received);
        var attempt = (await client.GetFromJsonAsync<List<DeliveryView>>($"/api/v1/shared/webhooks/{id}/deliveries"))!.Single(d => d.RecordId == record);
        Assert.Equal((false, (int?)307), (attempt.Succeeded, attempt.StatusCode));
    }

    [Fact]
    public async Task Units_that_are_not_data_users_are_refused_on_every_sharing_route_before_anything_else()
    {
        using var source = app.Unit("source2");
        foreach (var path in new[] { "/api/v1/shared/grants", "/api/v1/shared/webhooks", "/api/v1/shared/webhooks/1/deliveries", "/api/v1/shared/changes?purpose=x" })
        {
            var response = await source.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("sharing.not_data_user", (await response.Content.ReadFromJsonAsync<ApiProblem>())!.Code);
        }

        // The refusal comes before the host name is looked up (which would otherwise answer webhook.host_unknown).
        var register = await source.PostAsJsonAsync("/api/v1/shared/webhooks", new { url = "https://no-such-host.invalid/hook", categories = new[] { "XZCF" } });
        Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);
        Assert.Equal("sharing.not_data_user", (await register.Content.ReadFromJsonAsync<ApiProblem>())!.Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await source.PostAsync("/api/v1/shared/webhooks/1/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await source.DeleteAsync("/api/v1/shared/webhooks/1")).StatusCode);
    }

    [Fact]
    public void Loopback_is_refused_unless_configuration_allows_it()
    {
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Loopback, allowLoopback: false));
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.IPv6Loopback, allowLoopback: false));
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1"), allowLoopback: false));
        Assert.True(WebhookAddresses.IsAllowed(IPAddress.Loopback, allowLoopback: true));
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse("10.1.2.3"), allowLoopback: true));
        Assert.True(WebhookAddresses.IsAllowed(IPAddress.Parse("202.100.96.68"), allowLoopback: false));
        Assert.True(WebhookAddresses.IsAllowed(IPAddress.Parse("64:ff9b::7f00:1"), allowLoopback: true));
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse("64:ff9b::7f00:1"), allowLoopback: false));
    }
}
