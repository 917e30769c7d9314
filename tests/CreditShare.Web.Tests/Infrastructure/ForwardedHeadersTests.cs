using System.Net;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Crypto;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Infrastructure;

/// <summary>A real server with no proxy configured and a small public limit.</summary>
public sealed class UnproxiedApp : KestrelApp
{
    public UnproxiedApp() => ExtraSettings["PublicSite:RequestsPerMinute"] = "3";
}

/// <summary>The same behind a configured proxy at loopback (as a /8 network, the way a proxy subnet is configured).</summary>
public sealed class BehindProxyApp : KestrelApp
{
    public BehindProxyApp()
    {
        ExtraSettings["PublicSite:RequestsPerMinute"] = "3";
        ExtraSettings["ReverseProxy:TrustedProxies:0"] = "127.0.0.0/8";
    }
}

internal static class Forwarded
{
    public static async Task<List<HttpStatusCode>> PublicQueriesFromFreshAddressesAsync(KestrelApp app, int count)
    {
        using var client = app.MachineClient(null);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/public/v1/subjects?q=商贸");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            request.Headers.Add("X-Forwarded-Proto", "https");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        return statuses;
    }

    /// <summary>Presents a certificate with our CA's signature but no record (refused and audited), claiming an address.</summary>
    public static async Task<string?> AuditedAddressOfARefusedCertificateAsync(KestrelApp app, string claimed)
    {
        var ca = app.Services.GetRequiredService<CertificateAuthority>();
        var unit = await app.WithDbAsync(db => db.Units.SingleAsync(u => u.Id == app.UnitIds["source"]));
        var (certificate, key) = ca.SignClientCertificate(unit, app.Clock.GetUtcNow().AddMinutes(-5), app.Clock.GetUtcNow().AddMonths(24));
        using var exported = certificate.CopyWithPrivateKey(key);
        using var withKey = X509CertificateLoader.LoadPkcs12(exported.Export(X509ContentType.Pkcs12, "x"), "x");
        using var client = app.MachineClient(withKey);
        using var message = new HttpRequestMessage(HttpMethod.Get, "/api/v1/machine/whoami");
        message.Headers.Add("X-Forwarded-For", claimed);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(message)).StatusCode);
        return await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EventCode == (int)AuditEvent.Certificate_Refused)
            .OrderByDescending(a => a.Sequence).Select(a => a.ClientIp).FirstAsync());
    }
}

public class ForwardedHeadersFromClientsTests(UnproxiedApp app) : IClassFixture<UnproxiedApp>
{
    [Fact]
    public async Task A_client_that_is_no_proxy_cannot_pick_its_rate_limit_partition_with_x_forwarded_for()
    {
        var statuses = await Forwarded.PublicQueriesFromFreshAddressesAsync(app, 5);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task A_client_that_is_no_proxy_cannot_write_an_address_of_its_choice_into_the_audit_trail() =>
        Assert.Equal("127.0.0.1", await Forwarded.AuditedAddressOfARefusedCertificateAsync(app, "203.0.113.99"));
}

public class ForwardedHeadersFromProxiesTests(BehindProxyApp app) : IClassFixture<BehindProxyApp>
{
    [Fact]
    public async Task A_configured_proxy_forwards_each_clients_own_address_to_the_rate_limit()
    {
        var statuses = await Forwarded.PublicQueriesFromFreshAddressesAsync(app, 5);
        Assert.Equal(5, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task A_configured_proxy_forwards_the_clients_address_into_the_audit_trail() =>
        Assert.Equal("203.0.113.99", await Forwarded.AuditedAddressOfARefusedCertificateAsync(app, "203.0.113.99"));
}
