namespace CreditShare.Core.Tests;

public class ProvincialTimeTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Theory]
    [InlineData("2026-03-09T15:59:59Z", "2026-03-09")] // 23:59:59 in Beijing
    [InlineData("2026-03-09T16:00:00Z", "2026-03-10")] // midnight in Beijing
    [InlineData("2026-03-10T00:00:00Z", "2026-03-10")]
    [InlineData("2026-03-10T15:59:59Z", "2026-03-10")]
    [InlineData("2024-02-28T16:00:00Z", "2024-02-29")] // a leap day starts at 16:00 UTC the day before
    [InlineData("2025-12-31T16:00:00Z", "2026-01-01")]
    public void Today_is_the_day_in_Beijing(string utc, string day)
    {
        var at = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), ProvincialTime.Today(new FixedClock(at)));
        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), ProvincialTime.DateOf(at.ToOffset(TimeSpan.FromHours(-5))));
    }

    [Fact]
    public void Beijing_time_is_the_same_instant_at_plus_eight_all_year()
    {
        foreach (var at in new[] { new DateTimeOffset(2026, 1, 15, 3, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 15, 3, 0, 0, TimeSpan.Zero) })
        {
            var beijing = ProvincialTime.ToBeijing(at);
            Assert.Equal(at, beijing);
            Assert.Equal(TimeSpan.FromHours(8), beijing.Offset);
            Assert.Equal(11, beijing.Hour);
        }

        Assert.Null(ProvincialTime.ToBeijing((DateTimeOffset?)null));
        Assert.Equal(TimeSpan.FromHours(8), ProvincialTime.ToBeijing((DateTimeOffset?)DateTimeOffset.UnixEpoch)?.Offset);
    }

    [Fact]
    public void A_day_starts_at_midnight_in_Beijing_which_is_16_00_UTC_the_day_before()
    {
        var day = new DateOnly(2024, 2, 29);
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.FromHours(8)), ProvincialTime.StartOfDay(day));
        var utc = ProvincialTime.StartOfDayUtc(day);
        Assert.Equal(TimeSpan.Zero, utc.Offset);
        Assert.Equal(new DateTimeOffset(2024, 2, 28, 16, 0, 0, TimeSpan.Zero), utc);
        Assert.Equal(day, ProvincialTime.DateOf(utc));
        Assert.Equal(day.AddDays(-1), ProvincialTime.DateOf(utc.AddTicks(-1)));
    }
}
