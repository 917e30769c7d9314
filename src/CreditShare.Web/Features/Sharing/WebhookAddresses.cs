using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core;
using CreditShare.Core.Network;

namespace CreditShare.Web.Features.Sharing;

/// <summary>
/// Where a webhook may point (SSRF): https only, no credentials in the URL, and every address the name resolves to
/// public — never loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast or unspecified. Checked
/// when registering and again for every connection, so a name that later resolves elsewhere is refused too.
/// </summary>
public static class WebhookAddresses
{
    public static FieldError? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 500 || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return new FieldError("url", "webhook.url_invalid", "请填写完整的推送地址（https://…，不超过500字符）");
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return new FieldError("url", "webhook.https_required", "推送地址必须使用 https");
        }

        return uri.UserInfo.Length > 0 ? new FieldError("url", "webhook.credentials_in_url", "推送地址中不能包含用户名或口令") : null;
    }

    public static bool IsAllowed(IPAddress address, bool allowLoopback) =>
        PublicAddresses.IsPublic(address) || (allowLoopback && PublicAddresses.IsLoopback(address));

    public static async Task<FieldError?> CheckHostAsync(string url, bool allowLoopback, CancellationToken cancellationToken)
    {
        var host = new Uri(url).IdnHost;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return new FieldError("url", "webhook.host_unknown", $"无法解析主机名“{host}”");
        }

        return addresses.Length == 0 || addresses.Any(a => !IsAllowed(a, allowLoopback))
            ? new FieldError("url", "webhook.address_not_allowed", "推送地址指向本机、内网或保留地址，不允许（防止服务端请求伪造）")
            : null;
    }

    /// <summary>Connects only to allowed addresses, whatever the name resolves to at that moment.</summary>
    public static SocketsHttpHandler Handler(WebhookOptions options, X509Certificate2? platformCa) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = addresses.Where(a => IsAllowed(a, options.AllowLoopback)).ToArray();
            if (allowed.Length == 0 || allowed.Length != addresses.Length)
            {
                throw new HttpRequestException("webhook.address_not_allowed");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        SslOptions = platformCa is null ? new() : new()
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(platformCa);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            },
        },
    };
}
