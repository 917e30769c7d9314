using System.Globalization;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Sharing;
using CreditShare.Web.Infrastructure;
using CreditShare.Web.Records;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Sharing;

/// <summary>
/// The reporting app plus a financial institution, with webhooks allowed to this machine (and to receivers holding a
/// certificate of the test CA), and delivery driven by the tests rather than by the background loop.
/// </summary>
public class SharingApp : ReportingApp
{
    public SharingApp()
    {
        ExtraSettings["Sharing:Webhooks:AllowLoopback"] = "true";
        ExtraSettings["Sharing:Webhooks:TrustPlatformCa"] = "true";
        ExtraSettings["Sharing:Webhooks:Dispatch"] = "false";
        ExtraSettings["Attachments:Directory"] = AttachmentDirectory;
    }

    public string AttachmentDirectory => Path.Combine(Path.GetDirectoryName(ArchiveDirectory)!, "attachments");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UnitIds["bank"] = await CreateUnitAsync("测试银行", "91640100", ["financial_institution"]);
        await using var scope = Services.CreateAsyncScope();
        var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>().IssueAsync(System, new IssueRequest(UnitIds["bank"], 24));
        Certificates["bank"] = X509CertificateLoader.LoadPkcs12(issued.Value!.Pkcs12, issued.Value.Pkcs12Password);
    }

    /// <summary>A new unit with its own certificate, for tests that need one nobody else has touched.</summary>
    public async Task<HttpClient> NewUnitAsync(string key, string name, string[] roles)
    {
        UnitIds[key] = await CreateUnitAsync(name, "91640100", roles);
        await using var scope = Services.CreateAsyncScope();
        var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>().IssueAsync(System, new IssueRequest(UnitIds[key], 24));
        Certificates[key] = X509CertificateLoader.LoadPkcs12(issued.Value!.Pkcs12, issued.Value.Pkcs12Password);
        return Unit(key);
    }

    public static ClaimsPrincipal Staff(string name, string role, int unitId = 1) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), new Claim(CurrentUser.UnitIdClaim, unitId.ToString(CultureInfo.InvariantCulture))],
        "test", ClaimTypes.Name, ClaimTypes.Role));

    public DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    /// <summary>A grant asked for by a center querier and approved by a reviewer, as the console does it.</summary>
    public async Task<SharingGrant> GrantAsync(string unit, string category, string[] fields)
    {
        await using var scope = Services.CreateAsyncScope();
        var grants = scope.ServiceProvider.GetRequiredService<Grants>();
        var asked = await grants.RequestAsync(Staff("center-querier", StaffRoles.Querier),
            new GrantInput(UnitIds[unit], category, fields, "行政审批中核查申请人信用状况", Today.AddDays(-1), Today.AddMonths(6)));
        Assert.True(asked.IsOk, string.Join("; ", asked.Errors.Select(e => e.Message)) + asked.Message);
        var approved = await grants.ReviewAsync(Staff("center-reviewer", StaffRoles.Reviewer), asked.Value!.Id, true, null);
        Assert.True(approved.IsOk, string.Join("; ", approved.Errors.Select(e => e.Message)) + approved.Message);
        return approved.Value!;
    }

    /// <summary>
    /// Waits until the feed may carry these records: on PostgreSQL the feed stops at the oldest transaction still running
    /// anywhere in the cluster, and tests of other classes (other databases, same cluster) run long ones meanwhile.
    /// </summary>
    public async Task FeedReachesAsync(IReadOnlyCollection<long> ids)
    {
        var positions = await WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.CreditRecords.Where(r => ids.Contains(r.Id)).Select(r => r.ChangeTx)));
        var last = positions.Max();
        // A limit on real waiting (other tests' transactions run in real time), not the app's time.
        var waited = global::System.Diagnostics.Stopwatch.StartNew();
        while (await WithDbAsync(db => ChangeFeed.HorizonAsync(db)) <= last)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "the change feed's horizon did not pass the records within 90 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Reports records as the source unit and returns their ids.</summary>
    public Task<long[]> ReportAsync(string unit, string category, params Dictionary<string, string?>[] records) => ReportAsync(unit, category, true, records);

    /// <summary>Reports records and, unless told not to, waits until the change feed may carry them.</summary>
    public async Task<long[]> ReportAsync(string unit, string category, bool waitForFeed, params Dictionary<string, string?>[] records)
    {
        using var client = Unit(unit);
        var response = await client.PostAsJsonAsync($"/api/v1/reports/{category}", records);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var result = JsonSerializer.Deserialize<BatchResult>(text, JsonSerializerOptions.Web)!;
        Assert.Equal(records.Length, result.Accepted + result.Unchanged);
        long[] ids = [.. result.Records.Select(r => r.RecordId!.Value)];
        if (waitForFeed)
        {
            await FeedReachesAsync(ids);
        }

        return ids;
    }
}
