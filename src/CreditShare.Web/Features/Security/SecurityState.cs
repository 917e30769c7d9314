using System.Net;
using CreditShare.Core.Security;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Security;

/// <summary>
/// What this instance enforces: the blacklist decisions in force and the services closed, as read from the database at
/// the last synchronisation (every <see cref="SecurityOptions.SyncIntervalMilliseconds"/>, and at once on PostgreSQL
/// when another instance notifies a change). Requests consult it without touching the database.
/// </summary>
public sealed class SecurityState
{
    private readonly TimeProvider time;
    private readonly List<IPNetwork> allowList;
    private volatile Snapshot current = Snapshot.Empty;

    public SecurityState(TimeProvider time, IOptions<SecurityOptions> options, IOptions<ReverseProxyOptions> proxies)
    {
        this.time = time;
        List<IPNetwork> allowed = [.. proxies.Value.Networks()];
        foreach (var entry in options.Value.AllowList)
        {
            allowed.Add(AddressRange.TryParse(entry, out var range, out var error, anyPrefix: true)
                ? range.Network
                : throw new InvalidOperationException($"Security:AllowList: {error}"));
        }

        allowList = allowed;
        ReviewContact = options.Value.ReviewContact;
    }

    public string ReviewContact { get; }

    /// <summary>The configured proxies, gateways, kiosks and the center's networks: never blocked, whatever is recorded.</summary>
    public bool IsAllowListed(IPAddress? address) => address is not null && allowList.Any(n => n.Contains(AddressRange.Normalise(address)));

    public bool IsAllowListed(string entry) =>
        AddressRange.TryParse(entry, out var range, out _, anyPrefix: true) && allowList.Any(n => n.Contains(range.Network.BaseAddress));

    /// <summary>The decision that refuses this address now, if any (simulated decisions refuse nobody).</summary>
    public AddressBlock? BlockOf(IPAddress? address)
    {
        var snapshot = current;
        if (address is null || snapshot.IsEmpty || IsAllowListed(address))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var normalised = AddressRange.Normalise(address);
        if (snapshot.Singles.TryGetValue(normalised.ToString(), out var single) && single.ExpiresAt > now)
        {
            return single;
        }

        foreach (var (range, block) in snapshot.Ranges)
        {
            if (block.ExpiresAt > now && range.Contains(normalised))
            {
                return block;
            }
        }

        return null;
    }

    public bool IsClosed(SwitchedService service) => current.Closed.Contains(service);

    /// <summary>Decisions in force (as of the last read) against addresses on the allow-list: to be lifted.</summary>
    public IReadOnlyList<AddressBlock> AllowListedInForce() =>
        allowList.Count == 0 ? [] : [.. current.All.Where(b => IsAllowListed(b.Address))];

    public IReadOnlySet<SwitchedService> Closed => current.Closed;

    /// <summary>Reads the decisions and switches in force.</summary>
    public async Task RefreshAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var blocks = await db.AddressBlocks.AsNoTracking()
            .Where(b => b.ExpiresAt > now && b.Review != BlockReviews.Lifted && !b.Simulated).ToListAsync(cancellationToken);
        var closed = await db.ServiceSwitches.AsNoTracking().Where(s => s.Closed).Select(s => s.Service).ToListAsync(cancellationToken);
        Dictionary<string, AddressBlock> singles = [];
        List<(AddressRange, AddressBlock)> ranges = [];
        foreach (var block in blocks)
        {
            if (!AddressRange.TryParse(block.Address, out var range, out _, anyPrefix: true))
            {
                continue;
            }

            if (range.IsSingle)
            {
                // The longest-lasting decision of an address is the one to show.
                if (!singles.TryGetValue(range.ToString(), out var known) || known.ExpiresAt < block.ExpiresAt)
                {
                    singles[range.ToString()] = block;
                }
            }
            else
            {
                ranges.Add((range, block));
            }
        }

        var services = closed.Select(s => SwitchedServices.TryParse(s, out var service) ? service : (SwitchedService?)null).OfType<SwitchedService>().ToHashSet();
        current = new Snapshot(singles, ranges, services, blocks);
    }

    private sealed record Snapshot(
        IReadOnlyDictionary<string, AddressBlock> Singles, IReadOnlyList<(AddressRange Range, AddressBlock Block)> Ranges, IReadOnlySet<SwitchedService> Closed,
        IReadOnlyList<AddressBlock> All)
    {
        public static Snapshot Empty { get; } = new(new Dictionary<string, AddressBlock>(), [], new HashSet<SwitchedService>(), []);

        public bool IsEmpty => Singles.Count == 0 && Ranges.Count == 0;
    }
}
