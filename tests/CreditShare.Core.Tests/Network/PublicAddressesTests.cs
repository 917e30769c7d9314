using System.Net;
using CreditShare.Core.Network;

namespace CreditShare.Core.Tests.Network;

public class PublicAddressesTests
{
    [Theory]
    [InlineData("202.100.96.68")]
    [InlineData("8.8.8.8")]
    [InlineData("2400:3200::1")]
    [InlineData("::ffff:202.100.96.68")]
    [InlineData("64:ff9b::ca64:6044")] // NAT64 of 202.100.96.68
    [InlineData("2002:ca64:6044::1")] // 6to4 of 202.100.96.68
    public void Public_addresses_and_ipv6_forms_of_public_ipv4_are_public(string address) =>
        Assert.True(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("198.18.0.1")]
    [InlineData("203.0.113.5")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::7f00:1")] // NAT64 of 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b::c0a8:101")] // NAT64 of 192.168.1.1
    [InlineData("64:ff9b:1::a00:1")] // local-use NAT64
    [InlineData("2002:7f00:1::")] // 6to4 of 127.0.0.1
    [InlineData("2002:a9fe:a9fe::1")] // 6to4 of 169.254.169.254
    [InlineData("2002:0a00:0001::")] // 6to4 of 10.0.0.1
    [InlineData("::127.0.0.1")] // IPv4-compatible
    [InlineData("::10.0.0.1")]
    [InlineData("::169.254.169.254")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo: the inner address is obscured
    public void Loopback_private_reserved_and_their_ipv6_embeddings_are_not_public(string address) =>
        Assert.False(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("::127.0.0.1")]
    [InlineData("::1")]
    public void Loopback_is_seen_through_its_embeddings(string address) =>
        Assert.True(PublicAddresses.IsLoopback(IPAddress.Parse(address)));
}
