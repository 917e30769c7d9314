using System.Net;
using System.Net.Http.Json;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Sharing;
using CreditShare.Web.Tests.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Audit;

/// <summary>
/// A fault between a change's commit and its audit entry — the chain refuses the entry, as when the process dies right
/// after the commit — loses nothing: the batch, the withdrawal and the webhook delivery are answered and committed with
/// their entries pending, the webhook's cursor never runs ahead of its delivery's entry, and the next start of the
/// platform (a real process) chains them; the chain verifies.
/// </summary>
public sealed class AuditOutboxTests : IAsyncLifetime
{
    private static readonly AuditEvent[] Refused = [AuditEvent.Report_BatchReceived, AuditEvent.Report_RecordWithdrawn, AuditEvent.Data_WebhookDelivered];

    private readonly SharingApp app = new();

    public Task InitializeAsync() => app.InitializeAsync();

    public Task DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task Entries_of_committed_changes_survive_a_fault_after_the_commit_and_are_chained_at_the_next_start()
    {
        await using var receiver = await WebhookReceiver.StartAsync(app.PkiPaths);
        using var hooked = await app.NewUnitAsync("hooked", "测试推送接收单位", ["user"]);
        await app.GrantAsync("hooked", "XZCF", ["CF_XDR_MC", "CF_XDR_SHXYM", "CF_WSH", "CF_JDRQ"]);
        var subscribed = await hooked.PostAsJsonAsync("/api/v1/shared/webhooks", new { url = receiver.Url, categories = new[] { "XZCF" } });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        var subscriptionId = (await subscribed.Content.ReadFromJsonAsync<WebhookView>(WireJson.Options))!.Id;
        // Registration was chained right away: the outbox empties after a healthy commit.
        Assert.Equal(0, await app.WithDbAsync(db => db.PendingAudits.CountAsync()));
        Assert.Equal(1, await CountAsync(AuditEvent.Webhook_Registered, $"webhook:{subscriptionId}"));

        await RefuseAsync(Refused);

        // 1. A batch: accepted and committed although its entry cannot be chained.
        var record = TestRecords.Penalty(TestRecords.Next());
        var ids = await app.ReportAsync("source", "XZCF", record);
        var batchId = await app.WithDbAsync(db => db.ReportBatches.Select(b => b.Id).SingleAsync());

        // 2. The webhook delivery: the cursor moves, and the delivery's entry (with the handed-out record) is pending with it.
        await app.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(CancellationToken.None);
        Assert.Single(receiver.Received);
        var subscription = await app.WithDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == subscriptionId));
        Assert.Equal(ids[0], subscription.CursorId);
        var deliveryId = await app.WithDbAsync(db => db.WebhookDeliveries.Where(d => d.SubscriptionId == subscriptionId && d.Succeeded).Select(d => d.DeliveryId).SingleAsync());

        // 3. A withdrawal.
        using (var source = app.Unit("source"))
        {
            var withdrawn = await source.PostAsJsonAsync("/api/v1/reports/XZCF/withdrawals", new { sourceKey = record["CF_WSH"], reason = "决定已被撤销" });
            Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        }

        Assert.Equal(0, await CountAsync(AuditEvent.Report_BatchReceived, $"batch:{batchId}"));
        Assert.Equal(3, await app.WithDbAsync(db => db.PendingAudits.CountAsync()));

        // 4. The fault is gone; the platform starts again (a real process, webhooks not dispatched): it chains what is pending.
        await RefuseAsync([]);
        using (await ServerProcess.StartAsync(app, new Dictionary<string, string> { ["Sharing:Webhooks:Dispatch"] = "false" }))
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (await app.WithDbAsync(db => db.PendingAudits.CountAsync()) > 0)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "the restarted platform did not chain the pending entries within 60 s");
                await Task.Delay(200);
            }
        }

        Assert.Equal(1, await CountAsync(AuditEvent.Report_BatchReceived, $"batch:{batchId}"));
        Assert.Equal(1, await CountAsync(AuditEvent.Report_RecordWithdrawn, $"record:{ids[0]}"));
        var delivered = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => a.EventCode == (int)AuditEvent.Data_WebhookDelivered && a.Target == $"webhook:{subscriptionId}").ToListAsync());
        var entry = Assert.Single(delivered);
        Assert.EndsWith($"delivery={deliveryId}", entry.Detail);
        var access = await app.WithDbAsync(db => db.SharedRecordAccesses.AsNoTracking().Where(a => a.AuditSequence == entry.Sequence).ToListAsync());
        Assert.Equal([(app.UnitIds["hooked"], ids[0], "webhook")], access.Select(a => (a.UnitId, a.RecordId, a.Channel)));

        await using var scope = app.Services.CreateAsyncScope();
        var verification = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
        Assert.True(verification.Intact, verification.FirstBreak?.Message);
    }

    private Task<int> CountAsync(AuditEvent auditEvent, string target) =>
        app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EventCode == (int)auditEvent && a.Target == target));

    /// <summary>Makes the database refuse audit entries of these events (none: lifts the fault).</summary>
    private Task<int> RefuseAsync(AuditEvent[] events) => app.WithDbAsync(async db =>
    {
        var codes = string.Join(", ", events.Select(e => (int)e));
        if (app.Database.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE OR REPLACE FUNCTION cs_test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$;
                DROP TRIGGER IF EXISTS cs_test_refuse_audit ON "AuditEntries";
                """);
            if (events.Length > 0)
            {
                var trigger = $"""
                    CREATE TRIGGER cs_test_refuse_audit BEFORE INSERT ON "AuditEntries" FOR EACH ROW
                    WHEN (NEW."EventCode" IN ({codes})) EXECUTE FUNCTION cs_test_refuse_audit()
                    """;
                await db.Database.ExecuteSqlRawAsync(trigger);
            }
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER IF EXISTS cs_test_refuse_audit");
            if (events.Length > 0)
            {
                var trigger = $"""
                    CREATE TRIGGER cs_test_refuse_audit BEFORE INSERT ON "AuditEntries" WHEN NEW."EventCode" IN ({codes})
                    BEGIN SELECT RAISE(ABORT, 'injected fault'); END
                    """;
                await db.Database.ExecuteSqlRawAsync(trigger);
            }
        }

        return 0;
    });
}
