using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Gateways;

/// <summary>The reporting app (units' system certificates) plus a gateway (前置机) certificate for each source unit.</summary>
public class GatewayApp : ReportingApp
{
    public Dictionary<string, X509Certificate2> GatewayCertificates { get; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var unit in new[] { "source", "source2" })
        {
            GatewayCertificates[unit] = (await IssueAsync(unit, gateway: true)).Certificate;
        }
    }

    /// <summary>A certificate through the issuing service, as the console and the CLI issue it.</summary>
    public async Task<(X509Certificate2 Certificate, string Serial)> IssueAsync(string unit, bool gateway, DateTimeOffset? notAfter = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>()
            .IssueAsync(System, new IssueRequest(UnitIds[unit], 24, gateway), notAfter is null ? null : Clock.GetUtcNow().AddMinutes(-5), notAfter);
        Assert.True(issued.IsOk, string.Join("; ", issued.Errors.Select(e => e.Message)));
        return (X509CertificateLoader.LoadPkcs12(issued.Value!.Pkcs12, issued.Value.Pkcs12Password), issued.Value.Certificate.SerialNumber);
    }

    public HttpClient Gateway(string unit) => MachineClient(GatewayCertificates[unit]);

    /// <summary>The platform CA's certificate, as a gateway has it configured.</summary>
    public X509Certificate2 CaCertificate => Services.GetRequiredService<CertificateAuthority>().Certificate;
}
