using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Networks = CreditShare.Core.Network.AllowedNetworks;

namespace CreditShare.Web.Features.Sharing;

public sealed class WebhookOptions
{
    public const string Section = "Sharing:Webhooks";

    /// <summary>Testing only: lets subscriptions point at this machine (127.0.0.0/8, ::1). Private networks stay refused unless named in <see cref="AllowedNetworks"/>.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Trust receivers whose certificate the platform's own CA issued (internal receivers, tests).</summary>
    public bool TrustPlatformCa { get; set; }

    /// <summary>
    /// Networks beyond the public internet where receivers may sit — the 政务外网 ranges the center names (CIDR, IPv4
    /// or IPv6). See <see cref="Networks"/> for what stays refused even inside them.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// A PEM file of CA certificates (the government CA's root, and intermediates receivers do not send): a receiver's
    /// certificate is accepted if it chains to the system store or to one of these, its name matching either way.
    /// </summary>
    public string? ReceiverCaBundle { get; set; }

    /// <summary>Whether this instance delivers (on PostgreSQL several may: an advisory lock lets one round run at a time).</summary>
    public bool Dispatch { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The configured networks (checked at start by <see cref="WebhookOptionsValidation"/>).</summary>
    public Networks Networks() => Core.Network.AllowedNetworks.Parse(AllowedNetworks, $"{Section}:AllowedNetworks").Networks;

    /// <summary>The receiver CA bundle's certificates, none when not configured.</summary>
    public X509Certificate2Collection ReceiverCas() => LoadBundle(ReceiverCaBundle, out _);

    internal static X509Certificate2Collection LoadBundle(string? path, out List<string> problems)
    {
        var certificates = new X509Certificate2Collection();
        problems = [];
        if (string.IsNullOrWhiteSpace(path))
        {
            return certificates;
        }

        var setting = $"{Section}:ReceiverCaBundle";
        if (!File.Exists(path))
        {
            problems.Add($"{setting}: the file \"{path}\" does not exist (a PEM file of the CA certificates that issue receivers' certificates).");
            return certificates;
        }

        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            problems.Add($"{setting}: the file \"{path}\" cannot be read as PEM certificates: {ex.Message}");
            return [];
        }

        if (certificates.Count == 0)
        {
            problems.Add($"{setting}: the file \"{path}\" holds no certificate (-----BEGIN CERTIFICATE-----).");
        }

        foreach (var certificate in certificates)
        {
            if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                problems.Add($"{setting}: \"{certificate.Subject}\" in \"{path}\" is not a CA certificate (basic constraints CA=true): name the CA that issues receivers' certificates, not a receiver's own.");
            }
        }

        return problems.Count > 0 ? [] : certificates;
    }
}

/// <summary>Bad webhook settings stop the start with every problem named, rather than trusting too much or too little.</summary>
public sealed class WebhookOptionsValidation : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var problems = Networks.Parse(options.AllowedNetworks, $"{WebhookOptions.Section}:AllowedNetworks").Problems.ToList();
        WebhookOptions.LoadBundle(options.ReceiverCaBundle, out var bundleProblems);
        problems.AddRange(bundleProblems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class WebhookOptionsSetup
{
    public static IServiceCollection AddWebhookOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidation>();
        return services;
    }
}
