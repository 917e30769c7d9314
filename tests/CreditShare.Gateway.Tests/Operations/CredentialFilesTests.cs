using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Credentials;
using CreditShare.Gateway.Renewal;

namespace CreditShare.Gateway.Tests.Operations;

/// <summary>The new key's kind, and what a restart finds after a kill at each step of replacing the files (no platform needed).</summary>
public sealed class CredentialFilesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("creditshare-renewal-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static X509Certificate2 SelfSigned(AsymmetricAlgorithm key, string subject = "CN=11640000013500127K, OU=前置机, O=测试单位, C=CN")
    {
        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException("RSA or ECDSA only", nameof(key)),
        };
        // Dated by the test clock's fixed start: these tests move files, no TLS checks the dates.
        var start = CreditShare.Web.Tests.CreditShareApp.FixedStart;
        return request.CreateSelfSigned(start.AddDays(-1), start.AddDays(20));
    }

    [Fact]
    public void The_new_key_is_of_the_old_ones_kind_and_its_request_passes_the_platforms_checks()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa3072 = RSA.Create(3072);
        using var rsa1024 = RSA.Create(1024);
        foreach (var (old, expected) in new (AsymmetricAlgorithm, string)[] { (p384, "ECDSA P-384"), (rsa3072, "RSA 3072"), (rsa1024, "RSA 2048") })
        {
            using var certificate = SelfSigned(old);
            using var key = KeyKind.NewLike(certificate);
            Assert.True(KeyKind.Fits(certificate, key));

            var (request, error) = SigningRequestCheck.Parse(KeyKind.SigningRequest(certificate, key));

            Assert.Null(error);
            Assert.Equal(expected, request!.KeyDescription);
            Assert.Equal(certificate.SubjectName.Name, request.Request.SubjectName.Name);
        }

        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var onP384 = SelfSigned(p384);
        Assert.False(KeyKind.Fits(onP384, p256));
    }

    [Fact]
    public void A_kill_between_moving_the_key_and_moving_the_certificate_is_finished_at_the_next_load()
    {
        var platform = new PlatformOptions { Certificate = Path.Combine(directory, "gateway.crt"), Key = Path.Combine(directory, "gateway.key") };
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var old = SelfSigned(oldKey);
        File.WriteAllText(platform.Certificate, old.ExportCertificatePem());
        File.WriteAllText(platform.Key, oldKey.ExportPkcs8PrivateKeyPem());
        var files = new CredentialFiles(platform);
        using var newKey = (ECDsa)files.PendingKeyFor(old);
        using var issued = SelfSigned(newKey);

        // As Install leaves them when killed after renaming the key: new key, old certificate, the new one beside it.
        File.WriteAllText(platform.Certificate + ".previous", old.ExportCertificatePem());
        File.WriteAllText(platform.Key + ".previous", oldKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(files.ReceivedPath, issued.ExportCertificatePem());
        File.Move(files.PendingKeyPath, platform.Key, overwrite: true);

        using var loaded = GatewayConfiguration.LoadClientCertificate(platform);

        Assert.Equal(issued.SerialNumber, loaded.SerialNumber);
        Assert.False(File.Exists(files.ReceivedPath));
        Assert.Equal(old.SerialNumber, X509Certificate2.CreateFromPem(File.ReadAllText(platform.Certificate + ".previous")).SerialNumber);
    }

    [Fact]
    public void A_kill_after_the_certificate_was_kept_and_before_anything_moved_is_finished_and_the_old_pair_kept()
    {
        var platform = new PlatformOptions { Certificate = Path.Combine(directory, "gateway.crt"), Key = Path.Combine(directory, "gateway.key") };
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var old = SelfSigned(oldKey);
        File.WriteAllText(platform.Certificate, old.ExportCertificatePem());
        File.WriteAllText(platform.Key, oldKey.ExportPkcs8PrivateKeyPem());
        var files = new CredentialFiles(platform);
        using var newKey = (ECDsa)files.PendingKeyFor(old);
        using var issued = SelfSigned(newKey);
        File.WriteAllText(files.ReceivedPath, issued.ExportCertificatePem());

        using var loaded = GatewayConfiguration.LoadClientCertificate(platform);

        Assert.Equal(issued.SerialNumber, loaded.SerialNumber);
        Assert.Equal(oldKey.ExportPkcs8PrivateKeyPem(), File.ReadAllText(platform.Key + ".previous"));
        Assert.False(File.Exists(files.PendingKeyPath));
    }

    [Fact]
    public void A_certificate_left_for_a_key_that_is_gone_is_removed_and_the_old_pair_stays()
    {
        var platform = new PlatformOptions { Certificate = Path.Combine(directory, "gateway.crt"), Key = Path.Combine(directory, "gateway.key") };
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var old = SelfSigned(oldKey);
        File.WriteAllText(platform.Certificate, old.ExportCertificatePem());
        File.WriteAllText(platform.Key, oldKey.ExportPkcs8PrivateKeyPem());
        using var strangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = SelfSigned(strangerKey);
        File.WriteAllText(platform.Certificate + ".next", stranger.ExportCertificatePem());

        using var loaded = GatewayConfiguration.LoadClientCertificate(platform);

        Assert.Equal(old.SerialNumber, loaded.SerialNumber);
        Assert.False(File.Exists(platform.Certificate + ".next"));
        Assert.False(File.Exists(platform.Certificate + ".previous"));
    }

    [Fact]
    public void A_pending_key_is_reused_unless_it_is_already_the_certificates_own()
    {
        var platform = new PlatformOptions { Pkcs12 = Path.Combine(directory, "gateway.p12"), Pkcs12Password = "测试口令" };
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var old = SelfSigned(oldKey);
        var files = new CredentialFiles(platform);

        using var first = files.PendingKeyFor(old);
        Assert.Contains("ENCRYPTED PRIVATE KEY", File.ReadAllText(files.PendingKeyPath), StringComparison.Ordinal);
        using var again = files.PendingKeyFor(old);
        Assert.Equal(first.ExportSubjectPublicKeyInfo(), again.ExportSubjectPublicKeyInfo());

        // Left behind by an install that finished: the key of the certificate in use is never asked for again.
        using var installed = SelfSigned(first);
        using var fresh = files.PendingKeyFor(installed);
        Assert.NotEqual(first.ExportSubjectPublicKeyInfo(), fresh.ExportSubjectPublicKeyInfo());
    }
}
