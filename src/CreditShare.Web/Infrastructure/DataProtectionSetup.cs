using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Data;
using Microsoft.AspNetCore.DataProtection;

namespace CreditShare.Web.Infrastructure;

/// <summary>
/// The data-protection key ring protects every instance's session and antiforgery cookies. It lives in the database
/// (so instances share it) and is encrypted there with an RSA certificate from configuration, so reading the table is
/// not enough to forge a session. Development makes its own certificate under data/pki, like the other development keys.
/// </summary>
public static class DataProtectionSetup
{
    public const string CertificatePathKey = "DataProtection:CertificatePath";
    public const string KeyPathKey = "DataProtection:KeyPath";

    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddDataProtection().SetApplicationName("CreditShare").PersistKeysToDbContext<AppDbContext>();
        var certificatePath = configuration[CertificatePathKey];
        var keyPath = configuration[KeyPathKey];
        // Checked when the host starts, so operator commands that never touch cookies (migrate, issue-cert) run without it.
        services.AddOptions<DataProtectionCertificate>()
            .Configure(o => o.Configured = !string.IsNullOrWhiteSpace(certificatePath) && !string.IsNullOrWhiteSpace(keyPath))
            .Validate(o => o.Configured,
                $"{CertificatePathKey} and {KeyPathKey} must name the PEM files of the RSA certificate that encrypts the data-protection keys " +
                "(openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj /CN=CreditShare-DataProtection -keyout dp.key -out dp.crt).")
            .ValidateOnStart();
        if (string.IsNullOrWhiteSpace(certificatePath) || string.IsNullOrWhiteSpace(keyPath))
        {
            return services;
        }

        // Loaded once with its key: on Linux the decryptor cannot find a certificate in a store, so it is handed over.
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        return services;
    }

    /// <summary>Development and tests: a self-signed RSA certificate for the key ring, if there is none yet.</summary>
    public static void EnsureDevelopmentCertificate(string certificatePath, string keyPath, DateTimeOffset now)
    {
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            return;
        }

        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=CreditShare Development Data Protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(certificatePath))!);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        Crypto.KeyFiles.WritePrivate(keyPath, rsa.ExportPkcs8PrivateKeyPem());
    }

    public sealed class DataProtectionCertificate
    {
        public bool Configured { get; set; }
    }
}
