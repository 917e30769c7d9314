using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Certificates;

/// <summary>The app behind a TLS-terminating reverse proxy at 127.0.0.1, which forwards the client's certificate and address.</summary>
public sealed class ProxiedApp : KestrelApp
{
    public ProxiedApp()
    {
        ExtraSettings["ReverseProxy:TrustedProxies:0"] = "127.0.0.1";
    }
}

public class TrustedProxyTests(ProxiedApp app) : IClassFixture<ProxiedApp>
{
    [Fact]
    public async Task A_trusted_proxy_forwards_the_client_certificate_and_address_and_revocation_still_applies()
    {
        string pem, serial;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>()
                .IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds["user"], 48));
            pem = issued.Value!.CertificatePem;
            serial = issued.Value.Certificate.SerialNumber;
        }

        using var proxy = app.MachineClient(null);
        HttpRequestMessage Forwarded()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/machine/whoami");
            request.Headers.Add("X-Client-Cert", Uri.EscapeDataString(pem));
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            return request;
        }

        var accepted = await proxy.SendAsync(Forwarded());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(serial, (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("certificateSerial").GetString());

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CertificateService>().RevokeAsync(CreditShareApp.System, serial, "人员变动");
        }

        await (await proxy.SendAsync(Forwarded())).ProblemAsync(HttpStatusCode.Unauthorized);
        var refusal = await app.WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.EventCode == (int)AuditEvent.Certificate_Refused && a.Target == $"certificate:{serial}"));
        Assert.Equal("203.0.113.7", refusal.ClientIp);
    }

    [Fact]
    public async Task A_forwarded_header_cannot_impersonate_a_certificate_the_ca_did_not_issue()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest("CN=91440300708461136T", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var proxy = app.MachineClient(null);
        var message = new HttpRequestMessage(HttpMethod.Get, "/api/v1/machine/whoami");
        message.Headers.Add("X-Client-Cert", Uri.EscapeDataString(selfSigned.ExportCertificatePem()));
        await (await proxy.SendAsync(message)).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
