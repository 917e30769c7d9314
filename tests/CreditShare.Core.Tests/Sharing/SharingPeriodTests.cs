using CreditShare.Core.Catalog;
using CreditShare.Core.Sharing;

namespace CreditShare.Core.Tests.Sharing;

public class SharingPeriodTests
{
    private static CategoryDefinition Category(PeriodRule rule) => SharingCatalogs.Category with { SharingPeriod = rule };

    private static readonly Dictionary<string, string> NoValues = [];

    [Theory]
    [InlineData("2026-03-10", 60, "2031-03-09")]
    [InlineData("2026-01-01", 12, "2026-12-31")]
    [InlineData("2024-02-29", 12, "2025-02-27")] // a leap day plus a year is the 28th; the period ends the day before
    [InlineData("2024-02-29", 48, "2028-02-28")]
    [InlineData("2026-01-31", 1, "2026-02-27")]
    [InlineData("2026-03-31", 1, "2026-04-29")]
    public void The_sharing_period_runs_from_the_decision_date_for_the_months_of_the_category(string decision, int months, string end) =>
        Assert.Equal(Date(end), SharingPeriod.End(Category(new PeriodRule { DefaultMonths = months }), NoValues, Date(decision)));

    [Fact]
    public void Without_a_decision_date_there_is_no_end() => Assert.Null(SharingPeriod.End(SharingCatalogs.Category, NoValues, null));

    [Fact]
    public void The_longest_period_of_the_values_applies()
    {
        var rule = new PeriodRule { DefaultMonths = 12, ByField = "CFLB", MonthsByValue = new Dictionary<string, int> { ["罚款"] = 36 } };
        Assert.Equal(Date("2029-03-09"), SharingPeriod.End(Category(rule), new Dictionary<string, string> { ["CFLB"] = "警告；罚款" }, Date("2026-03-10")));
    }

    [Fact]
    public void The_end_day_is_still_shared_and_the_day_after_is_not()
    {
        var end = Date("2026-03-10");
        Assert.True(SharingPeriod.IsShared(end, end.AddDays(-1)));
        Assert.True(SharingPeriod.IsShared(end, end));
        Assert.False(SharingPeriod.IsShared(end, end.AddDays(1)));
        Assert.True(SharingPeriod.IsOver(end, end.AddDays(1)));
        Assert.False(SharingPeriod.IsOver(null, DateOnly.MaxValue));
    }

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
