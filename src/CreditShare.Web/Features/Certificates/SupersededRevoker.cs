using CreditShare.Web.Infrastructure;

namespace CreditShare.Web.Features.Certificates;

/// <summary>
/// Revokes renewed certificates once their overlap ends (<see cref="IssuedCertificate.RevokeAfter"/>), so an old key
/// stops working and the CRL and OCSP say "superseded" without anyone having to remember it.
/// </summary>
public sealed class SupersededRevoker(IServiceScopeFactory scopes, TimeProvider time, ILogger<SupersededRevoker> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(10);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(Every, time, logger, "Revoking superseded certificates", RevokeDueAsync, stoppingToken);

    /// <summary>Revokes every certificate whose overlap has ended and returns how many.</summary>
    public async Task<int> RevokeDueAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var revoked = await scope.ServiceProvider.GetRequiredService<CertificateService>().RevokeSupersededAsync(time.GetUtcNow(), cancellationToken);
        if (revoked > 0)
        {
            logger.LogInformation("Revoked {Count} superseded certificates", revoked);
        }

        return revoked;
    }
}
