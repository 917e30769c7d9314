using System.Text;
using CreditShare.Core.Contract;

namespace CreditShare.Core.Tests.Contract;

public class WebhookSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"deliveryId":"x","change":{"recordId":1}}""");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);

    [Fact]
    public void The_header_is_timestamp_and_hex_hmac_of_timestamp_dot_body()
    {
        // HMAC-SHA256("secret", "1780000000." + body), as a receiver in any language computes it.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("secret"),
            (byte[])[.. Encoding.UTF8.GetBytes("1780000000."), .. Body]));
        Assert.Equal($"t=1780000000,hmac-sha256={expected}", WebhookSignature.Sign("secret", 1_780_000_000, Body));
        Assert.Equal(("X-CreditShare-Signature", "X-CreditShare-Delivery"), (WebhookSignature.SignatureHeader, WebhookSignature.DeliveryHeader));
    }

    [Fact]
    public void A_receiver_accepts_only_the_same_body_secret_and_a_fresh_timestamp()
    {
        var header = WebhookSignature.Sign("secret", Now.ToUnixTimeSeconds(), Body);
        Assert.True(WebhookSignature.Verify("secret", header, Body, Now));
        Assert.True(WebhookSignature.Verify("secret", header, Body, Now + WebhookSignature.ReplayWindow), "at the edge of the window");
        Assert.True(WebhookSignature.Verify("secret", header, Body, Now - WebhookSignature.ReplayWindow), "a receiver's clock slightly behind");
        Assert.False(WebhookSignature.Verify("secret", header, Body, Now + WebhookSignature.ReplayWindow + TimeSpan.FromSeconds(1)), "replayed too late");
        Assert.False(WebhookSignature.Verify("secret", header, Body, Now - WebhookSignature.ReplayWindow - TimeSpan.FromSeconds(1)), "from the future");
        Assert.False(WebhookSignature.Verify("other", header, Body, Now));
        Assert.False(WebhookSignature.Verify("secret", header, [.. Body, (byte)' '], Now));
        Assert.False(WebhookSignature.Verify("secret", header.Replace("t=", "t=1", StringComparison.Ordinal), Body, Now), "a changed timestamp");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=abc")]
    [InlineData("t=notanumber,v1=abc")]
    [InlineData("t=1780000000")]
    public void Malformed_headers_are_refused(string? header) => Assert.False(WebhookSignature.Verify("secret", header, Body, Now));
}
