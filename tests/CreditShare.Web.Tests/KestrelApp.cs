using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests;

/// <summary>The app on a real Kestrel port with TLS, for mutual TLS and for the browser.</summary>
public class KestrelApp : CreditShareApp
{
    public KestrelApp()
    {
        // Served over HTTPS like production, so the session cookie is HTTPS-only here too.
        ExtraSettings["Accounts:HttpsOnlyCookies"] = "true";
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps();
        }));
    }

    public Uri BaseAddress => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    protected override void StartHost() => StartServer();

    /// <summary>An HTTPS client that trusts only the test CA and presents <paramref name="clientCertificate"/> if given.</summary>
    public HttpClient MachineClient(X509Certificate2? clientCertificate) => new ServerProcess.KestrelProbe(this, BaseAddress, clientCertificate).Client;

    /// <summary>An anonymous HTTPS client whose connections come from <paramref name="from"/> (e.g. 127.0.0.7).</summary>
    public HttpClient ClientFrom(string from) => new ServerProcess.KestrelProbe(this, BaseAddress, null, IPAddress.Parse(from)).Client;
}
