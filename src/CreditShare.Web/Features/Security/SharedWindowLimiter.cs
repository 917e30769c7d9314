using System.Threading.RateLimiting;
using CreditShare.Core.Security;

namespace CreditShare.Web.Features.Security;

/// <summary>
/// A sliding-window limit over the shared counts of <see cref="TrafficCounter"/>: every attempt counts (also refused
/// ones, so hammering on keeps a client out), and what other instances counted is included as of their last
/// synchronisation. ASP.NET Core's own limiters count per instance (two instances let twice the limit through).
/// </summary>
/// <remarks>
/// With <paramref name="totalLimit"/>, an attempt the address's own window lets through also counts towards a total for
/// every address together (a spray from many addresses); one refused by its own window does not use up the total.
/// </remarks>
public sealed class SharedWindowLimiter(TrafficCounter counter, string address, AccessSignal signal, int limit, int windowSeconds, int? totalLimit = null) : RateLimiter
{
    /// <summary>The key every address's attempts are also counted under, for a total.</summary>
    public const string AllAddresses = "*";

    // Holds no state of its own (the counter does): the partition cache may drop it whenever it likes.
    public override TimeSpan? IdleDuration => TimeSpan.FromDays(1);

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        counter.Record(address, signal);
        if (counter.CountWithin(address, signal, windowSeconds) > limit)
        {
            return new Lease(TimeSpan.FromSeconds(counter.SecondsUntilBelow(address, signal, windowSeconds, limit - 1)));
        }

        if (totalLimit is not { } total)
        {
            return Lease.Granted;
        }

        counter.Record(AllAddresses, signal);
        return counter.CountWithin(AllAddresses, signal, windowSeconds) <= total
            ? Lease.Granted
            : new Lease(TimeSpan.FromSeconds(counter.SecondsUntilBelow(AllAddresses, signal, windowSeconds, total - 1)));
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public static Lease Granted { get; } = new(null);

        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
