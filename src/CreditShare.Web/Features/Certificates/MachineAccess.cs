using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Certificates;

public sealed class ReverseProxyOptions
{
    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/24</c>) of the reverse proxies whose X-Forwarded-For,
    /// X-Forwarded-Proto and client-certificate headers are believed. Empty: nobody's, not even loopback's.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    public string ClientCertificateHeader { get; set; } = "X-Client-Cert";

    /// <summary>The configured proxies as networks; a bad entry stops the start rather than trusting too much or too little.</summary>
    public IReadOnlyList<IPNetwork> Networks() => [.. TrustedProxies.Select(Parse)];

    public bool IsTrusted(IPAddress? address) => address is not null && Networks().Any(n => n.Contains(Unmapped(address)));

    /// <summary>A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.</summary>
    public static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPNetwork Parse(string entry)
    {
        if (IPNetwork.TryParse(entry, out var network))
        {
            return network;
        }

        if (IPAddress.TryParse(entry, out var address))
        {
            address = Unmapped(address);
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        throw new InvalidOperationException($"ReverseProxy:TrustedProxies: \"{entry}\" is neither an IP address nor a network (10.0.0.0/24).");
    }
}

/// <summary>
/// Mutual TLS for units' systems and gateways: Kestrel asks for a client certificate, the certificate handler checks
/// its chain against our CA only, and the database decides on every request whether that certificate is still good.
/// </summary>
public static class MachineAccess
{
    public static IServiceCollection AddMachineAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReverseProxyOptions>(configuration.GetSection("ReverseProxy"));
        services.AddAuthentication().AddCertificate(o =>
        {
            o.AllowedCertificateTypes = CertificateTypes.Chained;
            o.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
            // Revocation is decided by our own table (effective at once), not by fetching CRLs.
            o.RevocationMode = X509RevocationMode.NoCheck;
            o.ValidateValidityPeriod = true;
            o.Events = new CertificateAuthenticationEvents
            {
                OnCertificateValidated = CheckRegisteredAsync,
                OnAuthenticationFailed = async context =>
                {
                    var audit = context.HttpContext.RequestServices.GetRequiredService<AuditWriter>();
                    await audit.WriteAsync(new AuditRecord(AuditEvent.Certificate_Refused, AuditOutcome.Refused) { Detail = "chain_or_validity" });
                    context.Fail("证书无效");
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var problem = Problems.Create(StatusCodes.Status401Unauthorized, "certificate.required", "需要有效的客户端证书",
                        "请使用平台签发的、未过期且未吊销的单位客户端证书通过双向 TLS 访问");
                    await problem.ExecuteAsync(context.HttpContext);
                },
            };
        });
        services.AddOptions<CertificateAuthenticationOptions>(CertificateAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<CertificateAuthorityOptions>>((o, ca) =>
            {
                if (ca.Value.CertificatePath is { } path && File.Exists(path))
                {
                    o.CustomTrustStore.Add(X509Certificate2.CreateFromPem(File.ReadAllText(path)));
                }
            });
        services.AddCertificateForwarding(o =>
        {
            o.CertificateHeader = configuration["ReverseProxy:ClientCertificateHeader"] ?? "X-Client-Cert";
            // nginx's $ssl_client_escaped_cert: URL-encoded PEM.
            o.HeaderConverter = header => X509Certificate2.CreateFromPem(Uri.UnescapeDataString(header));
        });
        return services;
    }

    /// <summary>Only a proxy we trust may tell us which certificate its client presented.</summary>
    public static IApplicationBuilder UseForwardedCertificatesFromTrustedProxies(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.RequestServices.GetRequiredService<IOptions<ReverseProxyOptions>>().Value.IsTrusted(context.Connection.RemoteIpAddress),
            branch => branch.UseCertificateForwarding());

    public static void UseClientCertificates(HttpsConnectionAdapterOptions https)
    {
        https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
        // Kestrel accepts any certificate at the handshake; the certificate handler checks it against our CA and our table.
        https.AllowAnyClientCertificate();
    }

    private static async Task CheckRegisteredAsync(CertificateValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var db = services.GetRequiredService<AppDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var presented = context.ClientCertificate;
        var serial = presented.SerialNumber;
        var thumbprint = CertificateAuthority.Thumbprint(presented);
        var found = await db.IssuedCertificates.AsNoTracking().Where(c => c.SerialNumber == serial)
            .Join(db.Units, c => c.UnitId, u => u.Id, (c, u) => new { Certificate = c, Unit = u })
            .FirstOrDefaultAsync();

        var refusal = found switch
        {
            null => "unknown",
            _ when found.Certificate.Thumbprint != thumbprint => "thumbprint_mismatch",
            _ when found.Certificate.RevokedAt is not null => "revoked",
            _ when found.Certificate.NotAfter <= now || found.Certificate.NotBefore > now => "expired",
            _ when found.Unit.Status != UnitStatus.Active => "unit_suspended",
            _ => null,
        };
        if (refusal is not null)
        {
            var audit = services.GetRequiredService<AuditWriter>();
            await audit.WriteAsync(new AuditRecord(AuditEvent.Certificate_Refused, AuditOutcome.Refused)
            { Target = $"certificate:{serial}", UnitCode = found?.Unit.Uscc, Detail = refusal });
            context.Fail($"certificate {refusal}");
            return;
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, found!.Unit.Uscc),
            new Claim(CurrentUser.UnitClaim, found.Unit.Uscc),
            new Claim(CurrentUser.UnitIdClaim, found.Unit.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(CurrentUser.CertificateSerialClaim, serial),
        ], context.Scheme.Name);
        if (found.Certificate.Purpose == CertificatePurpose.Gateway)
        {
            // From our own record, like every other claim here: a subject that says OU=前置机 proves nothing by itself.
            identity.AddClaim(new Claim(CurrentUser.CertificatePurposeClaim, IssuedCertificateView.PurposeName(CertificatePurpose.Gateway)));
        }

        context.Principal = new ClaimsPrincipal(identity);
        context.Success();
    }
}
