using System.Net;
using System.Net.Sockets;

namespace CreditShare.Core.Network;

/// <summary>
/// Networks a center names as reachable beyond the public internet (the 政务外网 ranges its departments' receivers sit
/// in, e.g. <c>10.0.0.0/8</c> or <c>59.255.0.0/16</c>): an address inside one is allowed even though it is private.
/// Everything else keeps the SSRF guard of <see cref="PublicAddresses"/>. Some addresses are never allowed, configured
/// or not: loopback (the platform itself — tests have their own switch), link-local (cloud metadata at 169.254.169.254),
/// the unspecified and this-network addresses, multicast, the reserved block and broadcast, and the cloud metadata
/// endpoints that sit inside otherwise private ranges (Alibaba Cloud's 100.100.100.200, AWS's fd00:ec2::254). A
/// configured network overlapping one of those blocks is a mistake (or "everything", 0.0.0.0/0) and stops the start.
/// IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the IPv4 address they carry,
/// so a center names the IPv4 network; Teredo, whose inner address is obscured, is never allowed.
/// </summary>
public sealed class AllowedNetworks
{
    public static AllowedNetworks None { get; } = new([]);

    // Blocks no configured network may touch.
    private static readonly IPNetwork[] NeverAllowedBlocks =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
        // Ranges whose addresses are judged by the IPv4 address inside them (and Teredo, where it is obscured).
        IPNetwork.Parse("::/96"), IPNetwork.Parse("::ffff:0:0/96"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("64:ff9b:1::/48"),
        IPNetwork.Parse("2002::/16"), IPNetwork.Parse("2001::/32"),
    ];

    // Single addresses refused even inside a configured network: cloud metadata services outside link-local.
    private static readonly IPAddress[] MetadataAddresses = [IPAddress.Parse("100.100.100.200"), IPAddress.Parse("fd00:ec2::254")];

    private readonly IReadOnlyList<IPNetwork> networks;

    private AllowedNetworks(IReadOnlyList<IPNetwork> networks) => this.networks = networks;

    public IReadOnlyList<IPNetwork> Networks => networks;

    /// <summary>
    /// Reads the configured entries (<c>10.0.0.0/8</c>, <c>fd00:1234::/32</c>, or one address): every problem is
    /// named, and with any problem there are no networks at all — a half-read list is not what the center meant.
    /// </summary>
    public static (AllowedNetworks Networks, IReadOnlyList<string> Problems) Parse(IEnumerable<string?> entries, string setting)
    {
        List<IPNetwork> parsed = [];
        List<string> problems = [];
        foreach (var raw in entries)
        {
            var entry = raw?.Trim() ?? "";
            if (!TryParse(entry, out var network))
            {
                problems.Add($"{setting}: \"{entry}\" is not a network in CIDR form (10.0.0.0/8, fd00:1234::/32, with no bits set after the prefix) or an address.");
                continue;
            }

            if (NeverAllowedBlocks.Where(b => Overlap(b, network)).Select(b => (IPNetwork?)b).FirstOrDefault() is { } block)
            {
                problems.Add($"{setting}: \"{entry}\" overlaps {block}, which webhooks never reach (loopback, link-local and cloud metadata, "
                    + "multicast, unspecified, reserved, or an IPv6 form of IPv4 — name the IPv4 network instead).");
                continue;
            }

            parsed.Add(network);
        }

        return problems.Count > 0 ? (None, problems) : (new AllowedNetworks(parsed), problems);
    }

    /// <summary>Whether the address is inside a configured network and not one of those never allowed.</summary>
    public bool Contains(IPAddress address)
    {
        if (networks.Count == 0 || Scoped(address))
        {
            return false;
        }

        // An IPv6 form of IPv4 is judged by the IPv4 address (the block it sits in is never configured itself).
        var inner = PublicAddresses.Embedded(address);
        if (inner is null && NeverAllowedBlocks.Any(b => In(b, address)))
        {
            return false;
        }

        var effective = inner ?? address;
        return !NeverAllowedBlocks.Any(b => In(b, effective)) && !MetadataAddresses.Contains(effective) && networks.Any(n => In(n, effective));
    }

    /// <summary>The whole rule: public, or in a configured network, or loopback when tests allow it.</summary>
    public bool Allows(IPAddress address, bool allowLoopback) =>
        PublicAddresses.IsPublic(address) || Contains(address) || (allowLoopback && PublicAddresses.IsLoopback(address));

    private static bool TryParse(string entry, out IPNetwork network)
    {
        if (entry.Contains('/'))
        {
            // IPNetwork clears bits after the prefix; "10.0.0.1/8" is a typo more likely than a network.
            return IPNetwork.TryParse(entry, out network) && IPAddress.TryParse(entry[..entry.IndexOf('/')], out var written)
                && written.Equals(network.BaseAddress);
        }

        if (IPAddress.TryParse(entry, out var address) && !Scoped(address))
        {
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        network = default;
        return false;
    }

    // A scope (fe80::1%eth0) names an interface, not a network; IPv4 has none (and throws when asked).
    private static bool Scoped(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0;

    // Two prefixes overlap exactly when one contains the other's base address.
    private static bool Overlap(IPNetwork a, IPNetwork b) => In(a, b.BaseAddress) || In(b, a.BaseAddress);

    // Prefix match on the bytes: IPNetwork.Contains treats IPv4-mapped networks (::ffff:0:0/96) as matching every
    // IPv6 address.
    private static bool In(IPNetwork network, IPAddress address)
    {
        if (network.BaseAddress.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        var prefix = network.BaseAddress.GetAddressBytes();
        var bytes = address.GetAddressBytes();
        var whole = network.PrefixLength / 8;
        if (!bytes.AsSpan(0, whole).SequenceEqual(prefix.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = network.PrefixLength % 8;
        var mask = (byte)(0xFF << (8 - rest));
        return rest == 0 || (bytes[whole] & mask) == (prefix[whole] & mask);
    }
}
