using CreditShare.Gateway.Delivery;
using CreditShare.Gateway.Folders;
using CreditShare.Gateway.Operations;
using CreditShare.Gateway.Queue;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CreditShare.Gateway.Tests;

/// <summary>
/// A gateway built in-process with a fake clock, against a real platform over real mutual TLS: tests take files and
/// send batches by calling the loops' single steps, so nothing depends on timing.
/// </summary>
public sealed class GatewayRig : IAsyncDisposable
{
    /// <summary>The gateway's clock starts here; the platform keeps real time for its TLS handshakes.</summary>
    public static readonly DateTimeOffset ClockStart = new(2026, 6, 1, 1, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider services;

    private GatewayRig(string root, GatewayOptions options, ServiceProvider services, FakeTimeProvider clock)
    {
        Root = root;
        Options = options;
        this.services = services;
        Clock = clock;
    }

    public string Root { get; }

    public GatewayOptions Options { get; }

    public FakeTimeProvider Clock { get; }

    public string Exchange => Options.Folders[0].Path;

    public string Outbox => Path.Combine(Exchange, "outbox");

    public FolderSource Folders => services.GetRequiredService<FolderSource>();

    public Sender Sender => services.GetRequiredService<Sender>();

    public GatewayStore Store => services.GetRequiredService<GatewayStore>();

    public StatusReport Status => services.GetRequiredService<StatusReport>();

    public T Get<T>()
        where T : notnull => services.GetRequiredService<T>();

    /// <summary>Issues a certificate for the unit and writes everything a gateway needs into a fresh directory.</summary>
    public static async Task<Credentials> IssueAsync(CreditShareApp app, string unit = "source", bool gateway = true)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var issued = await scope.ServiceProvider.GetRequiredService<CertificateService>()
            .IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds[unit], 24, gateway));
        Assert.True(issued.IsOk, string.Join("; ", issued.Errors.Select(e => e.Message)));
        var directory = Directory.CreateTempSubdirectory("creditshare-gateway-").FullName;
        var certificate = Path.Combine(directory, "gateway.crt");
        var key = Path.Combine(directory, "gateway.key");
        await File.WriteAllTextAsync(certificate, issued.Value!.CertificatePem);
        await File.WriteAllTextAsync(key, issued.Value.PrivateKeyPem);
        var pkcs12 = Path.Combine(directory, "gateway.p12");
        await File.WriteAllBytesAsync(pkcs12, issued.Value.Pkcs12);
        return new Credentials(directory, certificate, key, app.PkiPaths["CertificateAuthority:CertificatePath"]!, issued.Value.Certificate.SerialNumber,
            pkcs12, issued.Value.Pkcs12Password);
    }

    public static GatewayOptions OptionsFor(Credentials credentials, Uri platform, string? category = null)
    {
        var exchange = Directory.CreateDirectory(Path.Combine(credentials.Directory, "exchange")).FullName;
        return new GatewayOptions
        {
            Name = "测试前置机",
            DataDirectory = Path.Combine(credentials.Directory, "data"),
            Platform = new PlatformOptions { Url = platform.ToString(), CaCertificate = credentials.Ca, Certificate = credentials.Certificate, Key = credentials.Key, RequestTimeoutSeconds = 120, RetryDelayMilliseconds = 10 },
            Spool = new SpoolOptions { BatchSize = 1000 },
            Folders = [new FolderSourceOptions { Path = exchange, Category = category, StableSeconds = 5 }],
            Status = new StatusOptions { Port = 0 },
        };
    }

    private static readonly System.Text.Json.JsonSerializerOptions ConfigJson = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="options"/> as the gateway.json a unit would keep.</summary>
    public static Task WriteConfigAsync(GatewayOptions options, string path) =>
        File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(new { Gateway = options }, ConfigJson));

    public static GatewayRig Build(Credentials credentials, GatewayOptions options)
    {
        Assert.Empty(GatewayConfiguration.Problems(options));
        var clock = new FakeTimeProvider(ClockStart);
        var collection = new ServiceCollection();
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        GatewayHost.AddServices(collection, options, clock);
        var provider = collection.BuildServiceProvider();
        foreach (var sub in new[] { "outbox", "sent", "feedback", "failed" })
        {
            Directory.CreateDirectory(Path.Combine(options.Folders[0].Path, sub));
        }

        provider.GetRequiredService<Spool>().Recover();
        return new GatewayRig(credentials.Directory, options, provider, clock);
    }

    /// <summary>Writes a file into the outbox with its <c>.ready</c> marker.</summary>
    public string Drop(string name, byte[] content)
    {
        var path = Path.Combine(Outbox, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        File.WriteAllText(path + FolderSource.Marker, "");
        return path;
    }

    /// <summary>Sends until the queue is empty (or a batch waits for a retry); returns the number of steps.</summary>
    public async Task<int> DrainAsync(int maxSteps = 1000)
    {
        var steps = 0;
        while (steps++ < maxSteps)
        {
            var wait = await Sender.SendNextAsync(CancellationToken.None);
            if (wait > TimeSpan.Zero && Store.NextPending() is null)
            {
                await Sender.SendNextAsync(CancellationToken.None); // finishes the last file
                return steps;
            }

            if (wait > TimeSpan.Zero)
            {
                return steps;
            }
        }

        return steps;
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

/// <summary>The unit's certificate as PEM files (<see cref="Certificate"/>, <see cref="Key"/>) and, the same pair, as a PKCS#12 file.</summary>
public sealed record Credentials(string Directory, string Certificate, string Key, string Ca, string Serial, string Pkcs12, string Pkcs12Password);
