using System.Net;
using CreditShare.Core.Network;

namespace CreditShare.Core.Tests.Network;

public class AllowedNetworksTests
{
    private static readonly AllowedNetworks GovernmentNetwork =
        AllowedNetworks.Parse(["10.0.0.0/8", "59.255.0.0/16", "100.64.0.0/10", "fd00::/8", " 192.0.2.7 "], "test").Networks;

    [Fact]
    public void Cidrs_of_both_families_and_single_addresses_are_read()
    {
        var (networks, problems) = AllowedNetworks.Parse(["10.0.0.0/8", "59.255.0.0/16", "fd00:1234::/32", "192.0.2.7"], "test");
        Assert.Empty(problems);
        Assert.Equal(["10.0.0.0/8", "59.255.0.0/16", "fd00:1234::/32", "192.0.2.7/32"], networks.Networks.Select(n => n.ToString()));
    }

    [Theory]
    [InlineData("10.0.0.1/8", "is not a network")] // bits set after the prefix: a typo, not a network
    [InlineData("10.0.0.0/33", "is not a network")]
    [InlineData("政务外网", "is not a network")]
    [InlineData("", "is not a network")]
    [InlineData("fe80::1%2", "is not a network")]
    [InlineData("169.254.0.0/16", "overlaps 169.254.0.0/16")] // link-local, cloud metadata
    [InlineData("169.254.169.254", "overlaps 169.254.0.0/16")]
    [InlineData("169.0.0.0/8", "overlaps 169.254.0.0/16")]
    [InlineData("0.0.0.0/0", "overlaps 0.0.0.0/8")] // everything
    [InlineData("127.0.0.0/8", "overlaps 127.0.0.0/8")] // the platform itself
    [InlineData("224.0.0.0/4", "overlaps 224.0.0.0/4")]
    [InlineData("255.255.255.255", "overlaps 240.0.0.0/4")]
    [InlineData("::/0", "overlaps ::/128")]
    [InlineData("fe80::/10", "overlaps fe80::/10")]
    [InlineData("ff02::/16", "overlaps ff00::/8")]
    [InlineData("::ffff:10.0.0.0/104", "overlaps ::ffff:0:0/96")] // name the IPv4 network instead
    [InlineData("64:ff9b::/96", "overlaps 64:ff9b::/96")]
    [InlineData("2002:a00::/24", "overlaps 2002::/16")]
    public void A_bad_entry_is_named_and_leaves_no_networks_at_all(string entry, string problem)
    {
        var (networks, problems) = AllowedNetworks.Parse(["10.0.0.0/8", entry], "Sharing:Webhooks:AllowedNetworks");
        var only = Assert.Single(problems);
        Assert.StartsWith($"Sharing:Webhooks:AllowedNetworks: \"{entry}\"", only);
        Assert.Contains(problem, only);
        Assert.Empty(networks.Networks);
        Assert.False(networks.Contains(IPAddress.Parse("10.1.2.3")));
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("59.255.1.1")] // public anyway, and named
    [InlineData("100.64.0.1")]
    [InlineData("192.0.2.7")]
    [InlineData("fd00::2")]
    [InlineData("::ffff:10.1.2.3")] // the same IPv4 address, as a dual-stack socket writes it
    [InlineData("64:ff9b::a01:203")] // NAT64 of 10.1.2.3
    public void Addresses_inside_a_configured_network_are_allowed(string address)
    {
        Assert.True(GovernmentNetwork.Contains(IPAddress.Parse(address)));
        Assert.True(GovernmentNetwork.Allows(IPAddress.Parse(address), allowLoopback: false));
    }

    [Theory]
    [InlineData("172.16.0.1")] // private, not named
    [InlineData("192.168.1.10")]
    [InlineData("192.0.2.8")]
    [InlineData("fc00::1")]
    [InlineData("100.100.100.200")] // Alibaba Cloud metadata, inside the named 100.64.0.0/10
    [InlineData("fd00:ec2::254")] // AWS metadata over IPv6, inside the named fd00::/8
    [InlineData("::ffff:100.100.100.200")]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    [InlineData("fe80::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo: the inner address is obscured
    [InlineData("64:ff9b:1::a00:1")] // local-use NAT64
    public void Other_private_addresses_metadata_and_loopback_stay_refused(string address)
    {
        Assert.False(GovernmentNetwork.Contains(IPAddress.Parse(address)));
        Assert.False(GovernmentNetwork.Allows(IPAddress.Parse(address), allowLoopback: false));
    }

    [Fact]
    public void A_scoped_ipv6_address_is_refused_even_inside_a_named_network()
    {
        var scoped = IPAddress.Parse("fd00::2");
        scoped.ScopeId = 2;
        Assert.False(GovernmentNetwork.Contains(scoped));
    }

    [Fact]
    public void Without_configuration_only_public_addresses_and_loopback_for_tests_are_allowed()
    {
        Assert.True(AllowedNetworks.None.Allows(IPAddress.Parse("202.100.96.68"), allowLoopback: false));
        Assert.False(AllowedNetworks.None.Allows(IPAddress.Parse("10.1.2.3"), allowLoopback: true));
        Assert.False(AllowedNetworks.None.Allows(IPAddress.Loopback, allowLoopback: false));
        Assert.True(AllowedNetworks.None.Allows(IPAddress.Loopback, allowLoopback: true));
        // Loopback comes only from the test switch, never from a named network.
        Assert.True(GovernmentNetwork.Allows(IPAddress.Loopback, allowLoopback: true));
        Assert.False(GovernmentNetwork.Allows(IPAddress.Loopback, allowLoopback: false));
    }
}
