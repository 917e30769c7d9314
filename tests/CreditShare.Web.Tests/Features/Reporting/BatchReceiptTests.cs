using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Tests.Features.Gateways;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>The platform's signed receipt on every batch answer, checked as the gateway checks it: offline, with the CA only.</summary>
public class BatchReceiptTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static HttpRequestMessage Batch(string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/reports/XZCF") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task<(BatchResult Answer, SignedReceipt Receipt)> AnswerAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var answer = (await response.Content.ReadFromJsonAsync<BatchResult>(WireJson.Options))!;
        Assert.True(response.Headers.TryGetValues(SignedReceipt.Header, out var values), "the answer carries a receipt");
        return (answer, ReceiptDigest.FromHeader(Assert.Single(values))!);
    }

    private BatchReceipt Verified(SignedReceipt receipt)
    {
        var (content, problem) = ReceiptDigest.Verify(receipt, app.CaCertificate);
        Assert.True(problem is null, problem);
        return content!;
    }

    [Fact]
    public async Task A_first_answer_and_its_replay_carry_receipts_of_the_same_content_that_verify_with_the_ca()
    {
        using var gateway = app.Gateway("source");
        var bad = TestRecords.Penalty(TestRecords.Next());
        bad["CF_XDR_SHXYM"] = "91440300708461136U";
        var body = JsonSerializer.Serialize(new[] { TestRecords.Penalty(TestRecords.Next()), bad });
        var key = $"file-{Guid.NewGuid():N}-0";

        var (answer, sealedReceipt) = await AnswerAsync(await gateway.SendAsync(Batch(body, key)));
        var receipt = Verified(sealedReceipt);
        var batch = await app.WithDbAsync(db => db.ReportBatches.SingleAsync(b => b.Id == answer.BatchId));
        var uscc = await app.WithDbAsync(db => db.Units.Where(u => u.Id == app.UnitIds["source"]).Select(u => u.Uscc).SingleAsync());
        Assert.Equal((answer.BatchId, uscc, "XZCF", 2, 1, 0, 1, key, "gateway"),
            (receipt.BatchId, receipt.UnitCode, receipt.Category, receipt.Total, receipt.Accepted, receipt.Unchanged, receipt.Rejected, receipt.IdempotencyKey, receipt.Channel));
        Assert.Equal(ReceiptDigest.OfAnswer(answer), receipt.AnswerDigest);
        Assert.Equal(TimeSpan.Zero, receipt.ReceivedAt.Offset);
        Assert.InRange(batch.ReceivedAt - receipt.ReceivedAt, TimeSpan.Zero, TimeSpan.FromMilliseconds(1));

        // Later, from another moment of the platform's clock: the same receipt, whatever the replay says.
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        var (replayed, replayedSeal) = await AnswerAsync(await gateway.SendAsync(Batch(body, key)));
        Assert.True(replayed.Replayed);
        Assert.Equal(receipt, Verified(replayedSeal));
        Assert.Equal(ReceiptDigest.OfAnswer(replayed), receipt.AnswerDigest);

        var fetched = await gateway.GetFromJsonAsync<SignedReceipt>($"/api/v1/reports/batches/{answer.BatchId}/receipt", WireJson.Options);
        Assert.Equal(receipt, Verified(fetched!));
    }

    [Fact]
    public async Task A_system_certificates_answer_carries_a_receipt_too_and_only_the_units_own_batch_has_one()
    {
        using var system = app.Unit("source");
        var (answer, sealedReceipt) = await AnswerAsync(await system.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { TestRecords.Penalty(TestRecords.Next()) }));
        var receipt = Verified(sealedReceipt);
        Assert.Equal(("api", (string?)null, 1), (receipt.Channel, receipt.IdempotencyKey, receipt.Accepted));

        using var other = app.Unit("source2");
        var foreign = await other.GetAsync($"/api/v1/reports/batches/{answer.BatchId}/receipt");
        Assert.Equal("batch.not_found", (await foreign.ProblemAsync(HttpStatusCode.NotFound)).Code);
        var unknown = await system.GetAsync($"/api/v1/reports/batches/{Guid.NewGuid()}/receipt");
        Assert.Equal("batch.not_found", (await unknown.ProblemAsync(HttpStatusCode.NotFound)).Code);

        // A refused batch stores nothing and gets no receipt.
        var refused = await system.PostAsJsonAsync("/api/v1/reports/XZCF", Array.Empty<object>());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(refused.Headers.Contains(SignedReceipt.Header));
    }

    [Fact]
    public async Task A_changed_receipt_and_a_receipt_checked_against_another_ca_fail()
    {
        using var gateway = app.Gateway("source2");
        var (_, sealedReceipt) = await AnswerAsync(await gateway.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { TestRecords.Penalty(TestRecords.Next()) }));
        Verified(sealedReceipt);

        var json = Encoding.UTF8.GetString(Convert.FromBase64String(sealedReceipt.Payload));
        var claimed = json.Replace("\"accepted\":1", "\"accepted\":0").Replace("\"rejected\":0", "\"rejected\":1");
        Assert.NotEqual(json, claimed);
        var tampered = sealedReceipt with { Payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(claimed)) };
        Assert.Equal("回执签名无效：内容被改动或并非平台签发", ReceiptDigest.Verify(tampered, app.CaCertificate).Problem);

        var folder = Directory.CreateTempSubdirectory("other-ca-").FullName;
        try
        {
            CertificateAuthority.CreateCa(Path.Combine(folder, "ca.crt"), Path.Combine(folder, "ca.key"), "Other CA", app.Clock.GetUtcNow().AddDays(-30));
            using var other = new CertificateAuthority(Options.Create(new CertificateAuthorityOptions
            {
                CertificatePath = Path.Combine(folder, "ca.crt"),
                KeyPath = Path.Combine(folder, "ca.key"),
            }));
            Assert.StartsWith("签名证书不是由所配置的平台 CA 签发", ReceiptDigest.Verify(sealedReceipt, other.Certificate).Problem);

            // A signer the other CA made signs a receipt our CA does not vouch for.
            using var foreignSigner = other.IssueReceiptSigner(app.Clock.GetUtcNow().AddDays(1));
            var forged = ReceiptDigest.Sign(ReceiptDigest.Verify(sealedReceipt, app.CaCertificate).Receipt!, foreignSigner);
            Assert.StartsWith("签名证书不是由所配置的平台 CA 签发", ReceiptDigest.Verify(forged, app.CaCertificate).Problem);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_portal_offers_the_same_receipt_for_the_units_batch()
    {
        using var system = app.Unit("source");
        var (answer, sealedReceipt) = await AnswerAsync(await system.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { TestRecords.Penalty(TestRecords.Next()) }));
        var reporter = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source"));
        Assert.Contains("下载签名回执", await reporter.GetStringAsync($"/Reporting/Batch?id={answer.BatchId}"));
        var download = await reporter.GetAsync($"/Reporting/Batch?id={answer.BatchId}&handler=Receipt");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var fromPortal = JsonSerializer.Deserialize<SignedReceipt>(await download.Content.ReadAsByteArrayAsync(), WireJson.Options)!;
        Assert.Equal(Verified(sealedReceipt), Verified(fromPortal));

        var otherReporter = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source2"));
        Assert.Equal(HttpStatusCode.NotFound, (await otherReporter.GetAsync($"/Reporting/Batch?id={answer.BatchId}&handler=Receipt")).StatusCode);
    }
}
