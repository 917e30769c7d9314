using CreditShare.Core.Contract;
using CreditShare.Gateway.Folders;
using CreditShare.Gateway.Operations;
using CreditShare.Gateway.Queue;
using CreditShare.Gateway.Receipts;

namespace CreditShare.Gateway.Delivery;

/// <summary>
/// Store and forward: sends the queue's batches one at a time, strictly in the order they were taken, and marks a batch
/// done only in the transaction that stores the platform's answer (at-least-once delivery; the platform's
/// Idempotency-Key makes it exactly once). A failure worth retrying waits with exponential backoff and jitter, however
/// long the platform is away; a refusal is stored as the answer and reported, never retried.
/// </summary>
public sealed class Sender(
    GatewayStore queue, Spool spool, PlatformClient platform, IEnumerable<IFinishedFiles> finishers, GatewayOptions options, GatewayStatus status,
    X509CaAnchor ca, TimeProvider time, ILogger<Sender> logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0);

    /// <summary>Input arrived: look at the queue now rather than at the next poll.</summary>
    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await SendNextAsync(stoppingToken);
            }
            catch (Exception e) when (e is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
            {
                logger.LogError(e, "the sender stopped on a local error; it retries");
                status.Failed($"本地错误：{e.Message}");
                wait = TimeSpan.FromSeconds(5);
            }

            if (wait > TimeSpan.Zero)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(wait, time, timeout.Token);
                await Task.WhenAny(delay, wake.WaitAsync(timeout.Token));
                await timeout.CancelAsync();
            }
        }
    }

    /// <summary>Finishes answered files, then sends the head of the queue; returns how long to wait before the next look.</summary>
    public async Task<TimeSpan> SendNextAsync(CancellationToken cancellationToken)
    {
        FinishAnswered();
        if (queue.NextPending() is not var (file, batch))
        {
            return TimeSpan.FromSeconds(1);
        }

        var now = time.GetUtcNow();
        if (batch.NextAttemptAt is { } next && next > now)
        {
            return next - now;
        }

        var bodyPath = spool.BodyPath(file, batch.Index);
        if (!File.Exists(bodyPath))
        {
            // Someone removed the spool's bytes; the batch cannot be sent, and that is said, not hidden.
            Store(batch, 0, null, null, "{}", GatewayStore.Refused, "暂存区中该批次的内容不见了（被人为删除？），无法报送");
            return TimeSpan.Zero;
        }

        var body = await File.ReadAllBytesAsync(bodyPath, cancellationToken);
        var outcome = await platform.SubmitAsync(file.Category, body, FileSplitter.ContentType(file.Media), batch.IdempotencyKey, cancellationToken);
        switch (outcome)
        {
            case Delivery.Answered answered:
                var digest = ReceiptDigest.OfAnswer(answered.Result);
                var receipt = answered.Receipt;
                if (receipt is not null && ReceiptDigest.Verify(receipt, ca.Certificate) is (var content, var problem) && (content is null || content.AnswerDigest != digest))
                {
                    logger.LogWarning("the receipt for batch {Key} does not check: {Problem}", batch.IdempotencyKey, problem ?? "its answer digest differs");
                    status.Failed($"批次 {batch.IdempotencyKey} 的平台回执校验未通过：{problem ?? "回执所确认的应答与收到的应答不符"}");
                }

                Store(batch, answered.StatusCode, digest, receipt, answered.Body, GatewayStore.Answered, null);
                status.Succeeded();
                status.Clear("platform");
                logger.LogInformation("batch {Key} of {File}: {Accepted} accepted, {Rejected} rejected{Replayed}", batch.IdempotencyKey, file.Name,
                    answered.Result.Accepted, answered.Result.Rejected, answered.Result.Replayed ? " (replayed)" : "");
                return TimeSpan.Zero;
            case Delivery.Refused refused:
                Store(batch, refused.StatusCode, null, null, refused.Body, GatewayStore.Refused,
                    refused.Problem is { } p ? $"{p.Title}：{p.Detail}" : $"HTTP {refused.StatusCode}");
                status.Succeeded();
                logger.LogWarning("batch {Key} of {File} refused by the platform (HTTP {Status}): {Problem}", batch.IdempotencyKey, file.Name, refused.StatusCode,
                    refused.Problem?.Detail ?? refused.Problem?.Title);
                return TimeSpan.Zero;
            case Delivery.Transient transient:
                var delay = Backoff(batch.Attempts);
                queue.RecordAttemptFailure(batch, transient.Error, time.GetUtcNow() + delay);
                status.Failed(transient.Error);
                status.Raise("platform", $"{transient.Error}；积压的数据保存在暂存区，恢复后按顺序补报");
                logger.LogWarning("batch {Key}: {Error}; next attempt in {Delay}", batch.IdempotencyKey, transient.Error, delay);
                return delay;
            default:
                throw new InvalidOperationException("unknown delivery");
        }
    }

    /// <summary>1 s, 2 s, 4 s … up to the configured cap, each between half and all of it so that many gateways do not return in step.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var cap = TimeSpan.FromSeconds(Math.Max(1, options.Spool.MaxRetryDelaySeconds));
        var full = TimeSpan.FromSeconds(Math.Min(cap.TotalSeconds, Math.Pow(2, Math.Min(attempts, 20))));
        return full * (System.Security.Cryptography.RandomNumberGenerator.GetInt32(500, 1001) / 1000.0);
    }

    private void Store(QueuedBatch batch, int statusCode, string? answerDigest, SignedReceipt? receipt, string body, string state, string? error) =>
        queue.InTransaction((c, t) =>
        {
            GatewayStore.Execute(c, t, """
                UPDATE batches SET state = $p0, answer = $p1, status_code = $p2, answered_at = $p3, last_error = COALESCE($p4, last_error), next_attempt_at = NULL
                WHERE file_seq = $p5 AND idx = $p6
                """, state, body, statusCode, GatewayStore.Time(time.GetUtcNow()), error, batch.FileSeq, batch.Index);
            ReceiptChain.Append(c, t, batch, statusCode, answerDigest, receipt, time.GetUtcNow());
            // A source's position (a database mark) moves in the same transaction as the last answer of its block.
            var file = GatewayStore.ReadFiles(c, t, "WHERE seq = $p0", batch.FileSeq).Single();
            var open = GatewayStore.Scalar<long>(c, t, "SELECT COUNT(*) FROM batches WHERE file_seq = $p0 AND state = $p1", batch.FileSeq, GatewayStore.Pending);
            if (open == 0 && file.CommitKey is { } key && file.CommitValue is { } value)
            {
                GatewayStore.SetState(c, t, key, value);
            }
        });

    private void FinishAnswered()
    {
        foreach (var file in queue.FilesToFinish())
        {
            var finisher = finishers.FirstOrDefault(f => f.Owns(file));
            if (finisher is null)
            {
                logger.LogError("no source is configured for {Source}; {File} stays in the queue", file.Source, file.Name);
                continue;
            }

            finisher.Finish(file, queue.Batches(file.Seq));
        }
    }
}

/// <summary>The configured platform CA, loaded once: the anchor for the server certificate and for receipts.</summary>
public sealed class X509CaAnchor(GatewayOptions options) : IDisposable
{
    public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; } =
        System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(options.Platform.CaCertificate));

    public void Dispose() => Certificate.Dispose();
}
