using System.Collections.Concurrent;
using System.Threading.Channels;
using CreditShare.Web.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CreditShare.Web.Tests.Infrastructure;

/// <summary>The background services' loop: at once, then every period on the app's clock; a failure is logged and the loop goes on; stopping ends it.</summary>
public sealed class PeriodicWorkTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Runs_at_once_then_every_period_survives_a_failed_run_and_ends_when_stopped()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var logger = new Collector();
        var runs = Channel.CreateUnbounded<int>();
        var count = 0;
        using var stopping = new CancellationTokenSource();
        var loop = PeriodicWork.RunAsync(TimeSpan.FromMinutes(5), clock, logger, "Test work", async token =>
        {
            var run = Interlocked.Increment(ref count);
            await runs.Writer.WriteAsync(run, token);
            if (run == 2)
            {
                throw new InvalidOperationException("database hiccup");
            }
        }, stopping.Token);

        Assert.Equal(1, await runs.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(runs.Reader.TryRead(out _), "no run before the period is over");
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, await runs.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        // The second run failed: logged, and the loop goes on.
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, await runs.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        var error = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("Test work failed", error.Message);
        Assert.IsType<InvalidOperationException>(error.Exception);

        await stopping.CancelAsync();
        await loop.WaitAsync(Wait);
        Assert.True(loop.IsCompletedSuccessfully);
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.False(runs.Reader.TryRead(out _), "no run after stopping");
    }

    [Fact]
    public async Task A_jump_of_half_a_year_runs_the_work_once_more_not_once_per_period()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var runs = Channel.CreateUnbounded<int>();
        var count = 0;
        using var stopping = new CancellationTokenSource();
        var loop = PeriodicWork.RunAsync(TimeSpan.FromSeconds(5), clock, new Collector(), "Webhook round", async token =>
        {
            await runs.Writer.WriteAsync(Interlocked.Increment(ref count), token);
            // Work that reads the clock while the test moves it, as every round does.
            _ = clock.GetUtcNow();
            await Task.Yield();
        }, stopping.Token);

        Assert.Equal(1, await runs.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        // 181 days of 5-second periods (3 million) in one step: one more run, then the next one period later.
        clock.Advance(TimeSpan.FromDays(181));
        Assert.Equal(2, await runs.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, await runs.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.False(runs.Reader.TryRead(out var more), $"run {more} came without the clock moving");

        await stopping.CancelAsync();
        await loop.WaitAsync(Wait);
    }

    [Fact]
    public async Task Work_cancelled_by_stopping_ends_the_loop_quietly()
    {
        var clock = new FakeTimeProvider();
        var logger = new Collector();
        using var stopping = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var loop = PeriodicWork.RunAsync(TimeSpan.FromMinutes(1), clock, logger, "Long work", async token =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        }, stopping.Token);

        await started.Task.WaitAsync(Wait);
        await stopping.CancelAsync();
        await loop.WaitAsync(Wait);
        Assert.True(loop.IsCompletedSuccessfully);
        Assert.Empty(logger.Entries);
    }

    private sealed class Collector : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
