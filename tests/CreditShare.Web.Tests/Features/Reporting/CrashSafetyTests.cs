using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Core.Synthetic;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>
/// SIGKILL in the middle of a 100,000-record batch, restart, retry with the same Idempotency-Key: every record is there
/// exactly once, nothing half-written was left by the killed attempt, and the audit chain verifies.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Records = 100_000;
    private readonly CreditShareApp app = new();

    public Task InitializeAsync() => app.InitializeAsync();

    public Task DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task A_killed_server_leaves_nothing_half_stored_and_a_retry_stores_every_record_once()
    {
        X509Certificate2 certificate;
        var authority = TestRecords.Company(99);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>().IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds["source"], 24));
            certificate = X509CertificateLoader.LoadPkcs12(issued.Value!.Pkcs12, issued.Value.Pkcs12Password);
            // The records name this authority: the source unit reports for it.
            Assert.True((await scope.ServiceProvider.GetRequiredService<Web.Features.Units.ReportingAssignments>()
                .AddOnBehalfAsync(CreditShareApp.SetupReviewer, app.UnitIds["source"], authority, "宁夏回族自治区市场监督管理厅")).IsOk);
        }

        var generator = new RecordGenerator(7, new DateOnly(2026, 11, 27));
        var rows = Enumerable.Range(0, Records).Select(n => generator.Penalty(n, "宁夏回族自治区市场监督管理厅", authority)).ToList();
        var body = JsonSerializer.SerializeToUtf8Bytes(rows);
        var settings = new Dictionary<string, string> { ["Reporting:MaxBatchSize"] = "200000", ["Reporting:MaxBodyBytes"] = "268435456" };
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports/XZCF") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("Idempotency-Key", "crash-test-batch-1");
            return request;
        }

        // 1. Kill the server while it is storing the batch.
        using (var server = await ServerProcess.StartAsync(app, settings))
        {
            using var client = new ServerProcess.KestrelProbe(app, server.Address, certificate).Client;
            var watch = Stopwatch.StartNew();
            var sending = client.SendAsync(Request());
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.False(sending.IsCompleted, "the batch finished before the kill; the test would prove nothing");
            server.Kill();
            await Assert.ThrowsAnyAsync<Exception>(() => sending);
            output.WriteLine($"killed after {watch.Elapsed.TotalSeconds:F1} s");
        }

        Assert.Equal(0, await app.WithDbAsync(db => db.ReportBatches.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.CreditRecords.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.RecordVersions.CountAsync()));

        // 2. Restart and retry with the same key: stored once; a second retry is answered from the stored result.
        using (var server = await ServerProcess.StartAsync(app, settings))
        {
            using var client = new ServerProcess.KestrelProbe(app, server.Address, certificate).Client;
            var watch = Stopwatch.StartNew();
            var first = await client.SendAsync(Request());
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            output.WriteLine($"{app.Database.Provider}: {Records} records in {watch.Elapsed.TotalSeconds:F1} s");
            var result = (await first.Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
            Assert.Equal(Records, result.Accepted);

            var again = await client.SendAsync(Request());
            var replay = (await again.Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
            Assert.True(replay.Replayed);
            Assert.Equal(result.BatchId, replay.BatchId);
        }

        Assert.Equal(Records, await app.WithDbAsync(db => db.CreditRecords.CountAsync()));
        Assert.Equal(Records, await app.WithDbAsync(db => db.CreditRecords.Select(r => r.SourceKey).Distinct().CountAsync()));
        Assert.Equal(Records, await app.WithDbAsync(db => db.CreditRecords.CountAsync(r => r.CurrentVersion == 1 && r.LastAction == RecordAction.Reported)));
        Assert.Equal(0, await app.WithDbAsync(db => db.RecordVersions.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.ReportBatches.CountAsync()));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var verification = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
            Assert.True(verification.Intact, verification.FirstBreak?.Message);
        }
    }
}
