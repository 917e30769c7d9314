using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Tests.Features.Gateways;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Certificates;

/// <summary>Gateway (前置机) certificates: issued as such, recorded as such, and their reports carry channel gateway.</summary>
public class GatewayCertificateTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    [Fact]
    public async Task The_api_issues_a_gateway_certificate_when_asked_and_a_system_one_by_default()
    {
        var admin = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        admin.DefaultRequestHeaders.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));

        var gateway = await admin.PostAsJsonAsync("/api/v1/certificates", new { unitId = app.UnitIds["source"], validityMonths = 24, gateway = true });
        Assert.True(gateway.StatusCode == HttpStatusCode.OK, await gateway.Content.ReadAsStringAsync());
        var issued = await gateway.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("gateway", issued.GetProperty("certificate").GetProperty("purpose").GetString());
        using (var certificate = X509Certificate2.CreateFromPem(issued.GetProperty("certificatePem").GetString()))
        {
            Assert.Contains("OU=前置机", certificate.Subject);
        }

        var system = await admin.PostAsJsonAsync("/api/v1/certificates", new { unitId = app.UnitIds["source"], validityMonths = 24 });
        var systemIssued = await system.Content.ReadFromJsonAsync<JsonElement>();
        var systemSerial = systemIssued.GetProperty("certificate").GetProperty("serialNumber").GetString();
        Assert.Equal("system", systemIssued.GetProperty("certificate").GetProperty("purpose").GetString());
        Assert.DoesNotContain("前置机", systemIssued.GetProperty("certificate").GetProperty("subject").GetString());

        var serial = issued.GetProperty("certificate").GetProperty("serialNumber").GetString();
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/certificates?unitId={app.UnitIds["source"]}");
        var purposes = listed.EnumerateArray().ToDictionary(c => c.GetProperty("serialNumber").GetString()!, c => c.GetProperty("purpose").GetString());
        Assert.Equal(("gateway", "system"), (purposes[serial!], purposes[systemSerial!]));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a =>
            a.EventCode == (int)AuditEvent.Certificate_Issued && a.Target == $"certificate:{serial}" && a.Detail!.EndsWith(";purpose=gateway"))));
    }

    [Fact]
    public async Task The_console_issues_a_gateway_certificate_from_its_checkbox_and_lists_purposes_in_chinese()
    {
        var admin = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        var page = await admin.PostFormAsync("/Certificates?handler=Issue",
            ("Input.UnitId", app.UnitIds["source2"].ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Input.ValidityMonths", "24"), ("Input.Gateway", "true"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("前置机证书已签发", html);
        var serial = System.Text.RegularExpressions.Regex.Match(html, "id=\"issued-serial\">([0-9A-F]+)<").Groups[1].Value;
        var stored = await app.WithDbAsync(db => db.IssuedCertificates.SingleAsync(c => c.SerialNumber == serial));
        Assert.Equal(CertificatePurpose.Gateway, stored.Purpose);
        Assert.Contains("OU=前置机", stored.Subject);

        var list = await admin.GetStringAsync("/Certificates");
        Assert.Contains("前置机证书", list);
        Assert.Matches($"{serial}</td>\\s*<td>[^<]*</td>\\s*<td class=\"purpose\">前置机</td>", list);
        var systemSerial = app.Certificates["source2"].SerialNumber;
        Assert.Matches($"{systemSerial}</td>\\s*<td>[^<]*</td>\\s*<td class=\"purpose\">业务系统</td>", list);
    }

    [Fact]
    public async Task Records_reported_through_a_gateway_certificate_carry_channel_gateway_and_a_system_certificate_stays_api()
    {
        var record = TestRecords.Penalty(TestRecords.Next());
        using var gateway = app.Gateway("source");
        var response = await gateway.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { record });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<BatchResult>())!;
        var stored = await app.WithDbAsync(db => db.CreditRecords.SingleAsync(r => r.SourceKey == record["CF_WSH"]));
        Assert.Equal(("gateway", $"cert:{app.GatewayCertificates["source"].SerialNumber}"), (stored.Channel, stored.SubmittedBy));
        Assert.Equal("gateway", await app.WithDbAsync(db => db.ReportBatches.Where(b => b.Id == result.BatchId).Select(b => b.Channel).SingleAsync()));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a =>
            a.EventCode == (int)AuditEvent.Report_BatchReceived && a.Target == $"batch:{result.BatchId}" && a.Detail!.Contains(";channel=gateway;"))));

        var other = TestRecords.Penalty(TestRecords.Next());
        using var system = app.Unit("source");
        Assert.Equal(HttpStatusCode.OK, (await system.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { other })).StatusCode);
        Assert.Equal("api", await app.WithDbAsync(db => db.CreditRecords.Where(r => r.SourceKey == other["CF_WSH"]).Select(r => r.Channel).SingleAsync()));
    }
}
