using CreditShare.Gateway;
using CreditShare.Gateway.Databases;
using CreditShare.Gateway.Delivery;
using CreditShare.Gateway.Folders;
using CreditShare.Gateway.Operations;
using CreditShare.Gateway.Queue;
using CreditShare.Gateway.Receipts;
using CreditShare.Gateway.Renewal;
using Microsoft.Extensions.Http.Resilience;
using Polly;

// gateway [run] --config gateway.json        runs the gateway (also as a systemd or Windows service)
// gateway check --config gateway.json        tries the platform, the certificates, the clock and every source once
// gateway receipts verify --config …         proves offline, from the local chain and the CA, what was reported
// gateway status --config …                  prints the queue's figures
// gateway renew --config …                   renews the gateway's certificate now (new key, proof with the old one)
var command = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var hostArgs = args.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var configPath = GatewayHost.ConfigPath(hostArgs);
if (configPath is null)
{
    Console.Error.WriteLine("用法：gateway [run|check|renew|receipts verify|status] --config gateway.json");
    return 2;
}

if (!File.Exists(configPath))
{
    Console.Error.WriteLine($"配置文件“{configPath}”不存在");
    return 2;
}

var builder = Host.CreateApplicationBuilder(hostArgs);
GatewayOptions options;
try
{
    options = GatewayHost.Configure(builder, configPath);
}
catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException)
{
    Console.Error.WriteLine($"配置文件“{configPath}”无法读取：{e.Message}");
    return 2;
}

// A configuration error is reported before the spool is touched.
var problems = GatewayConfiguration.Problems(options);
if (problems.Count > 0)
{
    Console.Error.WriteLine($"配置有误（{configPath}），前置机未启动，暂存区未改动：");
    foreach (var problem in problems)
    {
        Console.Error.WriteLine("  ✗ " + problem);
    }

    return 2;
}

using var host = builder.Build();
switch (command)
{
    case [] or ["run"]:
        host.Services.GetRequiredService<Spool>().Recover();
        host.Services.GetRequiredService<FolderSource>().Taken += host.Services.GetRequiredService<Sender>().Wake;
        await host.RunAsync();
        return 0;
    case ["check"]:
        var lines = await GatewayCheck.RunAsync(options, host.Services.GetRequiredService<PlatformClient>(), host.Services.GetRequiredService<TrustRefusals>(),
            TimeProvider.System, CancellationToken.None);
        foreach (var line in lines)
        {
            Console.WriteLine($"{(line.Ok ? "✓" : "✗")} {line.Item}：{line.Detail}");
        }

        var failed = lines.Count(l => !l.Ok);
        Console.WriteLine(failed == 0 ? "检查通过" : $"{failed} 项需要处理");
        return failed == 0 ? 0 : 1;
    case ["renew"]:
        var renewed = await host.Services.GetRequiredService<CertificateRenewal>().RenewAsync(CancellationToken.None);
        foreach (var line in CertificateRenewal.Describe(renewed, options))
        {
            Console.WriteLine(line);
        }

        return renewed is RenewalOutcome.Renewed ? 0 : 1;
    case ["receipts", "verify"]:
        var report = ReceiptChain.Verify(ReceiptChain.Read(host.Services.GetRequiredService<GatewayStore>()), host.Services.GetRequiredService<X509CaAnchor>().Certificate);
        Console.WriteLine($"回执链：{report.Entries} 条记录，{report.SignedReceipts} 张平台签名回执校验通过，{report.WithoutReceipt} 条无回执（平台拒绝的批次）");
        foreach (var problem in report.Problems)
        {
            Console.WriteLine("  ✗ " + problem);
        }

        Console.WriteLine(report.Ok ? "校验通过：本地记录完整，平台回执真实有效" : "校验未通过");
        return report.Ok ? 0 : 1;
    case ["status"]:
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(host.Services.GetRequiredService<StatusReport>().Current(),
            new System.Text.Json.JsonSerializerOptions(CreditShare.Core.Contract.WireJson.Options) { WriteIndented = true }));
        return 0;
    default:
        Console.Error.WriteLine($"不认识的命令“{string.Join(' ', command)}”。用法：gateway [run|check|renew|receipts verify|status] --config gateway.json");
        return 2;
}

namespace CreditShare.Gateway
{
    /// <summary>How the gateway's host is put together; tests build the same host in-process with a fake clock.</summary>
    public static class GatewayHost
    {
        public static string? ConfigPath(string[] args)
        {
            var i = Array.IndexOf(args, "--config");
            return i >= 0 && i + 1 < args.Length ? Path.GetFullPath(args[i + 1]) : null;
        }

        public static GatewayOptions Configure(HostApplicationBuilder builder, string configPath, TimeProvider? time = null)
        {
            builder.Configuration.AddJsonFile(configPath, optional: false, reloadOnChange: false);
            builder.Configuration.AddEnvironmentVariables();
            // Every request is in the gateway's own log lines already; the HTTP client's and Polly's would double them.
            builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
            builder.Logging.AddFilter("Polly", LogLevel.Error);
            var options = builder.Configuration.GetSection("Gateway").Get<GatewayOptions>() ?? new GatewayOptions();
            GatewayConfiguration.ResolvePaths(options, Path.GetDirectoryName(configPath)!);
            DbProviders.Register(builder.Configuration);
            AddServices(builder.Services, options, time ?? TimeProvider.System);
            return options;
        }

        public static void AddServices(IServiceCollection services, GatewayOptions options, TimeProvider time)
        {
            services.AddSystemd();
            services.AddWindowsService(o => o.ServiceName = "CreditShareGateway");
            services.AddSingleton(time);
            services.AddSingleton(options);
            services.AddSingleton(_ => new GatewayStore(options.DataDirectory));
            services.AddSingleton<GatewayStatus>();
            services.AddSingleton<StatusReport>();
            services.AddSingleton<Spool>();
            services.AddSingleton<X509CaAnchor>();
            services.AddSingleton<TrustRefusals>();
            services.AddSingleton(_ => new ClientCertificate(GatewayConfiguration.LoadClientCertificate(options.Platform)));

            var timeout = TimeSpan.FromSeconds(Math.Max(10, options.Platform.RequestTimeoutSeconds));
            services.AddHttpClient<PlatformClient>(http =>
                {
                    http.BaseAddress = new Uri(options.Platform.Url.TrimEnd('/') + "/");
                    http.Timeout = Timeout.InfiniteTimeSpan;
                })
                // The certificate as it is now: a renewal switches the next requests to the new one.
                .ConfigurePrimaryHttpMessageHandler(sp => new ClientCertificateHandler(sp.GetRequiredService<ClientCertificate>(),
                    certificate => PlatformClient.Handler(certificate, sp.GetRequiredService<X509CaAnchor>().Certificate, sp.GetRequiredService<TrustRefusals>())))
                // Short retries here, on the real clock; the sender's own backoff covers outages of hours. Safe for POST: every
                // batch carries its Idempotency-Key.
                .AddResilienceHandler("platform", pipeline =>
                {
                    pipeline.TimeProvider = TimeProvider.System;
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = 2,
                        Delay = TimeSpan.FromMilliseconds(Math.Max(1, options.Platform.RetryDelayMilliseconds)),
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                    });
                    pipeline.AddTimeout(timeout);
                });

            services.AddSingleton<FolderSource>();
            services.AddSingleton<IFinishedFiles>(sp => sp.GetRequiredService<FolderSource>());
            services.AddHostedService(sp => sp.GetRequiredService<FolderSource>());
            services.AddSingleton<Sender>();
            services.AddHostedService(sp => sp.GetRequiredService<Sender>());
            Databases.DatabaseSources.Add(services, options);
            Pull.PullMode.Add(services, options);
            services.AddHostedService<Heartbeat>();
            services.AddSingleton<CertificateRenewal>();
            services.AddSingleton<RenewalLoop>();
            services.AddHostedService(sp => sp.GetRequiredService<RenewalLoop>());
            services.AddHostedService<StatusServer>();
            services.AddHostedService(sp =>
            {
                // Known from the start, for the status page and the expiry warning.
                sp.GetRequiredService<GatewayStatus>().CertificateNotAfter =
                    sp.GetRequiredService<ClientCertificate>().Current.NotAfter.ToUniversalTime();
                return new NoWork();
            });
        }

        private sealed class NoWork : BackgroundService
        {
            protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
        }
    }
}
