using CreditShare.Core.Audit;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Audit;

public static class AuditSetup
{
    public const string MissingKey =
        "Audit:ChainKey must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`): it keys the audit chain and is required outside Development.";

    /// <summary>The chain key (refusing to start without one), the checkpoint writer and its timer, the pending entries' drain.</summary>
    public static IServiceCollection AddAuditChain(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>()
            .Validate(o => AuditChainKey.FromBase64(o.ChainKey) is not null, MissingKey)
            .Validate(o => o.CheckpointInterval > TimeSpan.Zero, "Audit:CheckpointInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton(s => AuditChainKey.FromBase64(s.GetRequiredService<IOptions<AuditOptions>>().Value.ChainKey)
            ?? throw new InvalidOperationException(MissingKey));
        services.AddSingleton<AuditCheckpoints>();
        services.AddHostedService<AuditCheckpointService>();
        services.AddHostedService<AuditOutboxService>();
        return services;
    }

    /// <summary>Makes a throwaway chain key for Development under data/keys (never in the repository).</summary>
    public static IReadOnlyDictionary<string, string?> EnsureDevelopmentKey(string directory)
    {
        var key = Infrastructure.Crypto.KeyFiles.EnsureRandomKeys(Path.Combine(directory, "audit-chain.key"), Core.Crypto.CryptoProfiles.Current.MacKeyBytes)[0];
        return new Dictionary<string, string?> { ["Audit:ChainKey"] = key };
    }
}
