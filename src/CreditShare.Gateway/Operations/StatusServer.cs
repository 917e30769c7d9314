using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CreditShare.Gateway.Operations;

/// <summary>The status page and its JSON, on 127.0.0.1 only: the machine room's operator looks at it on the server itself.</summary>
public sealed class StatusServer(GatewayOptions options, StatusReport report, ILogger<StatusServer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Status.Port == 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Status.Port));
        await using var app = builder.Build();
        app.MapGet("/status", () => Results.Json(report.Current(), CreditShare.Core.Contract.WireJson.Options));
        app.MapGet("/", () => Results.Content(report.Html(), "text/html; charset=utf-8"));
        try
        {
            await app.StartAsync(stoppingToken);
            logger.LogInformation("status page on http://127.0.0.1:{Port}/", options.Status.Port);
            await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            await app.StopAsync(CancellationToken.None);
        }
        catch (IOException e)
        {
            logger.LogError(e, "the status page could not listen on 127.0.0.1:{Port}", options.Status.Port);
        }
    }
}
