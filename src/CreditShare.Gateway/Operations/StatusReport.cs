using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using CreditShare.Core;
using CreditShare.Core.Contract;
using CreditShare.Gateway.Queue;

namespace CreditShare.Gateway.Operations;

/// <summary>The status page's JSON (localhost only).</summary>
public sealed record StatusView(string Name, string Version, int QueueDepth, long? OldestItemAgeSeconds, DateTimeOffset? LastSuccessAt, string? LastError,
    DateTimeOffset? LastErrorAt, long SpoolBytes, long SpoolLimit, int? CertificateDaysLeft, int FilesDone, int FilesFailed, IReadOnlyDictionary<string, string> Alarms);

/// <summary>The gateway's own figures, as the status page, the heartbeat and <c>gateway status</c> show them.</summary>
public sealed class StatusReport(GatewayOptions options, GatewayStore queue, GatewayStatus status, TimeProvider time)
{
    public static string Version { get; } = typeof(StatusReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    public StatusView Current()
    {
        var figures = queue.Figures();
        var now = time.GetUtcNow();
        return new StatusView(options.Name, Version, figures.PendingBatches, figures.OldestQueuedAt is { } at ? (long)(now - at).TotalSeconds : null,
            status.LastSuccessAt, status.LastError, status.LastErrorAt, status.SpoolBytes, status.SpoolLimit, status.CertificateDaysLeft, figures.FilesDone,
            figures.FilesFailed, status.Alarms);
    }

    public GatewayHeartbeat Heartbeat()
    {
        var view = Current();
        return new GatewayHeartbeat(view.Name, view.Version, view.QueueDepth, view.OldestItemAgeSeconds, view.LastSuccessAt,
            view.Alarms.Count > 0 ? string.Join("；", view.Alarms.Values) : view.LastError, view.CertificateDaysLeft, view.SpoolBytes, time.GetUtcNow());
    }

    /// <summary>A small Chinese page for the machine room's operator.</summary>
    public string Html()
    {
        var v = Current();
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "—");
        static string T(DateTimeOffset? at) => at is { } a ? ProvincialTime.ToBeijing(a).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : "—";
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"10\"><title>前置机状态</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em 1em;text-align:left}.alarm{color:#b00020;font-weight:bold}</style>")
            .Append(CultureInfo.InvariantCulture, $"<h1>前置机状态：{E(v.Name)}</h1><table>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>版本</th><td>{E(v.Version)}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>待报送批次</th><td>{v.QueueDepth}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>最早积压</th><td>{(v.OldestItemAgeSeconds is { } age ? $"{age / 60} 分钟前" : "无")}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>最近成功</th><td>{T(v.LastSuccessAt)}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>最近错误</th><td>{E(v.LastError)}（{T(v.LastErrorAt)}）</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>暂存区</th><td>{v.SpoolBytes / 1048576} MB / {v.SpoolLimit / 1048576} MB</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>证书剩余天数</th><td>{(v.CertificateDaysLeft?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—")}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>已完成文件</th><td>{v.FilesDone}</td></tr><tr><th>失败文件</th><td>{v.FilesFailed}</td></tr></table>");
        if (v.Alarms.Count > 0)
        {
            html.Append("<h2 class=\"alarm\">告警</h2><ul>");
            foreach (var alarm in v.Alarms.Values)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li class=\"alarm\">{E(alarm)}</li>");
            }

            html.Append("</ul>");
        }

        return html.Append("<p>时间均为北京时间。JSON：<a href=\"/status\">/status</a></p></html>").ToString();
    }
}
