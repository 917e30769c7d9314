using System.Security.Cryptography.X509Certificates;
using CreditShare.Gateway.Databases;
using CreditShare.Gateway.Delivery;

namespace CreditShare.Gateway.Operations;

/// <summary>One line of <c>gateway check</c>.</summary>
public sealed record CheckLine(bool Ok, string Item, string Detail);

/// <summary>
/// <c>gateway check</c>: everything a gateway needs, tried once, each answer in Chinese with what to do — the platform's
/// address and certificate, the unit's certificate and its days to expiry, the clock against the platform's, and every
/// source and sink.
/// </summary>
public static class GatewayCheck
{
    /// <summary>More than this between the two clocks makes certificate validity and receipt times unreliable.</summary>
    public static readonly TimeSpan MaxClockOffset = TimeSpan.FromMinutes(1);

    public static async Task<IReadOnlyList<CheckLine>> RunAsync(GatewayOptions options, PlatformClient platform, TrustRefusals refusals, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var lines = new List<CheckLine>();
        using (var certificate = GatewayConfiguration.LoadClientCertificate(options.Platform))
        {
            var days = (int)Math.Floor((certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime).TotalDays);
            lines.Add(days < 0 ? new CheckLine(false, "客户端证书", $"{certificate.Subject} 已于 {certificate.NotAfter:yyyy-MM-dd} 过期：请申请新证书")
                : days <= Heartbeat.ExpiryWarningDays ? new CheckLine(false, "客户端证书", $"{certificate.Subject} 将在 {days} 天后到期：请及时申请更新")
                : new CheckLine(true, "客户端证书", $"{certificate.Subject}，还有 {days} 天到期"));
            lines.Add(RenewalLine(certificate, options.Platform.RenewBeforeDays, time));
            using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(options.Platform.CaCertificate));
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            lines.Add(chain.Build(certificate)
                ? new CheckLine(true, "证书链", $"客户端证书由所配置的平台 CA（{ca.Subject}）签发")
                : new CheckLine(false, "证书链", $"客户端证书不是由所配置的平台 CA（{ca.Subject}）签发：平台会拒绝它"));
        }

        try
        {
            var (status, serverTime, body) = await platform.GetAsync("api/v1/machine/whoami", cancellationToken);
            lines.Add((int)status == 200
                ? new CheckLine(true, "连接平台", $"{options.Platform.Url}：双向 TLS 成功，平台识别本单位为 {UnitCode(body)}")
                : new CheckLine(false, "连接平台", $"{options.Platform.Url} 拒绝了本机证书（HTTP {(int)status}）{Problem(body)}"));
            if (serverTime is { } platformTime)
            {
                var offset = time.GetUtcNow() - platformTime;
                lines.Add(offset.Duration() > MaxClockOffset
                    ? new CheckLine(false, "时钟", $"本机时钟比平台{(offset > TimeSpan.Zero ? "快" : "慢")} {offset.Duration().TotalMinutes:0.#} 分钟：证书有效期判断与回执时间会出错，请校准本机时间（NTP）")
                    : new CheckLine(true, "时钟", $"与平台相差 {offset.Duration().TotalSeconds:0} 秒"));
            }
        }
        catch (HttpRequestException e)
        {
            lines.Add(new CheckLine(false, "连接平台", $"{options.Platform.Url}：{refusals.Last ?? PlatformClient.Describe(e)}"));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            lines.Add(new CheckLine(false, "连接平台", $"{options.Platform.Url}：在规定时间内没有应答（地址、端口或防火墙）"));
        }

        foreach (var folder in options.Folders)
        {
            lines.Add(FolderLine(folder));
        }

        foreach (var db in options.Databases)
        {
            lines.Add(await DatabaseLineAsync(db, cancellationToken));
        }

        if (options.Pull is { } pull)
        {
            try
            {
                await using var connection = await DbProviders.OpenAsync(pull.Provider, pull.ConnectionString, cancellationToken);
                lines.Add(new CheckLine(true, "本地共享副本", $"{pull.Provider} 可连接"));
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or ArgumentException)
            {
                lines.Add(new CheckLine(false, "本地共享副本", $"{pull.Provider} 无法连接：{e.Message}"));
            }
        }

        return lines;
    }

    /// <summary>When the running gateway renews its certificate by itself (<c>Platform:RenewBeforeDays</c>).</summary>
    private static CheckLine RenewalLine(X509Certificate2 certificate, int renewBeforeDays, TimeProvider time) =>
        Renewal.RenewalLoop.DueAt(certificate, renewBeforeDays) switch
        {
            null => new CheckLine(true, "证书自动更换", "已关闭（Platform:RenewBeforeDays 为 0）：到期前请运行 gateway renew 更换证书"),
            { } due when due <= time.GetUtcNow() => new CheckLine(true, "证书自动更换",
                $"已进入更换期（到期前 {renewBeforeDays} 天）：运行中的前置机会自动更换，也可立即运行 gateway renew"),
            { } due => new CheckLine(true, "证书自动更换", $"将于 {Renewal.CertificateRenewal.Beijing(due)}（北京时间，到期前 {renewBeforeDays} 天）自动更换，无需人工操作"),
        };

    private static CheckLine FolderLine(FolderSourceOptions folder)
    {
        var outbox = Path.Combine(folder.Path, "outbox");
        try
        {
            Directory.CreateDirectory(outbox);
            var probe = Path.Combine(folder.Path, $".gateway-check-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return new CheckLine(true, "交换目录", $"{folder.Path}：可读写{(folder.Category is { } c ? $"，类别 {c}" : "，类别按子目录或文件名判断")}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CheckLine(false, "交换目录", $"{folder.Path}：无法读写（{e.Message}）：请检查目录是否存在及前置机服务账号的权限");
        }
    }

    private static async Task<CheckLine> DatabaseLineAsync(DatabaseSourceOptions db, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await DbProviders.OpenAsync(db.Provider, db.ConnectionString, cancellationToken);
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the table name is checked to be an identifier when the configuration is read
            command.CommandText = $"SELECT * FROM {db.Table} WHERE 1 = 0";
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var missing = new[] { db.KeyColumn, db.MarkColumn, db.AckColumn }.Where(c => c is { Length: > 0 } && !columns.Contains(c!, StringComparer.OrdinalIgnoreCase)).ToList();
            return missing.Count > 0
                ? new CheckLine(false, "数据库来源", $"{db.Name}：表 {db.Table} 中没有列 {string.Join("、", missing)}")
                : new CheckLine(true, "数据库来源", $"{db.Name}：{db.Provider} 可连接，表 {db.Table} 有 {columns.Count} 列");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or ArgumentException)
        {
            return new CheckLine(false, "数据库来源", $"{db.Name}：无法读取 {db.Table}：{e.Message}");
        }
    }

    private static string UnitCode(string body)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("unitCode", out var code) ? code.GetString() ?? "?" : "?";
        }
        catch (System.Text.Json.JsonException)
        {
            return "?";
        }
    }

    private static string Problem(string body) => PlatformClient.ReadProblem(body) is { } p ? $"：{p.Title}，{p.Detail}" : "";
}
