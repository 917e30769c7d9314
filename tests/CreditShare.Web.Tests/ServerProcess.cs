using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CreditShare.Web.Tests;

/// <summary>
/// The platform as a real operating-system process (Production mode) on a free port, sharing the database, CA and
/// keys of a test app — so that a test can kill it with SIGKILL and start it again.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process process;

    private ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts the platform; with <paramref name="port"/> on that port (a restart where clients expect it).</summary>
    public static async Task<ServerProcess> StartAsync(CreditShareApp app, IReadOnlyDictionary<string, string> settings, int? port = null)
    {
        port ??= FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(WebAssembly());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"https://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = app.Database.Provider;
        start.Environment["ConnectionStrings__CreditShare"] = app.Database.ConnectionString;
        start.Environment["PersonalData__EncryptionKey"] = app.PersonalDataKeys.Encryption;
        start.Environment["PersonalData__LookupKey"] = app.PersonalDataKeys.Lookup;
        start.Environment["Audit__ChainKey"] = app.AuditChainKey;
        start.Environment["Audit__ArchiveDirectory"] = app.ArchiveDirectory;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // As in CreditShareApp: tests that mean to be blocked switch detection on.
        start.Environment["Security__Mode"] = "Off";
        start.Environment["UnitApi__RequestsPerMinute"] = "100000";
        foreach (var (key, value) in app.PkiPaths)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        var server = new ServerProcess(process, new Uri($"https://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new KestrelProbe(app, server.Address).Client;
        // Up to two minutes: a first start migrates an empty database, slow on a busy two-core machine.
        for (var i = 0; i < 480; i++)
        {
            try
            {
                if ((await probe.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server process exited with {process.ExitCode}:\n{server.Output}");
            }

            await Task.Delay(250);
        }

        server.Dispose();
        throw new TimeoutException($"the server process did not become ready:\n{server.Output}");
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> lines = new();

    /// <summary>What the process wrote to its console (warnings and errors: tests run it with the Warning level).</summary>
    public string Output => string.Join('\n', lines);

    private void Keep(string? line)
    {
        if (line is not null && lines.Count < 2000)
        {
            lines.Enqueue(line);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, like pulling the plug.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Kill();
        }

        process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string WebAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "CreditShare.slnx")))
        {
            root = root.Parent!;
        }

        return Path.Combine(root.FullName, "src", "CreditShare.Web", "bin", configuration, "net10.0", "CreditShare.Web.dll");
    }

    /// <summary>An HTTPS client for a server at another address that trusts the test CA.</summary>
    /// <summary>
    /// An HTTPS client of the server at <paramref name="address"/>; with <paramref name="from"/> its connections leave
    /// from that local address (any 127.x.y.z on Linux), so one test plays many clients without forwarded headers.
    /// </summary>
    public sealed class KestrelProbe(CreditShareApp app, Uri address, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null, IPAddress? from = null)
    {
        public HttpClient Client { get; } = Create(app, address, certificate, from);

        private static HttpClient Create(CreditShareApp app, Uri address, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate, IPAddress? from)
        {
            var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(app.PkiPaths["CertificateAuthority:CertificatePath"]!));
            var handler = new SocketsHttpHandler
            {
                SslOptions = new System.Net.Security.SslClientAuthenticationOptions
                {
                    ClientCertificates = certificate is null ? null : [certificate],
                    RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    {
                        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(ca);
                        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                        return presented is not null && chain.Build(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
                    },
                },
            };
            if (from is not null)
            {
                handler.ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(from, 0));
                        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                };
            }

            return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        }
    }
}
