using CreditShare.Gateway.Delivery;
using CreditShare.Gateway.Operations;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Tests;

namespace CreditShare.Gateway.Tests.Operations;

/// <summary><c>gateway check</c> and the configuration checks say in Chinese what is wrong, before anything is touched.</summary>
public sealed class CheckTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    [Fact]
    public async Task A_good_setup_passes_every_check()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        await using var rig = GatewayRig.Build(credentials, GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF"));
        rig.Clock.SetUtcNow(app.Clock.GetUtcNow());

        var lines = await GatewayCheck.RunAsync(rig.Options, rig.Get<PlatformClient>(), rig.Get<TrustRefusals>(), rig.Clock, CancellationToken.None);

        Assert.All(lines, l => Assert.True(l.Ok, $"{l.Item}：{l.Detail}"));
        Assert.Contains(lines, l => l.Item == "连接平台" && l.Detail.Contains("双向 TLS 成功", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_clock_ten_minutes_off_is_named_with_its_offset()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        await using var rig = GatewayRig.Build(credentials, GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF"));
        // The platform dates its answers by its own clock.
        rig.Clock.SetUtcNow(app.Clock.GetUtcNow().AddMinutes(10));

        var lines = await GatewayCheck.RunAsync(rig.Options, rig.Get<PlatformClient>(), rig.Get<TrustRefusals>(), rig.Clock, CancellationToken.None);

        var clock = Assert.Single(lines, l => l.Item == "时钟");
        Assert.False(clock.Ok);
        Assert.Contains("本机时钟比平台快", clock.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_gateway_whose_clock_is_off_raises_an_alarm_and_clears_it_when_right()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        await using var rig = GatewayRig.Build(credentials, GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF"));
        var heartbeat = rig.Get<IEnumerable<Microsoft.Extensions.Hosting.IHostedService>>().OfType<Heartbeat>().Single();
        rig.Clock.SetUtcNow(app.Clock.GetUtcNow());

        heartbeat.CheckClock(rig.Clock.GetUtcNow().AddMinutes(-10));
        Assert.Contains("本机时钟比平台快 10 分钟", rig.Status.Current().Alarms["clock"], StringComparison.Ordinal);

        heartbeat.CheckClock(rig.Clock.GetUtcNow().AddSeconds(-20));
        Assert.False(rig.Status.Current().Alarms.ContainsKey("clock"));
    }

    [Fact]
    public async Task A_platform_certificate_from_another_ca_is_refused_and_the_batch_waits()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        var otherCa = Path.Combine(credentials.Directory, "other-ca.crt");
        CertificateAuthority.CreateCa(otherCa, Path.Combine(credentials.Directory, "other-ca.key"), "Some Other CA", app.Clock.GetUtcNow());
        var options = GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF");
        options.Platform.CaCertificate = otherCa;
        await using var rig = GatewayRig.Build(credentials, options);
        rig.Drop("XZCF_1.csv", Csv.Of([TestRecords.Penalty(TestRecords.Next())]));
        rig.Folders.ScanOnce();

        var wait = await rig.Sender.SendNextAsync(CancellationToken.None);

        Assert.True(wait > TimeSpan.Zero);
        Assert.Equal(1, rig.Status.Current().QueueDepth);
        Assert.Contains("不是由所配置的平台 CA 签发", rig.Get<TrustRefusals>().Last, StringComparison.Ordinal);
        var lines = await GatewayCheck.RunAsync(rig.Options, rig.Get<PlatformClient>(), rig.Get<TrustRefusals>(), rig.Clock, CancellationToken.None);
        Assert.Contains(lines, l => !l.Ok && l.Item == "连接平台" && l.Detail.Contains("不是由所配置的平台 CA 签发", StringComparison.Ordinal));
        Assert.Contains(lines, l => !l.Ok && l.Item == "证书链");
    }

    [Fact]
    public void A_configuration_with_mistakes_lists_each_of_them_in_chinese()
    {
        var options = new GatewayOptions
        {
            Platform = new PlatformOptions { Url = "http://platform.example", CaCertificate = "/nonexistent/ca.crt" },
            Spool = new SpoolOptions { BatchSize = 9000 },
            Folders = [new FolderSourceOptions { Path = "/nonexistent/exchange", Category = "xzcf" }],
            Databases = [new DatabaseSourceOptions { Name = "db", Provider = "postgresql", ConnectionString = "Host=x", Category = "XZCF", Mode = "watermark", Table = "t; DROP TABLE x" }],
        };

        var problems = GatewayConfiguration.Problems(options);

        Assert.Contains(problems, p => p.StartsWith("Platform:Url", StringComparison.Ordinal) && p.Contains("https://", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Platform:CaCertificate", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Platform:Certificate", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Spool:BatchSize", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Folders[0]:Path", StringComparison.Ordinal) && p.Contains("不存在", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Folders[0]:Category", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Databases[0]:MarkColumn", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Databases[0]", StringComparison.Ordinal) && p.Contains("表名与列名", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_configuration_stops_the_process_before_the_spool_is_touched()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        var options = GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF");
        await using (var rig = GatewayRig.Build(credentials, options))
        {
            rig.Drop("XZCF_1.csv", Csv.Of([TestRecords.Penalty(TestRecords.Next())]));
            rig.Folders.ScanOnce();
        }

        var before = Directory.GetFiles(Path.Combine(options.DataDirectory, "spool"), "*", SearchOption.AllDirectories).Order().ToList();
        options.Folders[0].Path = Path.Combine(credentials.Directory, "moved-away");
        var config = Path.Combine(credentials.Directory, "gateway.json");
        await GatewayRig.WriteConfigAsync(options, config);

        var (exit, output) = await GatewayProcess.RunAsync(config);

        Assert.Equal(2, exit);
        Assert.Contains("交换目录", output, StringComparison.Ordinal);
        Assert.Contains("暂存区未改动", output, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(Path.Combine(options.DataDirectory, "spool"), "*", SearchOption.AllDirectories).Order().ToList());
    }
}
