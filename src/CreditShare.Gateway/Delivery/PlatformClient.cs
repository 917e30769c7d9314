using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core.Contract;

namespace CreditShare.Gateway.Delivery;

/// <summary>What became of one request: the platform's answer, its refusal (not to be retried), or a failure worth retrying.</summary>
public abstract record Delivery
{
    public sealed record Answered(int StatusCode, BatchResult Result, string Body, SignedReceipt? Receipt) : Delivery;

    public sealed record Refused(int StatusCode, ApiProblem? Problem, string Body) : Delivery;

    public sealed record Transient(string Error) : Delivery;
}

/// <summary>
/// The gateway's only way to the platform: mutual TLS with the unit's certificate, and a server certificate that must
/// chain to the configured platform CA — the machine's own trust store is not consulted, so a certificate from any other
/// CA (even a public one) is refused and logged.
/// </summary>
public sealed class PlatformClient(HttpClient http, ILogger<PlatformClient> logger)
{
    public const string HttpClientName = "platform";

    /// <summary>The handler with the unit's certificate and CA pinning; <paramref name="refusals"/> keeps why the last server certificate was refused.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2 clientCertificate, X509Certificate2 ca, TrustRefusals refusals) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = [clientCertificate],
            RemoteCertificateValidationCallback = (_, presented, _, errors) =>
            {
                if (presented is null)
                {
                    refusals.Last = "平台没有出示服务器证书";
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
                if (!chain.Build(leaf))
                {
                    refusals.Last = $"平台服务器证书（{leaf.Subject}，签发者 {leaf.Issuer}）不是由所配置的平台 CA 签发，已拒绝连接："
                        + string.Join("；", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
                    return false;
                }

                if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    refusals.Last = $"平台服务器证书（{leaf.Subject}）与所连接的地址不符，已拒绝连接";
                    return false;
                }

                refusals.Last = null;
                return true;
            },
        },
    };

    public async Task<Delivery> SubmitAsync(string category, byte[] body, string contentType, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/reports/{Uri.EscapeDataString(category)}");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = contentType == "application/json" ? "utf-8" : null };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var result = JsonSerializer.Deserialize<BatchResult>(text, WireJson.Options)!;
                var receipt = response.Headers.TryGetValues(SignedReceipt.Header, out var values) ? ReceiptDigest.FromHeader(values.FirstOrDefault()) : null;
                return new Delivery.Answered(status, result, text, receipt);
            }

            if (IsTransient(response.StatusCode))
            {
                return new Delivery.Transient($"平台暂时无法处理（HTTP {status}）{ProblemText(text)}");
            }

            return new Delivery.Refused(status, ReadProblem(text), text);
        }
        catch (HttpRequestException e)
        {
            return new Delivery.Transient($"无法连接平台：{Describe(e)}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Delivery.Transient("平台在规定时间内没有应答");
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException)
        {
            return new Delivery.Transient("连续多次连接平台失败，暂停片刻后再试");
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            return new Delivery.Transient("平台在规定时间内没有应答");
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "the platform's answer could not be read");
            return new Delivery.Transient("平台的应答无法解析");
        }
    }

    /// <summary>401 and 403 too: a certificate not yet registered or a unit suspended is fixed by a person, after which delivery goes on.</summary>
    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (int)status >= 500;

    public async Task<(HttpStatusCode Status, DateTimeOffset? ServerTime, string Body)> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        return (response.StatusCode, response.Headers.Date, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public async Task<T?> GetJsonAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}{ProblemText(text)}", null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync<T>(WireJson.Options, cancellationToken);
    }

    /// <summary>Posts <paramref name="body"/>; returns the status and the platform's clock (its <c>Date</c> header).</summary>
    public async Task<(HttpStatusCode Status, DateTimeOffset? ServerTime)> PostJsonAsync<T>(string path, T body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(path, body, WireJson.Options, cancellationToken);
        return (response.StatusCode, response.Headers.Date);
    }

    /// <summary>Posts <paramref name="body"/>; returns the status and the answer's text (the caller reads it as the answer or as a problem).</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostForTextAsync<T>(string path, T body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(path, body, WireJson.Options, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public static ApiProblem? ReadProblem(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ApiProblem>(text, WireJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string ProblemText(string text) => ReadProblem(text) is { } p ? $"：{p.Title}{(p.Detail is { Length: > 0 } d ? "，" + d : "")}" : "";

    /// <summary>The innermost reason in words a unit's operator can act on.</summary>
    public static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner switch
        {
            System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } => "连接被拒绝（平台未运行或端口不对）",
            System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound } => "找不到平台主机名",
            System.Net.Sockets.SocketException s => $"网络错误（{s.SocketErrorCode}）",
            System.Security.Authentication.AuthenticationException => "TLS 握手失败（平台证书不受信任或客户端证书被拒绝）",
            _ => inner.Message,
        };
    }
}

/// <summary>Why the last server certificate was refused, for the log, the status page and <c>gateway check</c>.</summary>
public sealed class TrustRefusals
{
    public string? Last { get; set; }
}
