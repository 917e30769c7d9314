using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Core.Network;
using CreditShare.Web.Features.Sharing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Tests.Features.Sharing;

/// <summary>
/// A center on the 政务外网: webhooks may reach the network this machine's own private address sits in, and receivers'
/// certificates may come from a government CA (a throwaway one, its root in a PEM bundle). Loopback and the platform CA
/// are not trusted here, so nothing passes by those doors.
/// </summary>
public sealed class GovernmentNetworkApp : SharingApp
{
    private readonly string folder = Directory.CreateTempSubdirectory("creditshare-govca-").FullName;

    /// <summary>This machine's private IPv4 address and its interface's prefix (a receiver binds to it).</summary>
    public static (IPAddress Address, int PrefixLength)? PrivateV4 { get; } = MachineAddresses.Private(AddressFamily.InterNetwork);

    /// <summary>This machine's private IPv6 address, if any: not in the configured networks.</summary>
    public static (IPAddress Address, int PrefixLength)? PrivateV6 { get; } = MachineAddresses.Private(AddressFamily.InterNetworkV6);

    public WebhookTestCa GovernmentCa { get; } = new("测试政务外网CA");

    public IPNetwork Network { get; }

    public string BundlePath => Path.Combine(folder, "receiver-ca.pem");

    public GovernmentNetworkApp()
    {
        var (address, prefix) = PrivateV4 ?? throw new InvalidOperationException(
            "This machine has no private, non-loopback IPv4 address (ip -4 addr): the 政务外网 tests need one to bind a receiver to.");
        Address = address;
        Network = MachineAddresses.NetworkOf(address, prefix);
        GovernmentCa.WritePem(BundlePath);
        ExtraSettings["Sharing:Webhooks:AllowLoopback"] = "false";
        ExtraSettings["Sharing:Webhooks:TrustPlatformCa"] = "false";
        ExtraSettings["Sharing:Webhooks:AllowedNetworks:0"] = "59.255.0.0/16";
        ExtraSettings["Sharing:Webhooks:AllowedNetworks:1"] = Network.ToString();
        ExtraSettings["Sharing:Webhooks:ReceiverCaBundle"] = BundlePath;
    }

    /// <summary>Where the receivers bind: this machine's private address, inside <see cref="Network"/>.</summary>
    public IPAddress Address { get; }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        GovernmentCa.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}

/// <summary>Settings that must stop the start: a network that cannot be meant, one webhooks never reach, a missing CA bundle.</summary>
public sealed class MisconfiguredWebhooksApp : SharingApp
{
    public MisconfiguredWebhooksApp()
    {
        ExtraSettings["Sharing:Webhooks:AllowedNetworks:0"] = "10.0.0.1/8";
        ExtraSettings["Sharing:Webhooks:AllowedNetworks:1"] = "169.254.0.0/16";
        ExtraSettings["Sharing:Webhooks:ReceiverCaBundle"] = "/nonexistent/receiver-ca.pem";
    }
}

/// <summary>Webhooks to receivers on the 政务外网: a private address in a configured network, a certificate of a configured CA.</summary>
public class WebhookGovernmentNetworkTests(GovernmentNetworkApp app) : IClassFixture<GovernmentNetworkApp>
{
    private static readonly string[] Granted = ["CF_XDR_MC", "CF_XDR_SHXYM", "CF_WSH", "CF_JDRQ"];

    private async Task<HttpClient> UnitAsync()
    {
        if (!app.UnitIds.ContainsKey("department"))
        {
            (await app.NewUnitAsync("department", "测试政务外网接收单位", ["user"])).Dispose();
            await app.GrantAsync("department", "XZCF", Granted);
        }

        return app.Unit("department");
    }

    private async Task<(HttpClient Client, WebhookView Created)> SubscribeAsync(string url)
    {
        var client = await UnitAsync();
        var response = await client.PostAsJsonAsync("/api/v1/shared/webhooks", new WebhookInput(url, ["XZCF"]));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (client, (await response.Content.ReadFromJsonAsync<WebhookView>())!);
    }

    private async Task<ApiProblem> RefusedAsync(string url)
    {
        using var client = await UnitAsync();
        var response = await client.PostAsJsonAsync("/api/v1/shared/webhooks", new WebhookInput(url, ["XZCF"]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ApiProblem>())!;
    }

    /// <summary>A dispatcher of this app, or one whose settings lack part of the configuration (same database and clock).</summary>
    private WebhookDispatcher Dispatcher(Action<WebhookOptions>? without = null)
    {
        if (without is null)
        {
            return app.Services.GetRequiredService<WebhookDispatcher>();
        }

        var configured = app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var options = new WebhookOptions { AllowedNetworks = [.. configured.AllowedNetworks], ReceiverCaBundle = configured.ReceiverCaBundle, Dispatch = false };
        without(options);
        return ActivatorUtilities.CreateInstance<WebhookDispatcher>(app.Services, Options.Create(options));
    }

    private static WebhookPayload Payload(byte[] body) => JsonSerializer.Deserialize<WebhookPayload>(body, JsonSerializerOptions.Web)!;

    private static async Task<List<DeliveryView>> HistoryAsync(HttpClient client, int id, long record) =>
        [.. (await client.GetFromJsonAsync<List<DeliveryView>>($"/api/v1/shared/webhooks/{id}/deliveries"))!.Where(d => d.RecordId == record).OrderBy(d => d.Attempt)];

    [Fact]
    public async Task A_receiver_at_a_private_address_in_a_configured_network_with_a_certificate_of_the_configured_ca_gets_the_changes()
    {
        Assert.False(IPAddress.IsLoopback(app.Address));
        Assert.False(PublicAddresses.IsPublic(app.Address), $"{app.Address} is public: it would prove nothing about private networks");
        await using var receiver = await WebhookReceiver.StartAsync(app.Address, app.GovernmentCa.Issue(app.Address.ToString()));
        var (client, created) = await SubscribeAsync(receiver.Url);
        using var _ = client;
        var ids = await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next()), TestRecords.Penalty(TestRecords.Next()));

        await Dispatcher().RunOnceAsync(CancellationToken.None);

        var received = receiver.Received.ToList();
        Assert.Equal(ids, received.Select(r => Payload(r.Body).Change.RecordId));
        Assert.All(received, r => Assert.True(WebhookSignature.Verify(created.Secret!, r.Signature, r.Body, app.Clock.GetUtcNow())));
        Assert.Equal([(1, true, (int?)200)], (await HistoryAsync(client, created.Id, ids[1])).Select(d => (d.Attempt, d.Succeeded, d.StatusCode)));
    }

    [Fact]
    public async Task Without_the_ca_bundle_the_receiver_is_refused_at_delivery_with_the_reason_and_delivered_once_it_is_configured()
    {
        await using var receiver = await WebhookReceiver.StartAsync(app.Address, app.GovernmentCa.Issue(app.Address.ToString()));
        var (client, created) = await SubscribeAsync(receiver.Url);
        using var _ = client;
        var record = (await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next())))[0];

        await Dispatcher(without: o => o.ReceiverCaBundle = null).RunOnceAsync(CancellationToken.None);
        Assert.Empty(receiver.Received);
        var refused = Assert.Single(await HistoryAsync(client, created.Id, record));
        Assert.False(refused.Succeeded);
        Assert.Null(refused.StatusCode);
        Assert.StartsWith(WebhookAddresses.Refusal(WebhookAddresses.CertificateUntrusted, WebhookAddresses.CertificateUntrustedReason), refused.Error);

        app.Clock.Advance(TimeSpan.FromSeconds(31));
        await Dispatcher().RunOnceAsync(CancellationToken.None);
        Assert.Equal([record], receiver.Received.Select(r => Payload(r.Body).Change.RecordId));
        Assert.Equal([(1, false), (2, true)], (await HistoryAsync(client, created.Id, record)).Select(d => (d.Attempt, d.Succeeded)));
    }

    [Fact]
    public async Task A_certificate_of_the_configured_ca_for_another_name_is_refused()
    {
        await using var receiver = await WebhookReceiver.StartAsync(app.Address, app.GovernmentCa.Issue("receiver.other-department.example"));
        var (client, created) = await SubscribeAsync(receiver.Url);
        using var _ = client;
        var record = (await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next())))[0];

        await Dispatcher().RunOnceAsync(CancellationToken.None);

        Assert.Empty(receiver.Received);
        var refused = Assert.Single(await HistoryAsync(client, created.Id, record));
        Assert.Equal(WebhookAddresses.Refusal(WebhookAddresses.CertificateNameMismatch, WebhookAddresses.CertificateNameMismatchReason), refused.Error);
    }

    [Fact]
    public async Task A_certificate_of_another_unknown_ca_is_refused_even_with_a_bundle_configured()
    {
        using var otherCa = new WebhookTestCa("冒充的CA");
        await using var receiver = await WebhookReceiver.StartAsync(app.Address, otherCa.Issue(app.Address.ToString()));
        var (client, created) = await SubscribeAsync(receiver.Url);
        using var _ = client;
        var record = (await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next())))[0];

        await Dispatcher().RunOnceAsync(CancellationToken.None);

        Assert.Empty(receiver.Received);
        Assert.StartsWith(WebhookAddresses.Refusal(WebhookAddresses.CertificateUntrusted, WebhookAddresses.CertificateUntrustedReason),
            Assert.Single(await HistoryAsync(client, created.Id, record)).Error);
    }

    [Fact]
    public async Task The_connect_time_check_holds_the_configured_networks_too()
    {
        await using var receiver = await WebhookReceiver.StartAsync(app.Address, app.GovernmentCa.Issue(app.Address.ToString()));
        var (client, created) = await SubscribeAsync(receiver.Url);
        using var _ = client;
        var record = (await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next())))[0];

        // Registered while the network was allowed; the connection is checked again, against the settings it runs with.
        await Dispatcher(without: o => o.AllowedNetworks = []).RunOnceAsync(CancellationToken.None);

        Assert.Empty(receiver.Received);
        Assert.Equal(WebhookAddresses.Refusal(WebhookAddresses.AddressNotAllowed, WebhookAddresses.AddressNotAllowedReason),
            Assert.Single(await HistoryAsync(client, created.Id, record)).Error);
    }

    [Fact]
    public async Task Private_addresses_outside_the_configured_networks_loopback_link_local_and_metadata_stay_refused()
    {
        var outside = new[] { "10.0.0.5", "172.16.0.5", "192.168.1.10" }.Select(IPAddress.Parse).First(a => !app.Network.Contains(a));
        List<string> urls =
        [
            $"https://{outside}/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[fe80::1]/hook",
            "https://100.100.100.200/latest/meta-data",
            "https://127.0.0.1/hook",
            "https://[::ffff:169.254.169.254]/hook",
        ];
        await using var ipv6 = GovernmentNetworkApp.PrivateV6 is { } v6
            ? await WebhookReceiver.StartAsync(v6.Address, app.GovernmentCa.Issue(v6.Address.ToString()))
            : null;
        if (ipv6 is not null)
        {
            // A real receiver of the government CA, on this machine's private IPv6 address, which the center did not name.
            urls.Add(ipv6.Url);
        }

        foreach (var url in urls)
        {
            var problem = await RefusedAsync(url);
            var error = Assert.Single(problem.Errors);
            Assert.True(error.Code == WebhookAddresses.AddressNotAllowed, url);
            Assert.Equal(WebhookAddresses.AddressNotAllowedReason, error.Message);
        }

        if (ipv6 is not null)
        {
            Assert.Empty(ipv6.Received);
        }
    }

    [Fact]
    public async Task Settings_that_cannot_be_meant_or_reach_metadata_and_a_missing_ca_bundle_stop_the_start()
    {
        var misconfigured = new MisconfiguredWebhooksApp();
        var failure = await Assert.ThrowsAnyAsync<Exception>(misconfigured.InitializeAsync);
        try
        {
            await misconfigured.DisposeAsync();
        }
        catch (Exception)
        {
            // The host never started; what is left to drop is the database.
        }

        var message = failure.ToString();
        Assert.Contains("Sharing:Webhooks:AllowedNetworks: \"10.0.0.1/8\" is not a network in CIDR form", message);
        Assert.Contains("Sharing:Webhooks:AllowedNetworks: \"169.254.0.0/16\" overlaps 169.254.0.0/16", message);
        Assert.Contains("Sharing:Webhooks:ReceiverCaBundle: the file \"/nonexistent/receiver-ca.pem\" does not exist", message);
    }
}
