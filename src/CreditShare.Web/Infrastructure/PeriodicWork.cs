namespace CreditShare.Web.Infrastructure;

/// <summary>
/// The loop of a background service: the work runs at once, then every period on the app's clock (a test moves it),
/// until the host stops. A failed run is logged and the loop goes on — a background service that died on one database
/// hiccup would silently stop delivering, announcing or chaining until the next restart.
/// </summary>
public static class PeriodicWork
{
    /// <summary>
    /// Runs <paramref name="work"/> now and then again one <paramref name="period"/> after each run started (a run
    /// longer than the period is followed by the next at once, never by two) until <paramref name="stoppingToken"/> is
    /// cancelled.
    /// </summary>
    public static async Task RunAsync(TimeSpan period, TimeProvider time, ILogger logger, string what, Func<CancellationToken, Task> work,
        CancellationToken stoppingToken)
    {
        do
        {
            var started = time.GetUtcNow();
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

            var next = started + period - time.GetUtcNow();
            if (next > TimeSpan.Zero && !await DelayAsync(next, time, stoppingToken))
            {
                return;
            }
        }
        while (!stoppingToken.IsCancellationRequested);
    }

    // A one-shot timer per round, not a PeriodicTimer: a test's FakeTimeProvider moved by months in one step fires a
    // periodic timer once for every period of the step (3 million times for half a year of 5-second rounds), and work
    // that ran between those firings — on a loaded machine it does — ran that often; the retention test took 10 minutes
    // instead of one second. A one-shot timer fires once however far the clock moves, and the next round is one period
    // from then. The yield takes the work off the timer's callback, so that Advance returns before the work runs.
    private static async Task<bool> DelayAsync(TimeSpan delay, TimeProvider time, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
            await Task.Yield();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
