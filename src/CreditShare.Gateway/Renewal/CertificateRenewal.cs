using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Contract;
using CreditShare.Core.Credentials;
using CreditShare.Gateway.Delivery;
using CreditShare.Gateway.Operations;

namespace CreditShare.Gateway.Renewal;

/// <summary>What one renewal attempt came to.</summary>
public abstract record RenewalOutcome
{
    public sealed record Renewed(string OldSerial, string NewSerial, DateTimeOffset NotAfter, DateTimeOffset OldRevokedAfter) : RenewalOutcome;

    /// <summary><paramref name="Reason"/> in Chinese, for the alarm, the log and <c>gateway renew</c>.</summary>
    public sealed record Failed(string Reason) : RenewalOutcome;
}

/// <summary>
/// Renews the gateway's own certificate (附4) at <c>POST /api/v1/machine/certificate/renewal</c>, over the mutual TLS
/// it already uses: a new key of the same kind made here (it never leaves the machine), a PKCS#10 request with the same
/// subject, and that request signed with the old key as proof. The new pair is written in the configured form
/// (<see cref="CredentialFiles"/> says in what order, and why a kill at any point leaves a usable pair), read back from
/// disk and used for the next requests. A failure raises the <see cref="AlarmKey"/> alarm with the platform's reason.
/// </summary>
public sealed class CertificateRenewal(GatewayOptions options, ClientCertificate certificate, PlatformClient platform, X509CaAnchor ca,
    TrustRefusals refusals, GatewayStatus status, ILogger<CertificateRenewal> logger) : IDisposable
{
    public const string AlarmKey = "renewal";

    public const string RenewalPath = "api/v1/machine/certificate/renewal";

    private readonly SemaphoreSlim one = new(1, 1);

    public async Task<RenewalOutcome> RenewAsync(CancellationToken cancellationToken)
    {
        await one.WaitAsync(cancellationToken);
        try
        {
            RenewalOutcome outcome;
            try
            {
                outcome = await AttemptAsync(cancellationToken);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Whatever else went wrong is an alarm and a retry too: the loop must not stop the gateway.
                outcome = new RenewalOutcome.Failed($"更换过程出错：{e.Message}");
            }

            switch (outcome)
            {
                case RenewalOutcome.Renewed renewed:
                    status.CertificateNotAfter = renewed.NotAfter;
                    status.Clear(AlarmKey);
                    status.Clear(Heartbeat.ExpiryAlarmKey);
                    logger.LogInformation("certificate renewed: {OldSerial} -> {NewSerial}, valid until {NotAfter:O}; the old one is revoked after {RevokedAfter:O}",
                        renewed.OldSerial, renewed.NewSerial, renewed.NotAfter, renewed.OldRevokedAfter);
                    break;
                case RenewalOutcome.Failed failed:
                    status.Raise(AlarmKey, "前置机证书自动更换失败：" + failed.Reason);
                    logger.LogWarning("certificate renewal failed: {Reason}", failed.Reason);
                    break;
            }

            return outcome;
        }
        finally
        {
            one.Release();
        }
    }

    private async Task<RenewalOutcome> AttemptAsync(CancellationToken cancellationToken)
    {
        var files = new CredentialFiles(options.Platform);
        var old = certificate.Current;
        AsymmetricAlgorithm key;
        try
        {
            // On disk before the request leaves (CredentialFiles, step 1).
            key = files.PendingKeyFor(old);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return new RenewalOutcome.Failed($"无法在本机生成或保存新密钥（{files.PendingKeyPath}）：{e.Message}");
        }

        using (key)
        {
            var der = KeyKind.SigningRequest(old, key);
            var body = new RenewalRequest(PemEncoding.WriteString("CERTIFICATE REQUEST", der), Convert.ToBase64String(RenewalProof.Sign(old, der)));
            HttpStatusCode answered;
            string text;
            try
            {
                (answered, text) = await platform.PostForTextAsync(RenewalPath, body, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                return new RenewalOutcome.Failed($"无法连接平台：{refusals.Last ?? PlatformClient.Describe(e)}");
            }
            catch (Exception e) when (e is TaskCanceledException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
            {
                return new RenewalOutcome.Failed("平台在规定时间内没有应答");
            }

            if ((int)answered is < 200 or > 299)
            {
                return new RenewalOutcome.Failed(Refusal(answered, text));
            }

            RenewedCertificate answer;
            X509Certificate2 issued;
            try
            {
                answer = JsonSerializer.Deserialize<RenewedCertificate>(text, WireJson.Options) ?? throw new JsonException("empty");
                issued = X509Certificate2.CreateFromPem(answer.CertificatePem);
            }
            catch (Exception e) when (e is JsonException or CryptographicException or ArgumentException)
            {
                return new RenewalOutcome.Failed($"平台的应答无法解析：{e.Message}");
            }

            using (issued)
            {
                if (!CredentialFiles.SamePublicKey(issued, key))
                {
                    return new RenewalOutcome.Failed($"平台签发的新证书（{issued.SerialNumber}）与本机生成的新密钥不符，未使用");
                }

                if (!ChainsToCa(issued))
                {
                    return new RenewalOutcome.Failed($"平台签发的新证书（{issued.SerialNumber}）不是由所配置的平台 CA 签发，未使用");
                }

                try
                {
                    files.Install(issued, key);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
                {
                    // The certificate is public: in the log, an operator can still save it next to the pending key.
                    logger.LogError("the renewed certificate could not be written; it is:\n{Pem}", issued.ExportCertificatePem());
                    return new RenewalOutcome.Failed($"平台已签发新证书（{issued.SerialNumber}），但无法写入本机（{e.Message}）：新证书已记入日志，"
                        + $"新私钥在 {files.PendingKeyPath}；原证书在 {Beijing(answer.OldRevokedAfter)} 前仍可使用");
                }
            }

            // Read back from disk: what a restart would use is what is used from now on.
            var fresh = GatewayConfiguration.LoadClientCertificate(options.Platform);
            certificate.Replace(fresh);
            return new RenewalOutcome.Renewed(old.SerialNumber, fresh.SerialNumber, fresh.NotAfter.ToUniversalTime(), answer.OldRevokedAfter);
        }
    }

    public void Dispose() => one.Dispose();

    /// <summary>The platform's reason from its problem+json: the field errors if any, else its detail.</summary>
    private static string Refusal(HttpStatusCode answered, string text)
    {
        if (PlatformClient.ReadProblem(text) is not { Title: { Length: > 0 } title } problem)
        {
            return $"平台拒绝了更换请求（HTTP {(int)answered}）";
        }

        var why = problem.Errors is { Count: > 0 } errors ? string.Join("；", errors.Select(e => e.Message)) : problem.Detail;
        var reason = $"{title}{(why is { Length: > 0 } ? "：" + why : "")}（HTTP {(int)answered}，{problem.Code}）";
        return problem.Code == "renewal.already_renewed"
            ? reason + "。本机没有平台已签发的新证书（上次更换在收到应答前中断）：原证书在重叠期内仍可使用，请尽快联系信用中心为本前置机重新签发证书"
            : reason;
    }

    /// <summary>Chains to the configured CA; dates are not judged here (the gateway's clock may be off; the platform's TLS decides).</summary>
    private bool ChainsToCa(X509Certificate2 issued)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(issued);
    }

    public static string Beijing(DateTimeOffset at) => ProvincialTime.ToBeijing(at).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What <c>gateway renew</c> prints.</summary>
    public static IReadOnlyList<string> Describe(RenewalOutcome outcome, GatewayOptions options) => outcome switch
    {
        RenewalOutcome.Renewed r =>
        [
            $"✓ 证书已更换：新证书序列号 {r.NewSerial}，有效期至 {Beijing(r.NotAfter)}（北京时间）",
            $"  原证书 {r.OldSerial} 将于 {Beijing(r.OldRevokedAfter)} 注销，此前仍可使用",
            $"  新证书与私钥已写入 {string.Join("、", new CredentialFiles(options.Platform).CurrentPaths)}；原来的保留为同名 .previous 文件",
            "  正在运行的前置机服务会在一小时内自动改用新证书（重启服务则立即生效）",
        ],
        RenewalOutcome.Failed f => [$"✗ 证书未更换：{f.Reason}", "  原证书与私钥未改动"],
        _ => [],
    };
}
