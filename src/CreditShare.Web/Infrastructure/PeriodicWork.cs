namespace CreditShare.Web.Infrastructure;

/// <summary>
/// The loop of a background service: the work runs at once, then every period on the app's clock (a test moves it),
/// until the host stops. A failed run is logged and the loop goes on — a background service that died on one database
/// hiccup would silently stop delivering, announcing or chaining until the next restart.
/// </summary>
public static class PeriodicWork
{
    /// <summary>
    /// Runs <paramref name="work"/> now and every <paramref name="period"/> (counted from the start: a run longer than
    /// the period is followed by the next at once, never by two) until <paramref name="stoppingToken"/> is cancelled.
    /// </summary>
    public static async Task RunAsync(TimeSpan period, TimeProvider time, ILogger logger, string what, Func<CancellationToken, Task> work,
        CancellationToken stoppingToken)
    {
        // Created first, so that the period counts from start-up however long the first run takes.
        using var timer = new PeriodicTimer(period, time);
        do
        {
            try
            {
                await work(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{Work} failed", what);
            }
        }
        while (await NextAsync(timer, stoppingToken));
    }

    private static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            var ticked = await timer.WaitForNextTickAsync(stoppingToken);
            // Off the timer's callback before the work runs. A test's FakeTimeProvider moved by months in one step fires
            // every period of that step from inside the step; run inline, work that completes synchronously (SQLite's
            // "async" calls do) ran once per period — millions of webhook rounds for a jump of half a year — where the
            // ticks should fold into one, as they do on PostgreSQL. On the real clock this costs one thread-pool hop.
            await Task.Yield();
            return ticked;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
