using CreditShare.Core.Reporting;

namespace CreditShare.Core.Tests.Catalog;

public class ReportingPeriodsTests
{
    [Fact]
    public void Monthly_periods_are_due_on_the_deadline_day_of_the_next_month()
    {
        var period = ReportingPeriods.Containing(ReportingFrequency.Monthly, 10, new DateOnly(2026, 11, 27))!.Value;
        Assert.Equal(new ReportingPeriod(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 10)), period);
    }

    [Fact]
    public void Weekly_periods_run_monday_to_sunday_and_are_due_on_the_given_weekday_after()
    {
        // 2026-11-27 is a Friday.
        var period = ReportingPeriods.Containing(ReportingFrequency.Weekly, 2, new DateOnly(2026, 11, 27))!.Value;
        Assert.Equal(new ReportingPeriod(new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 29), new DateOnly(2026, 12, 1)), period);
    }

    [Fact]
    public void Closed_periods_are_the_ones_whose_deadline_has_passed()
    {
        var closed = ReportingPeriods.Closed(ReportingFrequency.Monthly, 10, new DateOnly(2026, 11, 27), 3).ToList();
        Assert.Equal([new DateOnly(2026, 10, 1), new DateOnly(2026, 9, 1), new DateOnly(2026, 8, 1)], closed.Select(p => p.Start));
        Assert.Empty(ReportingPeriods.Closed(ReportingFrequency.RealTime, 0, new DateOnly(2026, 11, 27), 3));
    }

    [Theory]
    [InlineData(ReportingFrequency.Weekly, 0)]
    [InlineData(ReportingFrequency.Weekly, 8)]
    [InlineData(ReportingFrequency.Monthly, 29)]
    public void Impossible_deadline_days_are_refused(ReportingFrequency frequency, int day) =>
        Assert.Equal("schedule.deadline_day", Assert.Single(ReportingPeriods.Check(frequency, day)).Code);

    [Fact]
    public void An_early_month_batch_counts_for_the_previous_month_only()
    {
        var closed = ReportingPeriods.Closed(ReportingFrequency.Monthly, 10, new DateOnly(2027, 1, 11), 2).ToList();
        var (december, november) = (closed[0], closed[1]);

        // 3 December lies in November's window (to 10 December) and in December's: it counts once, for November.
        var met = ReportingPeriods.Met(closed, [new DateOnly(2026, 12, 3)]);
        Assert.Equal([november], met);

        // A second batch in the overlap counts for the next open period; one after November's deadline only for December.
        Assert.Equal(2, ReportingPeriods.Met(closed, [new DateOnly(2026, 12, 3), new DateOnly(2026, 12, 5)]).Count);
        Assert.Equal([december], ReportingPeriods.Met(closed, [new DateOnly(2026, 12, 11), new DateOnly(2026, 12, 20)]));
        Assert.Empty(ReportingPeriods.Met(closed, [new DateOnly(2026, 10, 31), new DateOnly(2027, 1, 11)]));
    }
}
