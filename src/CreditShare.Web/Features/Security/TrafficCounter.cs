using System.Net;
using System.Text;
using CreditShare.Core.Security;
using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Security;

/// <summary>
/// Counts what each client address does (<see cref="AccessSignal"/>), in memory and then, every synchronisation, into
/// the shared table <see cref="TrafficCount"/>, so that limits and detections see every instance's traffic. Between two
/// synchronisations an instance knows the totals as of the last one plus its own counts since: a client spreading its
/// requests over instances gets through at most one interval's worth more than the limit.
/// </summary>
public sealed class TrafficCounter(TimeProvider time, IOptions<SecurityOptions> options)
{
    // Everything below is guarded by this lock: a request holds it for a dictionary lookup or two.
    private readonly object gate = new();

    // This instance's counts not yet in the table; those being written now; and every instance's totals as of the last
    // synchronisation (for the addresses this instance has seen). Per address and signal, then per bucket.
    private Dictionary<(string Address, AccessSignal Signal), Dictionary<long, long>> pending = [];
    private HashSet<(string Address, string Subject, long Bucket)> pendingSubjects = [];
    private readonly Dictionary<(string Address, AccessSignal Signal), Dictionary<long, long>> inFlight = [];
    private Dictionary<(string Address, AccessSignal Signal), Dictionary<long, long>> shared = [];

    public int BucketSeconds => Math.Max(1, options.Value.BucketSeconds);

    public static string KeyOf(HttpContext http) => AddressRange.CountingKey(http.Connection.RemoteIpAddress);

    public void Record(HttpContext http, AccessSignal signal) => Record(KeyOf(http), signal);

    public void Record(string address, AccessSignal signal)
    {
        var bucket = BucketOf(time.GetUtcNow());
        lock (gate)
        {
            Add(pending, (address, signal), bucket, 1);
        }
    }

    /// <summary>A subject looked up; <paramref name="subjectHash"/> is a keyed hash of its code, so the table holds no code.</summary>
    public void RecordSubject(IPAddress? address, string subjectHash)
    {
        var bucket = BucketOf(time.GetUtcNow());
        lock (gate)
        {
            pendingSubjects.Add((AddressRange.CountingKey(address), subjectHash, bucket));
        }
    }

    /// <summary>How many of the signal the address gave within the last <paramref name="windowSeconds"/>, over all instances.</summary>
    public long CountWithin(string address, AccessSignal signal, int windowSeconds) => PerBucket(address, signal, windowSeconds).Values.Sum();

    /// <summary>Seconds until the address's count in the window falls to <paramref name="limit"/> or below, if it stops now.</summary>
    public int SecondsUntilBelow(string address, AccessSignal signal, int windowSeconds, int limit)
    {
        var perBucket = PerBucket(address, signal, windowSeconds);
        var total = perBucket.Values.Sum();
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var (bucket, n) in perBucket)
        {
            total -= n;
            if (total <= limit)
            {
                // The bucket leaves the window once the window's first bucket has moved past it.
                return (int)Math.Max(1, bucket + WindowSpan(windowSeconds) - now);
            }
        }

        return Math.Max(1, windowSeconds);
    }

    /// <summary>
    /// Adds this instance's counts to the shared table and reads back the totals of the addresses it has seen; returns
    /// the addresses seen since the last time, for detection. A failure puts the counts back, for the next time.
    /// </summary>
    /// <remarks>
    /// Read back are the addresses this instance has seen and every address whose total in the window reached
    /// <paramref name="heavyFrom"/> on any instance: a client new to this instance but already busy on another is
    /// known here before it gets far (the rest of the table is of no interest to a limit).
    /// </remarks>
    public async Task<IReadOnlyCollection<string>> FlushAsync(AppDbContext db, int readBackSeconds, long heavyFrom, CancellationToken cancellationToken)
    {
        Dictionary<(string Address, AccessSignal Signal), Dictionary<long, long>> counts;
        HashSet<(string Address, string Subject, long Bucket)> subjects;
        lock (gate)
        {
            // An idle instance asks nothing: what it knows ages out of the window by itself, and it reads fresh
            // totals as soon as it counts something again.
            if (pending.Count == 0 && pendingSubjects.Count == 0)
            {
                return [];
            }

            counts = pending;
            subjects = pendingSubjects;
            pending = [];
            pendingSubjects = [];
            Merge(inFlight, counts, +1);
        }

        var addresses = counts.Keys.Select(k => k.Address).Concat(subjects.Select(k => k.Address)).ToHashSet();
        try
        {
            // One transaction: a failure part-way must not leave some chunks added, to be added again next time.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await UpsertCountsAsync(db, counts, cancellationToken);
            await InsertSubjectsAsync(db, subjects, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            lock (gate)
            {
                Merge(inFlight, counts, -1);
                Merge(pending, counts, +1);
                pendingSubjects.UnionWith(subjects);
            }

            throw;
        }

        Dictionary<(string Address, AccessSignal Signal), Dictionary<long, long>>? fresh = null;
        try
        {
            // Addresses seen before keep their totals fresh while they are inside the window.
            List<string> known;
            lock (gate)
            {
                known = shared.Keys.Select(k => k.Address).Concat(addresses).Distinct().ToList();
            }

            var from = FirstBucketOfWindow(readBackSeconds);
            var heavy = await db.TrafficCounts.AsNoTracking().Where(t => t.Bucket >= from)
                .GroupBy(t => new { t.Address, t.Signal }).Where(g => g.Sum(t => t.Count) >= heavyFrom).Select(g => g.Key.Address)
                .Distinct().Take(10_000).ToListAsync(cancellationToken);
            known = [.. known.Union(heavy)];
            fresh = [];
            foreach (var chunk in known.Chunk(500))
            {
                var rows = await db.TrafficCounts.AsNoTracking().Where(t => chunk.Contains(t.Address) && t.Bucket >= from).ToListAsync(cancellationToken);
                foreach (var row in rows)
                {
                    Add(fresh, (row.Address, (AccessSignal)row.Signal), row.Bucket, row.Count);
                }
            }
        }
        finally
        {
            lock (gate)
            {
                // The counts are in the table now: in the fresh totals if they were read back, else kept in the old ones.
                if (fresh is not null)
                {
                    shared = fresh;
                }
                else
                {
                    Merge(shared, counts, +1);
                }

                Merge(inFlight, counts, -1);
            }
        }

        return addresses;
    }

    private SortedDictionary<long, long> PerBucket(string address, AccessSignal signal, int windowSeconds)
    {
        var from = FirstBucketOfWindow(windowSeconds);
        var perBucket = new SortedDictionary<long, long>();
        lock (gate)
        {
            foreach (var source in new[] { shared, inFlight, pending })
            {
                if (source.TryGetValue((address, signal), out var buckets))
                {
                    foreach (var (bucket, n) in buckets)
                    {
                        if (bucket >= from)
                        {
                            perBucket[bucket] = perBucket.GetValueOrDefault(bucket) + n;
                        }
                    }
                }
            }
        }

        return perBucket;
    }

    private static void Add(Dictionary<(string Address, AccessSignal Signal), Dictionary<long, long>> into, (string Address, AccessSignal Signal) key, long bucket, long n)
    {
        if (!into.TryGetValue(key, out var buckets))
        {
            into[key] = buckets = [];
        }

        var total = buckets.GetValueOrDefault(bucket) + n;
        if (total == 0)
        {
            buckets.Remove(bucket);
            if (buckets.Count == 0)
            {
                into.Remove(key);
            }

            return;
        }

        buckets[bucket] = total;
    }

    private static void Merge(Dictionary<(string Address, AccessSignal Signal), Dictionary<long, long>> into, Dictionary<(string Address, AccessSignal Signal), Dictionary<long, long>> counts, int sign)
    {
        foreach (var (key, buckets) in counts)
        {
            foreach (var (bucket, n) in buckets)
            {
                Add(into, key, bucket, sign * n);
            }
        }
    }

    /// <summary>Distinct subjects the address looked up within the window, over all instances (as of the table).</summary>
    public async Task<long> DistinctSubjectsAsync(AppDbContext db, string address, int windowSeconds, CancellationToken cancellationToken)
    {
        var from = FirstBucketOfWindow(windowSeconds);
        return await db.TrafficSubjects.Where(t => t.Address == address && t.Bucket >= from).Select(t => t.SubjectHash).Distinct().LongCountAsync(cancellationToken);
    }

    /// <summary>Drops counts older than every window.</summary>
    public async Task PruneAsync(AppDbContext db, int longestWindowSeconds, CancellationToken cancellationToken)
    {
        var before = FirstBucketOfWindow(longestWindowSeconds) - BucketSeconds;
        await db.TrafficCounts.Where(t => t.Bucket < before).ExecuteDeleteAsync(cancellationToken);
        await db.TrafficSubjects.Where(t => t.Bucket < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The first bucket inside a window ending now.</summary>
    public long FirstBucketOfWindow(int windowSeconds) => BucketOf(time.GetUtcNow()) - WindowSpan(windowSeconds) + BucketSeconds;

    // A window covers whole buckets: one that is no multiple of the bucket is rounded up.
    private long WindowSpan(int windowSeconds) => (Math.Max(windowSeconds, BucketSeconds) + BucketSeconds - 1) / BucketSeconds * BucketSeconds;

    private long BucketOf(DateTimeOffset instant)
    {
        var seconds = instant.ToUnixTimeSeconds();
        return seconds - (((seconds % BucketSeconds) + BucketSeconds) % BucketSeconds);
    }

    // One statement per few hundred rows; the same SQL on SQLite and PostgreSQL (ON CONFLICT … DO UPDATE with excluded).
    private static async Task UpsertCountsAsync(AppDbContext db, Dictionary<(string Address, AccessSignal Signal), Dictionary<long, long>> counts, CancellationToken cancellationToken)
    {
        var rows = counts.SelectMany(c => c.Value.Select(b => (c.Key.Address, c.Key.Signal, Bucket: b.Key, Count: b.Value)));
        foreach (var chunk in rows.Chunk(200))
        {
            var sql = new StringBuilder("INSERT INTO \"TrafficCounts\" (\"Address\", \"Signal\", \"Bucket\", \"Count\") VALUES ");
            var parameters = new List<object>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var (address, signal, bucket, n) = chunk[i];
                sql.Append(i == 0 ? "" : ", ").Append('(').Append(string.Join(", ", Enumerable.Range(parameters.Count, 4).Select(p => "{" + p + "}"))).Append(')');
                parameters.AddRange([address, (int)signal, bucket, n]);
            }

            sql.Append(" ON CONFLICT (\"Address\", \"Signal\", \"Bucket\") DO UPDATE SET \"Count\" = \"TrafficCounts\".\"Count\" + excluded.\"Count\"");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }
    }

    private static async Task InsertSubjectsAsync(AppDbContext db, HashSet<(string Address, string Subject, long Bucket)> subjects, CancellationToken cancellationToken)
    {
        foreach (var chunk in subjects.Chunk(300))
        {
            var sql = new StringBuilder("INSERT INTO \"TrafficSubjects\" (\"Address\", \"SubjectHash\", \"Bucket\") VALUES ");
            var parameters = new List<object>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var (address, subject, bucket) = chunk[i];
                sql.Append(i == 0 ? "" : ", ").Append('(').Append(string.Join(", ", Enumerable.Range(parameters.Count, 3).Select(p => "{" + p + "}"))).Append(')');
                parameters.AddRange([address, subject, bucket]);
            }

            sql.Append(" ON CONFLICT DO NOTHING");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }
    }
}
