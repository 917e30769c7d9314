using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CreditShare.Web.Infrastructure.Crypto;

/// <summary>
/// Secret files: the CA's and servers' private keys, the Development keys under data/keys, issued credentials. Shared
/// by every feature that keeps a secret on disk, so none of them depends on another for it.
/// </summary>
public static class KeyFiles
{
    /// <summary>Writes a secret file readable by its owner only.</summary>
    public static void WritePrivate(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// Development keys: the file at <paramref name="path"/>, made first if missing with one line of base64 random bytes
    /// per size given (never in the repository). Returns the lines.
    /// </summary>
    public static string[] EnsureRandomKeys(string path, params int[] sizes)
    {
        if (!File.Exists(path))
        {
            WritePrivate(path, string.Concat(sizes.Select(size => $"{Convert.ToBase64String(RandomNumberGenerator.GetBytes(size))}\n")));
        }

        return [.. File.ReadAllLines(path).Select(line => line.Trim())];
    }

    /// <summary>The private key a certificate carries, as PKCS#8 PEM, whatever its key type.</summary>
    public static string PrivateKeyPem(X509Certificate2 certificate)
    {
        using var key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey();
        return key?.ExportPkcs8PrivateKeyPem() ?? throw new InvalidOperationException("The certificate carries no private key of a known type.");
    }
}
