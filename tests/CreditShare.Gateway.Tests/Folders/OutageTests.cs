using CreditShare.Gateway.Queue;
using CreditShare.Web.Tests;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Gateway.Tests.Folders;

/// <summary>The platform away for an hour (a stopped process, the gateway's clock moved on): files keep arriving, and all of them go afterwards, in order.</summary>
public sealed class OutageTests : IAsyncLifetime
{
    private readonly CreditShareApp app = new();

    public Task InitializeAsync() => app.InitializeAsync();

    public Task DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task An_hour_without_the_platform_loses_nothing_and_delivers_everything_in_order_afterwards()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        var port = ServerProcess.FreePort();
        var options = GatewayRig.OptionsFor(credentials, new Uri($"https://127.0.0.1:{port}"), "XZCF");
        options.Spool.MaxRetryDelaySeconds = 600;
        await using var rig = GatewayRig.Build(credentials, options);
        var serial = 600_000 + (Random.Shared.Next(1, 90) * 1000);

        // The platform is not running: every attempt fails, and the gateway keeps taking files.
        var dropped = new List<List<Dictionary<string, string?>>>();
        for (var minute = 0; minute <= 60; minute += 10)
        {
            var records = Enumerable.Range(0, 50).Select(_ => TestRecords.Penalty(serial++)).ToList();
            dropped.Add(records);
            rig.Drop($"XZCF_{minute:D2}.csv", Csv.Of(records));
            Assert.Equal(1, rig.Folders.ScanOnce());
            var wait = await rig.Sender.SendNextAsync(CancellationToken.None);
            Assert.True(wait > TimeSpan.Zero);
            rig.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var status = rig.Status.Current();
        Assert.Equal(dropped.Count, status.QueueDepth);
        Assert.True(status.OldestItemAgeSeconds >= 3600);
        Assert.Contains("无法连接平台", status.LastError, StringComparison.Ordinal);
        Assert.Contains("积压", status.Alarms["platform"], StringComparison.Ordinal);
        Assert.True(rig.Store.NextPending()!.Value.Batch.Attempts >= 7);

        using (await ServerProcess.StartAsync(app, new Dictionary<string, string>(), port))
        {
            rig.Clock.Advance(TimeSpan.FromMinutes(11)); // past the longest backoff
            await rig.DrainAsync();
        }

        Assert.Null(rig.Store.NextPending());
        Assert.Equal(dropped.Count, Directory.GetFiles(Path.Combine(rig.Exchange, "sent"), "*.csv").Length);
        var order = await app.WithDbAsync(db => db.CreditRecords.OrderBy(r => r.Id).Select(r => r.SourceKey).ToListAsync());
        Assert.Equal(dropped.SelectMany(f => f).Select(r => r["CF_WSH"]), order);
        Assert.Equal(GatewayStore.Done, rig.Store.FindFile(rig.Store.Batches(1).Count > 0 ? GatewayStore.ReadFiles(rig.Store.Open(), null, "WHERE seq = 1").Single().Hash : "")!.State);
    }
}
