using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CreditShare.Gateway.Renewal;

/// <summary>
/// The unit's certificate and key on disk, in the form the configuration uses (PEM <c>Certificate</c> + <c>Key</c>, or
/// one <c>Pkcs12</c> file under <c>Pkcs12Password</c>), and the steps that replace them in a renewal.
/// </summary>
/// <remarks>
/// Crash safety, step by step (every file written as temp file, fsync, rename; key files 0600 on Unix):
/// <list type="number">
/// <item>The new key is written to <c>&lt;key&gt;.next</c> before the request leaves. A kill before the platform answers
/// leaves the old pair in place and the pending key, which the next attempt reuses (the same request again).</item>
/// <item>The certificate the platform answers with is written next to it (<c>&lt;certificate&gt;.next</c>, or the whole new
/// PKCS#12 as <c>&lt;pkcs12&gt;.next</c>) at once, before anything is replaced: from here the new pair is complete on disk.</item>
/// <item>The old pair is copied to <c>.previous</c>, then the new files are renamed over the old ones (PEM: key, then
/// certificate; PKCS#12: one rename). <see cref="FinishInterruptedInstall"/> runs before every load of the files and
/// completes an install a kill cut short: a <c>.next</c> certificate that fits the pending (or already moved) key is
/// put in place; one that fits neither is a leftover and is removed.</item>
/// </list>
/// What no gateway-side order can close: a kill (or a lost answer) after the platform issued the certificate and before
/// step 2. The platform has then marked the old certificate renewed, and refuses a second renewal from it
/// (<c>renewal.already_renewed</c>, naming the new serial). The old pair stays valid for the overlap
/// (<c>Credentials:RenewalOverlapDays</c>), so the gateway keeps delivering while the alarm asks a person to have the
/// center issue a new gateway certificate; the pending key is kept so that a platform which answered a repeated
/// request for the same key with the certificate it already issued would let the retry finish by itself.
/// </remarks>
public sealed class CredentialFiles(PlatformOptions platform)
{
    private const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public bool IsPkcs12 => !string.IsNullOrWhiteSpace(platform.Pkcs12);

    /// <summary>The new key while its certificate is being asked for.</summary>
    public string PendingKeyPath => IsPkcs12 ? platform.Pkcs12 + ".key.next" : platform.Key + ".next";

    /// <summary>The new certificate (PEM) or the new PKCS#12, once the platform has answered.</summary>
    public string ReceivedPath => (IsPkcs12 ? platform.Pkcs12 : platform.Certificate) + ".next";

    /// <summary>The files that hold the pair now (one for PKCS#12).</summary>
    public IReadOnlyList<string> CurrentPaths => IsPkcs12 ? [platform.Pkcs12!] : [platform.Certificate!, platform.Key!];

    public static string PreviousPath(string path) => path + ".previous";

    /// <summary>The pending key if there is one of the right kind (and not the current certificate's own); otherwise a new one, on disk before it is used.</summary>
    public AsymmetricAlgorithm PendingKeyFor(X509Certificate2 current)
    {
        if (File.Exists(PendingKeyPath))
        {
            var pending = ReadKey(File.ReadAllText(PendingKeyPath), current);
            if (pending is not null && KeyKind.Fits(current, pending) && !SamePublicKey(current, pending))
            {
                return pending;
            }

            // Unreadable, of another kind, or left behind by an install that already finished: made anew.
            pending?.Dispose();
        }

        var key = KeyKind.NewLike(current);
        WriteAtomically(PendingKeyPath, System.Text.Encoding.ASCII.GetBytes(KeyPem(key)), Secret);
        return key;
    }

    /// <summary>Keeps the certificate the platform issued next to the pending key (step 2), then puts the new pair in place (step 3).</summary>
    public void Install(X509Certificate2 issued, AsymmetricAlgorithm key)
    {
        using var installing = Lock() ?? throw new IOException("另一个进程正在更换证书（gateway renew 与运行中的服务同时进行），请稍后再试");
        if (IsPkcs12)
        {
            using var pair = WithKey(issued, key);
            WriteAtomically(ReceivedPath, pair.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, platform.Pkcs12Password), Secret);
        }
        else
        {
            WriteAtomically(ReceivedPath, System.Text.Encoding.ASCII.GetBytes(issued.ExportCertificatePem() + "\n"), ModeOf(platform.Certificate!, Public));
        }

        if (!(IsPkcs12 ? FinishPkcs12() : FinishPem()))
        {
            throw new CryptographicException("The new certificate did not fit the pending key on disk.");
        }
    }

    /// <summary>Completes an install that a kill interrupted; true if one was completed. Safe to call at any time, also without a configured pair.</summary>
    public static bool FinishInterruptedInstall(PlatformOptions platform)
    {
        var files = new CredentialFiles(platform);
        if ((files.IsPkcs12 ? platform.Pkcs12 : platform.Certificate) is not { Length: > 0 } || (!files.IsPkcs12 && platform.Key is not { Length: > 0 })
            || !File.Exists(files.ReceivedPath))
        {
            return false;
        }

        // Not while another process (gateway renew beside the running service) is in the middle of its own install.
        using var installing = files.Lock();
        return installing is not null && File.Exists(files.ReceivedPath) && (files.IsPkcs12 ? files.FinishPkcs12() : files.FinishPem());
    }

    /// <summary>An exclusive lock on <c>&lt;file&gt;.lock</c> (flock on Unix) while the files change hands; null if another holder has it.</summary>
    private FileStream? Lock()
    {
        try
        {
            return new FileStream((IsPkcs12 ? platform.Pkcs12 : platform.Certificate) + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private bool FinishPkcs12()
    {
        try
        {
            using var next = X509CertificateLoader.LoadPkcs12FromFile(ReceivedPath, platform.Pkcs12Password);
            if (!next.HasPrivateKey)
            {
                throw new CryptographicException("no key");
            }
        }
        catch (CryptographicException)
        {
            File.Delete(ReceivedPath); // half of nothing: the pending key stays for the next attempt
            return false;
        }

        if (File.Exists(platform.Pkcs12))
        {
            WriteAtomically(PreviousPath(platform.Pkcs12!), File.ReadAllBytes(platform.Pkcs12!), Secret);
        }

        File.Move(ReceivedPath, platform.Pkcs12!, overwrite: true);
        File.Delete(PendingKeyPath);
        return true;
    }

    private bool FinishPem()
    {
        var certificate = platform.Certificate!;
        var key = platform.Key!;
        // The new key: still pending, or already moved into place by an install a kill cut short.
        var newKey = File.Exists(PendingKeyPath) ? PendingKeyPath : key;
        if (!Fits(ReceivedPath, newKey))
        {
            File.Delete(ReceivedPath);
            return false;
        }

        if (newKey == PendingKeyPath)
        {
            // The old pair is still whole: it is kept before anything is replaced, so an operator can go back.
            if (Fits(certificate, key))
            {
                WriteAtomically(PreviousPath(certificate), File.ReadAllBytes(certificate), ModeOf(certificate, Public));
                WriteAtomically(PreviousPath(key), File.ReadAllBytes(key), Secret);
            }

            File.Move(PendingKeyPath, key, overwrite: true);
        }

        File.Move(ReceivedPath, certificate, overwrite: true);
        return true;
    }

    private static bool Fits(string certificatePath, string keyPath)
    {
        try
        {
            using var pair = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            return pair.HasPrivateKey;
        }
        catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
        {
            return false;
        }
    }

    private string KeyPem(AsymmetricAlgorithm key) =>
        IsPkcs12 && !string.IsNullOrEmpty(platform.Pkcs12Password)
            // Kept under the PKCS#12's own password: the pending key is no less secret than the file it will go into.
            ? key.ExportEncryptedPkcs8PrivateKeyPem(platform.Pkcs12Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000))
            : key.ExportPkcs8PrivateKeyPem();

    private AsymmetricAlgorithm? ReadKey(string pem, X509Certificate2 current)
    {
        using var rsa = current.GetRSAPublicKey();
        AsymmetricAlgorithm key = rsa is not null ? RSA.Create() : ECDsa.Create();
        try
        {
            if (pem.Contains("ENCRYPTED", StringComparison.Ordinal))
            {
                key.ImportFromEncryptedPem(pem, platform.Pkcs12Password ?? "");
            }
            else
            {
                key.ImportFromPem(pem);
            }

            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            return null;
        }
    }

    public static bool SamePublicKey(X509Certificate2 certificate, AsymmetricAlgorithm key) =>
        certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo());

    public static X509Certificate2 WithKey(X509Certificate2 certificate, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => certificate.CopyWithPrivateKey(rsa),
        ECDsa ecdsa => certificate.CopyWithPrivateKey(ecdsa),
        _ => throw new CryptographicException("Only RSA and ECDSA keys are used."),
    };

    private static UnixFileMode ModeOf(string path, UnixFileMode otherwise) =>
        !OperatingSystem.IsWindows() && File.Exists(path) ? File.GetUnixFileMode(path) : otherwise;

    /// <summary>Temp file, fsync, rename: a reader (or a restart) sees the old content or the new, never half.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary); // the mode applies to a file being created only
        var open = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            open.UnixCreateMode = mode;
        }

        using (var stream = new FileStream(temporary, open))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The new key is of the same kind as the old: ECDSA on the same curve, or RSA of the same size (at least 2048 bits).</summary>
public static class KeyKind
{
    public static AsymmetricAlgorithm NewLike(X509Certificate2 current)
    {
        using (var rsa = current.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                return RSA.Create(RsaBits(rsa));
            }
        }

        using var ecdsa = current.GetECDsaPublicKey() ?? throw new CryptographicException("客户端证书的密钥既不是 RSA 也不是 ECDSA，无法自动更换");
        return ECDsa.Create(ecdsa.ExportParameters(false).Curve);
    }

    public static bool Fits(X509Certificate2 current, AsymmetricAlgorithm key)
    {
        using (var rsa = current.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                return key is RSA && key.KeySize == RsaBits(rsa);
            }
        }

        using var ecdsa = current.GetECDsaPublicKey();
        return ecdsa is not null && key is ECDsa other && other.ExportParameters(false).Curve.Oid.Value == ecdsa.ExportParameters(false).Curve.Oid.Value;
    }

    /// <summary>The PKCS#10 request for <paramref name="key"/> with the current certificate's subject (the CA writes its own subject anyway).</summary>
    public static byte[] SigningRequest(X509Certificate2 current, AsymmetricAlgorithm key) => (key switch
    {
        RSA rsa => new CertificateRequest(current.SubjectName, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsa ecdsa => new CertificateRequest(current.SubjectName, ecdsa, ecdsa.KeySize switch
        {
            > 384 => HashAlgorithmName.SHA512,
            > 256 => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA256,
        }),
        _ => throw new CryptographicException("Only RSA and ECDSA keys are used."),
    }).CreateSigningRequest();

    private static int RsaBits(RSA rsa) => Math.Max(rsa.KeySize, Core.Credentials.SigningRequestCheck.MinimumRsaBits);
}
