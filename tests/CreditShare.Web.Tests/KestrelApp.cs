using System.Net;
using System.Net.Security;
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
    public KestrelApp() => UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen =>
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps();
    }));

    public Uri BaseAddress => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public override async Task InitializeAsync()
    {
        StartServer();
        await base.InitializeAsync();
    }

    /// <summary>An HTTPS client that trusts only the test CA and presents <paramref name="clientCertificate"/> if given.</summary>
    public HttpClient MachineClient(X509Certificate2? clientCertificate)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(PkiPaths["CertificateAuthority:CertificatePath"]!));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is not null && chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = BaseAddress };
    }
}
