using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Network;

namespace CreditShare.Web.Tests.Features.Sharing;

/// <summary>
/// A throwaway CA standing in for a government CA: a root made for the test, issuing receivers' server certificates.
/// Validity is the machine's clock (the TLS handshake checks against it), not the app's.
/// </summary>
public sealed class WebhookTestCa : IDisposable
{
    private static readonly DateTimeOffset ValidFrom = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public X509Certificate2 Root { get; }

    public WebhookTestCa(string name)
    {
        var request = new CertificateRequest($"CN={name}, O=测试政务外网, C=CN", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Fixed dates, wide enough that the real TLS handshake (which checks them against the real clock) accepts them on any day.
        Root = request.CreateSelfSigned(ValidFrom, ValidFrom.AddYears(30));
    }

    /// <summary>The root as a PEM file, as a center would receive it from the government CA.</summary>
    public void WritePem(string path) => File.WriteAllText(path, Root.ExportCertificatePem());

    /// <summary>A server certificate (with its key) for these addresses or host names.</summary>
    public X509Certificate2 Issue(params string[] names)
    {
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}, O=测试接收单位, C=CN", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
        using var issued = request.Create(Root.SubjectName, X509SignatureGenerator.CreateForECDsa(key), ValidFrom,
            ValidFrom.AddYears(20), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(leafKey);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        Root.Dispose();
        key.Dispose();
    }
}

/// <summary>This machine's own addresses that are neither loopback nor public nor link-local: where a 政务外网 receiver would sit.</summary>
public static class MachineAddresses
{
    public static (IPAddress Address, int PrefixLength)? Private(AddressFamily family) => NetworkInterface.GetAllNetworkInterfaces()
        .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(i => i.GetIPProperties().UnicastAddresses)
        .Where(u => u.Address.AddressFamily == family && !IPAddress.IsLoopback(u.Address) && !PublicAddresses.IsPublic(u.Address)
            && !u.Address.IsIPv6LinkLocal && !u.Address.GetAddressBytes().AsSpan(0, 2).SequenceEqual(new byte[] { 169, 254 }))
        // Without the interface scope some platforms attach to every IPv6 address: a URL names the address alone.
        .Select(u => ((IPAddress Address, int PrefixLength)?)(new IPAddress(u.Address.GetAddressBytes()), u.PrefixLength))
        .FirstOrDefault();

    /// <summary>The network an interface address sits in, as a center would name it (host bits cleared).</summary>
    public static IPNetwork NetworkOf(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPNetwork(new IPAddress(bytes), prefixLength);
    }
}
