using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Codes;
using Npgsql;

namespace CreditShare.Bench;

/// <summary>
/// The platform as a benchmark runs it: its own process in Production mode, a fresh (or kept) database, a CA, one
/// source unit with a client certificate, and a server certificate for HTTPS.
/// </summary>
public sealed class BenchPlatform
{
    public const string SourceName = "基准测试市场监督管理厅";

    public static readonly string SourceCode = UnifiedSocialCreditCode.Compose("11640000", "01350012");

    private BenchPlatform(string web, string work, string provider, string connection, Dictionary<string, string> environment)
    {
        Web = web;
        Work = work;
        Provider = provider;
        Connection = connection;
        Environment = environment;
    }

    public string Web { get; }

    public string Work { get; }

    public string Provider { get; }

    public string Connection { get; }

    public Dictionary<string, string> Environment { get; }

    /// <summary>
    /// Prepares a platform on a new database, or on <paramref name="database"/> (PostgreSQL database name or SQLite
    /// file) when given and already set up, so that a loaded register can be benchmarked again without reloading.
    /// </summary>
    public static async Task<BenchPlatform> CreateAsync(IReadOnlyDictionary<string, string> options, string? database = null)
    {
        var provider = options.GetValueOrDefault("provider") ?? "Sqlite";
        var web = options.GetValueOrDefault("web") ?? Path.GetFullPath(Path.Combine("src", "CreditShare.Web", "bin", "Release", "net10.0", "CreditShare.Web.dll"));
        var work = database is null ? Directory.CreateTempSubdirectory("creditshare-bench-").FullName : Path.Combine(Path.GetTempPath(), "creditshare-bench-" + Path.GetFileNameWithoutExtension(database));
        var existing = database is not null && Directory.Exists(work) && File.Exists(Path.Combine(work, "server.crt"));
        Directory.CreateDirectory(work);
        string connection;
        if (provider == "Postgres")
        {
            var server = options.GetValueOrDefault("postgres") ?? throw new ArgumentException("--postgres CONNECTION (a role that may create databases)");
            var name = database ?? $"cs_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
            if (!existing)
            {
                await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
                await admin.OpenAsync();
                await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"", admin).ExecuteNonQueryAsync();
                await new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin).ExecuteNonQueryAsync();
            }

            connection = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 100 }.ConnectionString;
        }
        else
        {
            connection = $"Data Source={Path.Combine(work, "bench.db")}";
        }

        var keys = Path.Combine(work, "keys.txt");
        if (!existing)
        {
            File.WriteAllLines(keys, [Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))]);
        }

        if (File.ReadAllLines(keys).Length < 3)
        {
            // The audit chain key came later: a kept work folder gets one too.
            File.AppendAllLines(keys, [Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))]);
        }

        var secrets = File.ReadAllLines(keys);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = provider,
            ["ConnectionStrings__CreditShare"] = connection,
            ["CertificateAuthority__CertificatePath"] = Path.Combine(work, "ca.crt"),
            ["CertificateAuthority__KeyPath"] = Path.Combine(work, "ca.key"),
            ["Tls__CertificatePath"] = Path.Combine(work, "ca.crt"),
            ["PersonalData__EncryptionKey"] = secrets[0],
            ["PersonalData__LookupKey"] = secrets[1],
            ["DataProtection__CertificatePath"] = Path.Combine(work, "dataprotection.crt"),
            ["DataProtection__KeyPath"] = Path.Combine(work, "dataprotection.key"),
            ["Audit__ChainKey"] = secrets[2],
            ["Logging__LogLevel__Default"] = "Warning",
            ["Reporting__MaxBatchSize"] = "5000",
            // One client address at full speed is what the blacklist and the unit-API limit are there to stop.
            ["Security__Mode"] = "Off",
            ["UnitApi__RequestsPerMinute"] = "1000000000",
        };
        CreditShare.Web.Infrastructure.DataProtectionSetup.EnsureDevelopmentCertificate(environment["DataProtection__CertificatePath"], environment["DataProtection__KeyPath"], DateTimeOffset.UtcNow);
        var platform = new BenchPlatform(web, work, provider, connection, environment);
        if (!existing)
        {
            await platform.CliAsync("create-ca", "--out", work);
            await platform.CliAsync("migrate");
            await platform.CliAsync("create-unit", "--name", SourceName, "--uscc", SourceCode, "--roles", "source", "--categories", "XZCF,XZXK");
            await platform.CliAsync("issue-cert", "--unit", SourceCode, "--months", "24", "--out", work);
            MakeServerCertificate(work);
        }
        else
        {
            // A kept database still gets this build's migrations.
            await platform.CliAsync("migrate");
        }

        environment["Tls__CertificatePath"] = Path.Combine(work, "server.crt");
        environment["Tls__KeyPath"] = Path.Combine(work, "server.key");
        return platform;
    }

    /// <summary>True when the kept database already holds a loaded register (see <see cref="MarkLoaded"/>).</summary>
    public bool IsLoaded(string shape) => File.Exists(Path.Combine(Work, "loaded.txt")) && File.ReadAllText(Path.Combine(Work, "loaded.txt")) == shape;

    public void MarkLoaded(string shape) => File.WriteAllText(Path.Combine(Work, "loaded.txt"), shape);

    public Task CliAsync(params string[] args) => RunToEndAsync(Web, Environment, args);

    /// <summary>Starts the platform; returns once it answers its readiness probe on <paramref name="probe"/>.</summary>
    public async Task<Process> StartAsync(string urls, Uri probe, params string[] settings)
    {
        var environment = new Dictionary<string, string>(Environment);
        foreach (var setting in settings)
        {
            var parts = setting.Split('=', 2);
            environment[parts[0]] = parts[1];
        }

        var server = Start(Web, environment, "--urls", urls);
        using var client = probe.Scheme == "https" ? ReportingClient(probe) : new HttpClient();
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await client.GetAsync(new Uri(probe, "/health/ready"))).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException) when (i < 600)
            {
            }
            catch (HttpRequestException)
            {
                server.Kill(entireProcessTree: true);
                throw;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>An HTTPS client that presents the source unit's certificate and trusts only the benchmark CA.</summary>
    public HttpClient ReportingClient(Uri baseAddress)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Work, "ca.crt")));
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [X509Certificate2.CreateFromPemFile(Path.Combine(Work, $"{SourceCode}.crt"), Path.Combine(Work, $"{SourceCode}.key"))],
                RemoteCertificateValidationCallback = (_, c, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return c is not null && chain.Build(X509CertificateLoader.LoadCertificate(c.GetRawCertData()));
                },
            },
        })
        { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static double PeakResidentMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length - 1; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }

    private static void MakeServerCertificate(string work)
    {
        using var caCert = X509Certificate2.CreateFromPemFile(Path.Combine(work, "ca.crt"), Path.Combine(work, "ca.key"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.Create(caCert, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        File.WriteAllText(Path.Combine(work, "server.crt"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(work, "server.key"), key.ExportPkcs8PrivateKeyPem());
    }

    private static async Task RunToEndAsync(string web, Dictionary<string, string> environment, params string[] args)
    {
        using var process = Start(web, environment, args);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} failed with {process.ExitCode}");
        }
    }

    private static Process Start(string web, Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(web);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }
}
