using System.Net;
using System.Net.Sockets;

namespace CreditShare.Core.Security;

/// <summary>
/// An address or a CIDR network as a person types it for a manual block or the allow-list. IPv4-mapped IPv6 addresses
/// are their IPv4 address (a dual-stack socket reports 127.0.0.1 as ::ffff:127.0.0.1).
/// </summary>
public readonly record struct AddressRange(IPNetwork Network)
{
    /// <summary>The narrowest network a manual block may name: wider blocks shut out a whole province's carrier.</summary>
    public const int MinimumIPv4Prefix = 16;

    public const int MinimumIPv6Prefix = 32;

    public override string ToString() => IsSingle ? Network.BaseAddress.ToString() : Network.ToString();

    public bool IsSingle => Network.PrefixLength == (Network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);

    public bool Contains(IPAddress address) => Network.Contains(Normalise(address));

    public static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// Reads <c>203.0.113.7</c>, <c>203.0.113.0/24</c> or <c>2001:db8::/48</c>; the reason in Chinese when it is none of
    /// them. A manual block may not be wider than /16 (IPv4) or /32 (IPv6); <paramref name="anyPrefix"/> lifts that for
    /// the allow-list, where a center names its whole 10.0.0.0/8.
    /// </summary>
    public static bool TryParse(string? text, out AddressRange range, out string? error, bool anyPrefix = false)
    {
        range = default;
        var entry = (text ?? "").Trim();
        if (entry.Length == 0)
        {
            error = "请填写IP地址或网段";
            return false;
        }

        if (!entry.Contains('/'))
        {
            if (!IPAddress.TryParse(entry, out var single) || single.ToString().Contains('%', StringComparison.Ordinal))
            {
                error = $"“{entry}”不是有效的IP地址";
                return false;
            }

            single = Normalise(single);
            range = new AddressRange(new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            error = null;
            return true;
        }

        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (!IPNetwork.TryParse(entry, out var network) || !IPAddress.TryParse(entry[..slash], out var written) || !written.Equals(network.BaseAddress))
        {
            error = $"“{entry}”不是有效的网段（CIDR 格式，如 203.0.113.0/24，前缀之后的位须为 0）";
            return false;
        }

        if (network.BaseAddress.IsIPv4MappedToIPv6)
        {
            error = $"网段“{entry}”请写成 IPv4 形式";
            return false;
        }

        var minimum = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? MinimumIPv4Prefix : MinimumIPv6Prefix;
        if (network.PrefixLength < minimum && !anyPrefix)
        {
            error = $"网段“{entry}”过大：IPv4 前缀至少 /{MinimumIPv4Prefix}，IPv6 至少 /{MinimumIPv6Prefix}";
            return false;
        }

        range = new AddressRange(network);
        error = null;
        return true;
    }

    /// <summary>
    /// The key an address is counted under: IPv4 as is; IPv6 by its /64, which one subscriber usually holds whole (a
    /// client rotating through its /64 stays one key). No address at all shares one key.
    /// </summary>
    public static string CountingKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        address = Normalise(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
