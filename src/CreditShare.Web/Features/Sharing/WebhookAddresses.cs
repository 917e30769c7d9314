using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core;
using CreditShare.Core.Network;

namespace CreditShare.Web.Features.Sharing;

/// <summary>
/// Where a webhook may point (SSRF): https only, no credentials in the URL, and every address the name resolves to
/// public — never loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast or unspecified — or
/// inside a network the center configured (<see cref="AllowedNetworks"/>, the 政务外网). Checked when registering and
/// again for every connection, so a name that later resolves elsewhere is refused too.
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

    /// <summary>The stable code and Chinese reason a refused address gets, at registration and in the delivery history.</summary>
    public const string AddressNotAllowed = "webhook.address_not_allowed";

    public const string AddressNotAllowedReason = "推送地址指向本机、内网或保留地址，且不在平台配置的允许网络（Sharing:Webhooks:AllowedNetworks）内，不允许（防止服务端请求伪造）";

    public const string CertificateUntrusted = "webhook.certificate_untrusted";

    public const string CertificateUntrustedReason = "接收方的 TLS 证书不受信任：既不链到系统信任的 CA，也不链到平台配置的接收方 CA（Sharing:Webhooks:ReceiverCaBundle）";

    public const string CertificateNameMismatch = "webhook.certificate_name_mismatch";

    public const string CertificateNameMismatchReason = "接收方的 TLS 证书与推送地址的主机名不符";

    /// <summary>How a delivery's error reads when the platform refused it: "code：reason".</summary>
    public static string Refusal(string code, string reason) => $"{code}：{reason}";

    public static bool IsAllowed(IPAddress address, bool allowLoopback, AllowedNetworks? networks = null) =>
        (networks ?? AllowedNetworks.None).Allows(address, allowLoopback);

    public static async Task<FieldError?> CheckHostAsync(string url, WebhookOptions options, CancellationToken cancellationToken)
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

        var networks = options.Networks();
        return addresses.Length == 0 || addresses.Any(a => !IsAllowed(a, options.AllowLoopback, networks))
            ? new FieldError("url", AddressNotAllowed, AddressNotAllowedReason)
            : null;
    }

    /// <summary>
    /// Connects only to allowed addresses, whatever the name resolves to at that moment: the callback resolves the name
    /// itself and connects to exactly the addresses it checked (a name rebound to 169.254.169.254 after registration is
    /// refused), redirects are not followed and no proxy is used (a proxy would connect onwards unchecked). The
    /// receiver's certificate must chain to the system store or, failing that, to <paramref name="receiverCas"/> (the
    /// configured bundle, and the platform CA when trusted), and match the host name either way.
    /// </summary>
    public static SocketsHttpHandler Handler(WebhookOptions options, X509Certificate2Collection receiverCas)
    {
        var networks = options.Networks();
        return new()
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
                var allowed = addresses.Where(a => IsAllowed(a, options.AllowLoopback, networks)).ToArray();
                if (allowed.Length == 0 || allowed.Length != addresses.Length)
                {
                    throw new HttpRequestException(Refusal(AddressNotAllowed, AddressNotAllowedReason));
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
            SslOptions = new()
            {
                RemoteCertificateValidationCallback = (_, certificate, presented, errors) =>
                    ReceiverCertificate.Check(certificate, presented, errors, receiverCas) is { } refusal ? throw new AuthenticationException(refusal) : true,
            },
        };
    }
}

/// <summary>Whether a receiver's TLS certificate is trusted: the system store's verdict first, then the configured CAs.</summary>
public static class ReceiverCertificate
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>Null when trusted, otherwise the refusal ("code：reason") for the delivery history.</summary>
    public static string? Check(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection receiverCas)
    {
        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return WebhookAddresses.Refusal(WebhookAddresses.CertificateUntrusted, "接收方未出示 TLS 证书");
        }

        // The name is checked by the handshake whoever issued the certificate; a configured CA never excuses a mismatch.
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return WebhookAddresses.Refusal(WebhookAddresses.CertificateNameMismatch, WebhookAddresses.CertificateNameMismatchReason);
        }

        if (receiverCas.Count == 0)
        {
            return WebhookAddresses.Refusal(WebhookAddresses.CertificateUntrusted, WebhookAddresses.CertificateUntrustedReason);
        }

        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(receiverCas);
        chain.ChainPolicy.ExtraStore.AddRange(receiverCas);
        // Intermediates the receiver sent.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        // Government CAs' revocation endpoints are often unreachable from the platform; like the platform CA's own
        // certificates, trust rests on the chain and validity period.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf) ? null : WebhookAddresses.Refusal(WebhookAddresses.CertificateUntrusted,
            $"{WebhookAddresses.CertificateUntrustedReason}（{string.Join("；", chain.ChainStatus.Select(s => s.Status))}）");
    }
}
