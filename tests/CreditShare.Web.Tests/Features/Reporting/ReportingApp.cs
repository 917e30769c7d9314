using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Features.Certificates;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>A Kestrel app with small reporting limits, two source units and a user unit, each with its certificate.</summary>
public class ReportingApp : KestrelApp
{
    public const int MaxBatch = 50;

    public ReportingApp()
    {
        ExtraSettings["Reporting:MaxBatchSize"] = MaxBatch.ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        ExtraSettings["Reporting:MaxBodyBytes"] = "300000";
    }

    public Dictionary<string, X509Certificate2> Certificates { get; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UnitIds["source2"] = await CreateUnitAsync("测试税务局", "11640500", ["source"]);
        foreach (var unit in new[] { "source", "source2", "user" })
        {
            await using var scope = Services.CreateAsyncScope();
            var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>().IssueAsync(System, new IssueRequest(UnitIds[unit], 24));
            Certificates[unit] = X509CertificateLoader.LoadPkcs12(issued.Value!.Pkcs12, issued.Value.Pkcs12Password);
        }
    }

    public HttpClient Unit(string unit) => MachineClient(Certificates[unit]);
}
