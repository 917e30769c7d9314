using System.Net;
using System.Net.Sockets;

namespace CreditShare.Core.Network;

/// <summary>
/// Whether an address is on the public internet, for anything the platform connects to on a unit's say-so (webhooks):
/// never loopback, private, link-local (cloud metadata), carrier-grade NAT, documentation, benchmarking, multicast,
/// reserved or unspecified. IPv6 forms that carry an IPv4 address inside them (IPv4-mapped, IPv4-compatible, NAT64,
/// 6to4) are judged by the address they carry, and Teredo, whose inner address is obscured, is refused.
/// </summary>
public static class PublicAddresses
{
    // IANA IPv4 and IPv6 special-purpose address registries (RFC 6890 and successors).
    private static readonly IPNetwork[] NotPublicV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork[] NotPublicV6 =
    [
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001::/23"),
        IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("3fff::/20"), IPNetwork.Parse("5f00::/16"), IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork IPv4Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork Nat64Local = IPNetwork.Parse("64:ff9b:1::/48");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(Embedded(address) ?? address);

    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.ScopeId != 0 || NotPublicV6.Any(n => n.Contains(address)) || Nat64Local.Contains(address))
            {
                return false;
            }

            if (Embedded(address) is { } inner)
            {
                return IsPublic(inner);
            }

            return true;
        }

        return address.AddressFamily == AddressFamily.InterNetwork && !NotPublicV4.Any(n => n.Contains(address));
    }

    /// <summary>The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or null.</summary>
    public static IPAddress? Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (SixToFour.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(2, 4));
        }

        // :: and ::1 are in the compatible range too; they are themselves, not 0.0.0.0 and 0.0.0.1.
        if (Nat64.Contains(address) || (IPv4Compatible.Contains(address) && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback)))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return null;
    }
}
