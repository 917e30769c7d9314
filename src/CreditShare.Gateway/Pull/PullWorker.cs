using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CreditShare.Core.Contract;
using CreditShare.Gateway.Delivery;
using CreditShare.Gateway.Operations;

namespace CreditShare.Gateway.Pull;

/// <summary>A grant as <c>GET /api/v1/shared/grants</c> lists it (the platform's GrantView; only what pull mode needs).</summary>
public sealed record PulledGrant(string Category, IReadOnlyList<string> Fields, DateOnly ValidFrom, DateOnly ValidTo);

/// <summary>
/// Pull mode for a data-user unit (art. 10): follows the sharing change feed and keeps the unit's local copy
/// (<see cref="LocalCopy"/>) equal to its granted data. Pages through while the platform says there is more, then waits
/// <see cref="PullOptions.PollSeconds"/>. A failure is logged and shown on the status page in Chinese and retried with
/// backoff; the cursor only ever moves in the transaction that applied the page before it.
/// </summary>
public sealed class PullWorker(PlatformClient platform, GatewayOptions options, GatewayStatus status, TimeProvider time, ILogger<PullWorker> logger)
    : BackgroundService
{
    /// <summary>The status page's alarm while pulling fails.</summary>
    public const string AlarmKey = "pull";

    /// <summary>The status page's alarm while the unit has no grant in force.</summary>
    public const string NoGrantAlarmKey = "pull.no_grant";

    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private readonly PullOptions pull = options.Pull ?? throw new InvalidOperationException("Pull mode is registered only when configured.");
    private readonly LocalCopy copy = new(options.Pull!);
    private int failures;

    /// <summary>Changes per request (the platform takes up to 1,000); tests make it small to stop between pages.</summary>
    internal int PageSize { get; set; } = 500;

    /// <summary>Runs inside the page's transaction just before it commits: tests throw here to simulate a kill.</summary>
    internal Func<ChangePage, Task>? BeforeCommit { get; set; }

    public LocalCopy Copy => copy;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = await RunOnceAsync(stoppingToken);
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One poll with its error handling, as the loop runs it; returns how long to wait before the next.</summary>
    public async Task<TimeSpan> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var applied = await PullOnceAsync(cancellationToken);
            failures = 0;
            status.Clear(AlarmKey);
            status.Succeeded();
            if (applied > 0)
            {
                logger.LogInformation("pull mode applied {Count} changes to the local copy", applied);
            }

            return TimeSpan.FromSeconds(Math.Max(1, pull.PollSeconds));
        }
        catch (PullException e) when (!cancellationToken.IsCancellationRequested)
        {
            failures++;
            var wait = Backoff(failures);
            logger.LogError(e.InnerException, "共享数据接收失败（第{Failures}次），{Seconds}秒后重试：{Reason}", failures, (int)wait.TotalSeconds, e.Message);
            status.Raise(AlarmKey, "共享数据接收：" + e.Message);
            status.Failed("共享数据接收：" + e.Message);
            return wait;
        }
    }

    /// <summary>Pages through the feed until the platform has nothing more; returns the number of changes applied.</summary>
    public async Task<int> PullOnceAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var (applied, hasMore) = await PullPageAsync(cancellationToken);
            total += applied;
            if (!hasMore)
            {
                return total;
            }
        }
    }

    /// <summary>
    /// One page: the grants in force, the page after the stored cursor, and both applied with the new cursor in one
    /// local transaction. A change of grants (or a cursor the platform no longer accepts) starts a rebuild from the start.
    /// </summary>
    public async Task<(int Applied, bool HasMore)> PullPageAsync(CancellationToken cancellationToken)
    {
        var grants = await GrantsAsync(cancellationToken);
        if (grants.ByCategory.Count == 0)
        {
            status.Raise(NoGrantAlarmKey, "共享数据接收：本单位当前没有在有效期内的共享授权，本地副本已清空；请向信用中心申请共享授权");
        }
        else
        {
            status.Clear(NoGrantAlarmKey);
        }

        var cursor = await LocalAsync(() => copy.ReadCursorAsync(cancellationToken));
        var restart = !cursor.Exists || !cursor.Grants.SameAs(grants);
        if (restart && cursor.Exists)
        {
            logger.LogWarning("本单位的共享授权有变化，本地副本从头重建（授权：{Grants}）", grants.ToJson());
        }

        var page = await ChangesAsync(restart ? null : cursor.Position, cancellationToken);
        if (page is null)
        {
            logger.LogWarning("平台不再接受本地保存的游标，本地副本从头重建");
            restart = true;
            page = await ChangesAsync(null, cancellationToken) ?? throw new PullException("平台拒绝了从头读取的请求");
        }

        var applied = await LocalAsync(() => copy.ApplyAsync(cursor, grants, restart, page, time.GetUtcNow(), BeforeCommit, cancellationToken));
        return (applied, page.HasMore);
    }

    private async Task<GrantedFields> GrantsAsync(CancellationToken cancellationToken)
    {
        var (code, serverTime, body) = await CallAsync("api/v1/shared/grants", cancellationToken);
        if (code != HttpStatusCode.OK)
        {
            throw Refusal(code, body, "读取本单位共享授权");
        }

        var grants = Read<List<PulledGrant>>(body, "共享授权");
        // The platform's date decides which grants are in force (the platform's own rule: ValidFrom ≤ today ≤ ValidTo, Beijing time).
        var today = DateOnly.FromDateTime((serverTime ?? time.GetUtcNow()).ToOffset(ChinaOffset).DateTime);
        return new GrantedFields(grants.Where(g => g.ValidFrom <= today && g.ValidTo >= today).GroupBy(g => g.Category)
            .Select(g => KeyValuePair.Create(g.Key, new SortedSet<string>(g.SelectMany(x => x.Fields), StringComparer.Ordinal))));
    }

    /// <summary>The page after <paramref name="after"/>, or null when the platform refuses the cursor itself (it then has to be rebuilt from the start).</summary>
    private async Task<ChangePage?> ChangesAsync(string? after, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"api/v1/shared/changes?purpose={Uri.EscapeDataString(pull.Purpose.Trim())}&limit={PageSize}")
            + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
        var (code, _, body) = await CallAsync(path, cancellationToken);
        if (code == HttpStatusCode.BadRequest && PlatformClient.ReadProblem(body) is { } problem && problem.Errors.Any(e => e.Code.StartsWith("cursor.", StringComparison.Ordinal)))
        {
            return null;
        }

        return code == HttpStatusCode.OK ? Read<ChangePage>(body, "变更") : throw Refusal(code, body, "读取共享数据变更");
    }

    private async Task<(HttpStatusCode Status, DateTimeOffset? ServerTime, string Body)> CallAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await platform.GetAsync(path, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new PullException($"无法连接平台：{PlatformClient.Describe(e)}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PullException("平台在规定时间内没有应答", e);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException e)
        {
            throw new PullException("连续多次连接平台失败，暂停片刻后再试", e);
        }
        catch (Polly.Timeout.TimeoutRejectedException e)
        {
            throw new PullException("平台在规定时间内没有应答", e);
        }
    }

    private static PullException Refusal(HttpStatusCode code, string body, string what)
    {
        var problem = PlatformClient.ReadProblem(body);
        var reason = problem is null ? "" : $"：{problem.Title}{(problem.Detail is { Length: > 0 } d ? "，" + d : "")}{(problem.Code is { Length: > 0 } c ? $"（{c}）" : "")}";
        return code switch
        {
            HttpStatusCode.Unauthorized => new PullException($"{what}被拒绝（HTTP 401）：平台不认可本前置机的证书，请确认证书已在平台登记且未吊销{reason}"),
            HttpStatusCode.Forbidden when problem?.Code == "sharing.not_data_user" =>
                new PullException($"{what}被拒绝（HTTP 403）：本单位不是数据使用单位，不能接收共享数据；请确认前置机证书属于数据使用单位{reason}"),
            HttpStatusCode.Forbidden => new PullException($"{what}被拒绝（HTTP 403）{reason}"),
            HttpStatusCode.BadRequest => new PullException($"{what}的请求不被平台接受（HTTP 400），请检查 Pull:Purpose 等配置{reason}"),
            _ when (int)code >= 500 => new PullException($"平台暂时无法处理{what}（HTTP {(int)code}）{reason}"),
            _ => new PullException($"{what}失败（HTTP {(int)code}）{reason}"),
        };
    }

    private static T Read<T>(string body, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, WireJson.Options) ?? throw new PullException($"平台返回的{what}为空");
        }
        catch (JsonException e)
        {
            throw new PullException($"平台返回的{what}无法解析", e);
        }
    }

    /// <summary>Local failures (database down, disk full, folder not writable) in words; the page was rolled back.</summary>
    private async Task<T> LocalAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (DbException e)
        {
            throw new PullException($"本地共享副本数据库（{pull.Provider}）出错：{e.Message}；本页变更未写入，游标未移动", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PullException($"写本地 JSON 文件失败（{pull.JsonDirectory}）：{e.Message}；本页变更未写入，游标未移动", e);
        }
    }

    /// <summary>Exponential from 5 s to the configured longest wait, with jitter so that many gateways do not return at once.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var cap = Math.Max(5, options.Spool.MaxRetryDelaySeconds);
        var seconds = Math.Min(cap, 5 * Math.Pow(2, Math.Min(attempt - 1, 16)));
        return TimeSpan.FromSeconds(seconds * (System.Security.Cryptography.RandomNumberGenerator.GetInt32(800, 1201) / 1000.0));
    }
}
