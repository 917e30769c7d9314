using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CreditShare.Gateway;

/// <summary>
/// The one configuration file of a gateway (<c>gateway.json</c>, section <c>Gateway</c>): where the platform is, the
/// unit's credential, what it reads and where it keeps its state. Relative paths are relative to the file.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Shown on the platform's fleet page, e.g. 「市场监管局前置机01」.</summary>
    public string Name { get; set; } = Environment.MachineName;

    /// <summary>The local queue (SQLite), the spool and the receipt chain. Must not be shared with another gateway.</summary>
    public string DataDirectory { get; set; } = "data";

    public PlatformOptions Platform { get; set; } = new();

    public SpoolOptions Spool { get; set; } = new();

    public List<FolderSourceOptions> Folders { get; set; } = [];

    public List<DatabaseSourceOptions> Databases { get; set; } = [];

    public PullOptions? Pull { get; set; }

    public StatusOptions Status { get; set; } = new();

    /// <summary>How often the gateway tells the platform how it is.</summary>
    public int HeartbeatSeconds { get; set; } = 60;
}

public sealed class PlatformOptions
{
    /// <summary>The platform's base address, https only, e.g. <c>https://credit.example.gov.cn:5443</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>The platform CA's certificate (PEM): the only anchor the platform's server certificate may chain to.</summary>
    public string CaCertificate { get; set; } = "";

    /// <summary>The gateway's client certificate (PEM) with <see cref="Key"/>, or a PKCS#12 file with <see cref="Pkcs12Password"/>.</summary>
    public string? Certificate { get; set; }

    public string? Key { get; set; }

    public string? Pkcs12 { get; set; }

    /// <summary>From configuration or the environment (<c>Gateway__Platform__Pkcs12Password</c>), never the repository.</summary>
    public string? Pkcs12Password { get; set; }

    /// <summary>How long one batch may take end to end before it is retried.</summary>
    public int RequestTimeoutSeconds { get; set; } = 300;

    /// <summary>The first of the two quick retries of a failed request (then twice as long); longer outages are the sender's backoff.</summary>
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>
    /// The gateway renews its own certificate (new key, proof with the old one) when it has at most this many days left;
    /// <c>0</c> turns automatic renewal off (<c>gateway renew</c> still renews by hand).
    /// </summary>
    public int RenewBeforeDays { get; set; } = 30;
}

public sealed class SpoolOptions
{
    /// <summary>Largest spool, in bytes; when full the gateway takes no new input (and says so) rather than drop any.</summary>
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Largest file taken; a bigger one goes to failed/ with the advice to split it (it is read whole to be cut).</summary>
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Records per batch (the platform takes at most 5,000).</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>The longest wait between two attempts of a batch while the platform is unreachable.</summary>
    public int MaxRetryDelaySeconds { get; set; } = 300;
}

/// <summary>
/// A folder exchange (GB/T 39443 file interface): the business system writes into <c>outbox/</c>; the gateway moves
/// what it took to <c>sent/</c>, writes per-record results to <c>feedback/</c>, and puts what cannot be read in <c>failed/</c>.
/// </summary>
public sealed class FolderSourceOptions
{
    public string Path { get; set; } = "";

    /// <summary>
    /// The category of every file in this folder; without it, a sub-folder of <c>outbox/</c> named by the category
    /// (<c>outbox/XZCF/…</c>) or a file name that starts with it (<c>XZCF_20261201.csv</c>) says which.
    /// </summary>
    public string? Category { get; set; }

    /// <summary>A file without a <c>.ready</c> marker is taken when its size and time have not changed for this long.</summary>
    public int StableSeconds { get; set; } = 10;

    /// <summary>How often the folder is looked at.</summary>
    public int ScanSeconds { get; set; } = 2;
}

/// <summary>A table or view in the unit's own database (GB/T 39443 database docking). Read by <c>Databases/DatabaseSource</c>.</summary>
public sealed class DatabaseSourceOptions
{
    public string Name { get; set; } = "";

    /// <summary><c>postgresql</c>, <c>mysql</c> (also MariaDB), <c>sqlite</c>, or an ADO.NET provider invariant name registered by configuration.</summary>
    public string Provider { get; set; } = "";

    public string ConnectionString { get; set; } = "";

    public string Category { get; set; } = "";

    /// <summary><c>outbox</c> (rows the business system writes in its own transaction; acknowledged rows are marked or deleted) or <c>watermark</c>.</summary>
    public string Mode { get; set; } = "outbox";

    public string Table { get; set; } = "";

    /// <summary>The row's own key: the outbox's id, or the business key deduplicated on re-reads.</summary>
    public string KeyColumn { get; set; } = "id";

    /// <summary>Outbox mode: the column set to the time of acknowledgement; empty means acknowledged rows are deleted.</summary>
    public string? AckColumn { get; set; }

    /// <summary>Watermark mode: the update-time or sequence column.</summary>
    public string? MarkColumn { get; set; }

    /// <summary>Watermark mode: rows newer than this (seconds, for a time column) are left for the next poll, since their transaction may not be the last to commit.</summary>
    public int LagSeconds { get; set; } = 60;

    /// <summary>Watermark mode: how far behind the mark each poll reads again (seconds for a time column, values for a sequence).</summary>
    public long Overlap { get; set; } = 300;

    /// <summary>Columns that are not fields of the category (ids, flags); every other column is sent by its name.</summary>
    public List<string> IgnoreColumns { get; set; } = [];

    public int PollSeconds { get; set; } = 10;
}

/// <summary>Pull mode for a data-user unit (art. 10): a local copy of the unit's granted data, kept by the change feed. Read by <c>Pull/</c>.</summary>
public sealed class PullOptions
{
    /// <summary>The purpose stated on every call to the sharing API (2 to 200 characters), e.g. 「行政许可审查」.</summary>
    public string Purpose { get; set; } = "";

    /// <summary><c>sqlite</c> or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    public string ConnectionString { get; set; } = "";

    /// <summary>Also one JSON file per record under this folder, if set.</summary>
    public string? JsonDirectory { get; set; }

    public int PollSeconds { get; set; } = 30;
}

public sealed class StatusOptions
{
    /// <summary>The status page's port on 127.0.0.1 (localhost only); 0 turns it off.</summary>
    public int Port { get; set; } = 8765;
}

/// <summary>Checks a configuration before anything is touched: a bad file must not cost the spool (fluent/fluent-bit#2246).</summary>
public static class GatewayConfiguration
{
    public static IReadOnlyList<string> Problems(GatewayOptions o)
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(o.Platform.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"Platform:Url：平台地址“{o.Platform.Url}”必须是 https:// 开头的完整地址（前置机只经双向 TLS 连接平台）");
        }

        if (string.IsNullOrWhiteSpace(o.Platform.CaCertificate) || !File.Exists(o.Platform.CaCertificate))
        {
            problems.Add($"Platform:CaCertificate：找不到平台 CA 证书文件“{o.Platform.CaCertificate}”");
        }
        else
        {
            try
            {
                using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(o.Platform.CaCertificate));
            }
            catch (CryptographicException e)
            {
                problems.Add($"Platform:CaCertificate：“{o.Platform.CaCertificate}”不是 PEM 格式的证书（{e.Message}）");
            }
        }

        try
        {
            using var certificate = LoadClientCertificate(o.Platform);
            if (!certificate.HasPrivateKey)
            {
                problems.Add("Platform:Certificate：客户端证书没有对应的私钥");
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            problems.Add($"Platform:Certificate：客户端证书无法读取：{e.Message}");
        }

        if (o.Platform.RenewBeforeDays is < 0 or > 365)
        {
            problems.Add("Platform:RenewBeforeDays：证书自动更换的提前天数应在0至365之间（0 表示不自动更换）");
        }

        if (o.Spool.BatchSize is < 1 or > 5000)
        {
            problems.Add("Spool:BatchSize：每批记录数应在1至5000之间（平台单批最多5000条）");
        }

        if (o.Spool.MaxBytes < 1024 * 1024)
        {
            problems.Add("Spool:MaxBytes：暂存区上限至少 1 MB");
        }

        if (o.Folders.Count == 0 && o.Databases.Count == 0 && o.Pull is null)
        {
            problems.Add("没有配置任何数据来源（Folders、Databases）或共享数据接收（Pull）");
        }

        foreach (var (folder, i) in o.Folders.Select((f, i) => (f, i)))
        {
            if (string.IsNullOrWhiteSpace(folder.Path) || !Directory.Exists(folder.Path))
            {
                problems.Add($"Folders[{i}]:Path：交换目录“{folder.Path}”不存在（请先创建该目录，前置机会在其中建立 outbox、sent、feedback、failed）");
            }

            if (folder.Category is { Length: > 0 } c && !IsCategoryCode(c))
            {
                problems.Add($"Folders[{i}]:Category：信息类别代码“{c}”格式不对（应为大写字母、数字或下划线）");
            }
        }

        if (o.Folders.Select(f => Path.GetFullPath(f.Path)).GroupBy(p => p).Any(g => g.Count() > 1))
        {
            problems.Add("Folders：同一个交换目录配置了两次");
        }

        foreach (var (db, i) in o.Databases.Select((d, i) => (d, i)))
        {
            if (string.IsNullOrWhiteSpace(db.Name))
            {
                problems.Add($"Databases[{i}]:Name：请为数据库来源命名（用于本地状态与日志）");
            }

            if (string.IsNullOrWhiteSpace(db.ConnectionString))
            {
                problems.Add($"Databases[{i}]:ConnectionString：缺少数据库连接串");
            }

            if (!IsCategoryCode(db.Category))
            {
                problems.Add($"Databases[{i}]:Category：缺少或不正确的信息类别代码“{db.Category}”");
            }

            if (db.Mode is not ("outbox" or "watermark"))
            {
                problems.Add($"Databases[{i}]:Mode：读取方式只能是 outbox（发件箱表，推荐）或 watermark（高水位）");
            }

            if (db.Mode == "watermark" && string.IsNullOrWhiteSpace(db.MarkColumn))
            {
                problems.Add($"Databases[{i}]:MarkColumn：高水位方式需要更新时间或序号列");
            }

            if (!IsIdentifier(db.Table) || !IsIdentifier(db.KeyColumn) || (db.AckColumn is { Length: > 0 } a && !IsIdentifier(a)) || (db.MarkColumn is { Length: > 0 } m && !IsIdentifier(m)))
            {
                problems.Add($"Databases[{i}]：表名与列名只能由字母、数字、下划线和点组成");
            }
        }

        if (o.Databases.GroupBy(d => d.Name).Any(g => g.Count() > 1))
        {
            problems.Add("Databases：数据库来源名称重复");
        }

        if (o.Pull is { } pull)
        {
            if (pull.Purpose.Trim().Length is < 2 or > 200)
            {
                problems.Add("Pull:Purpose：请填写调用用途（2至200字），每次调用平台都会记入审计");
            }

            if (pull.Provider is not ("sqlite" or "postgresql"))
            {
                problems.Add("Pull:Provider：本地副本只能存放在 sqlite 或 postgresql");
            }

            if (string.IsNullOrWhiteSpace(pull.ConnectionString))
            {
                problems.Add("Pull:ConnectionString：缺少本地副本数据库连接串");
            }
        }

        if (o.Status.Port is < 0 or > 65535)
        {
            problems.Add("Status:Port：端口应在0至65535之间（0 表示不开启状态页）");
        }

        return problems;
    }

    /// <summary>The unit's client certificate with its key, from PEM files or a PKCS#12 file.</summary>
    public static X509Certificate2 LoadClientCertificate(PlatformOptions platform)
    {
        // A renewal that a kill interrupted is finished first, so every reader of the files sees one whole pair.
        Renewal.CredentialFiles.FinishInterruptedInstall(platform);
        if (!string.IsNullOrWhiteSpace(platform.Pkcs12))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(platform.Pkcs12, platform.Pkcs12Password);
        }

        if (string.IsNullOrWhiteSpace(platform.Certificate) || string.IsNullOrWhiteSpace(platform.Key))
        {
            throw new InvalidOperationException("请配置 Platform:Certificate 与 Platform:Key（PEM），或 Platform:Pkcs12 与 Platform:Pkcs12Password");
        }

        using var pem = X509Certificate2.CreateFromPemFile(platform.Certificate, platform.Key);
        // A PEM key is ephemeral on some platforms; TLS needs it as a PKCS#12 round trip.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    public static bool IsCategoryCode(string? code) => code is { Length: > 0 and <= 32 } && code.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    private static bool IsIdentifier(string? name) => name is { Length: > 0 and <= 128 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');

    /// <summary>Paths in the file are relative to the file, so that the same folder can be moved or copied.</summary>
    public static void ResolvePaths(GatewayOptions o, string baseDirectory)
    {
        string Full(string path) => Path.GetFullPath(path, baseDirectory);
        o.DataDirectory = Full(o.DataDirectory);
        o.Platform.CaCertificate = string.IsNullOrWhiteSpace(o.Platform.CaCertificate) ? "" : Full(o.Platform.CaCertificate);
        o.Platform.Certificate = o.Platform.Certificate is { Length: > 0 } c ? Full(c) : null;
        o.Platform.Key = o.Platform.Key is { Length: > 0 } k ? Full(k) : null;
        o.Platform.Pkcs12 = o.Platform.Pkcs12 is { Length: > 0 } p ? Full(p) : null;
        foreach (var folder in o.Folders)
        {
            folder.Path = string.IsNullOrWhiteSpace(folder.Path) ? "" : Full(folder.Path);
        }

        if (o.Pull?.JsonDirectory is { Length: > 0 } json)
        {
            o.Pull.JsonDirectory = Full(json);
        }
    }
}
