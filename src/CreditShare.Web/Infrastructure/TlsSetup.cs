using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Features.Certificates;

namespace CreditShare.Web.Infrastructure;

public static class TlsSetup
{
    /// <summary>HTTPS endpoints use the server certificate from Tls:CertificatePath/KeyPath and ask clients for theirs.</summary>
    public static WebApplicationBuilder AddTls(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) => kestrel.ConfigureHttpsDefaults(https =>
        {
            var certificate = context.Configuration["Tls:CertificatePath"];
            var key = context.Configuration["Tls:KeyPath"];
            if (!string.IsNullOrEmpty(certificate) && !string.IsNullOrEmpty(key))
            {
                using var pem = X509Certificate2.CreateFromPemFile(certificate, key);
                // Re-import as PKCS#12: an ephemeral PEM key cannot be used by SslStream on every platform.
                https.ServerCertificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }

            MachineAccess.UseClientCertificates(https);
        }));
        return builder;
    }

    /// <summary>
    /// Development only: a throwaway CA and a localhost server certificate under data/pki, and personal-data keys under
    /// data/keys, so the first
    /// <c>dotnet run</c> serves mutual TLS with nothing to set up. Production reads both from configuration.
    /// </summary>
    public static WebApplicationBuilder AddDevelopmentPki(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment() || !string.IsNullOrEmpty(builder.Configuration["CertificateAuthority:CertificatePath"]))
        {
            return builder;
        }

        var directory = Path.GetFullPath(Path.Combine("data", "pki"));
        var settings = new Dictionary<string, string?>
        {
            ["CertificateAuthority:CertificatePath"] = Path.Combine(directory, "ca.crt"),
            ["CertificateAuthority:KeyPath"] = Path.Combine(directory, "ca.key"),
            ["Tls:CertificatePath"] = Path.Combine(directory, "server.crt"),
            ["Tls:KeyPath"] = Path.Combine(directory, "server.key"),
            [DataProtectionSetup.CertificatePathKey] = Path.Combine(directory, "dataprotection.crt"),
            [DataProtectionSetup.KeyPathKey] = Path.Combine(directory, "dataprotection.key"),
        };
        EnsureDevelopmentCertificates(settings, TimeProvider.System.GetUtcNow());
        foreach (var (key, value) in Features.Subjects.PersonalDataProtector.EnsureDevelopmentKeys(Path.GetFullPath(Path.Combine("data", "keys")))
            .Concat(Features.Audit.AuditSetup.EnsureDevelopmentKey(Path.GetFullPath(Path.Combine("data", "keys")))))
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    public static void EnsureDevelopmentCertificates(IReadOnlyDictionary<string, string?> paths, DateTimeOffset now)
    {
        var caCert = paths["CertificateAuthority:CertificatePath"]!;
        var caKey = paths["CertificateAuthority:KeyPath"]!;
        if (!File.Exists(caCert) || !File.Exists(caKey))
        {
            CertificateAuthority.CreateCa(caCert, caKey, "CreditShare Development CA", now);
        }

        var serverCert = paths["Tls:CertificatePath"]!;
        var serverKey = paths["Tls:KeyPath"]!;
        if (!File.Exists(serverCert) || !File.Exists(serverKey))
        {
            using var ca = new CertificateAuthority(Microsoft.Extensions.Options.Options.Create(new CertificateAuthorityOptions { CertificatePath = caCert, KeyPath = caKey }));
            using var server = ca.IssueServerCertificate(["localhost"], now);
            File.WriteAllText(serverCert, server.ExportCertificatePem());
            Crypto.KeyFiles.WritePrivate(serverKey, Crypto.KeyFiles.PrivateKeyPem(server));
        }

        if (paths.TryGetValue(DataProtectionSetup.CertificatePathKey, out var dpCert) && paths.TryGetValue(DataProtectionSetup.KeyPathKey, out var dpKey)
            && dpCert is not null && dpKey is not null)
        {
            DataProtectionSetup.EnsureDevelopmentCertificate(dpCert, dpKey, now);
        }
    }
}
