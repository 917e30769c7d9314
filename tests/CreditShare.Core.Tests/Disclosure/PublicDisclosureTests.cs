using CreditShare.Core.Disclosure;

namespace CreditShare.Core.Tests.Disclosure;

public class PublicDisclosureTests
{
    private static readonly DateOnly Decided = new(2026, 3, 10);
    private static readonly DateOnly Ends = new(2027, 3, 9);

    [Theory]
    [InlineData(-1, false)] // the day before the decision
    [InlineData(0, true)] // the decision day
    [InlineData(1, true)]
    public void A_record_is_public_from_its_decision_day(int offset, bool shown) =>
        Assert.Equal(shown, PublicDisclosure.IsPublic(Decided, Ends, Decided.AddDays(offset)));

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, true)] // the last day
    [InlineData(1, false)] // the day after: gone, without any job
    public void A_record_is_public_to_the_last_day_of_its_period(int offset, bool shown) =>
        Assert.Equal(shown, PublicDisclosure.IsPublic(Decided, Ends, Ends.AddDays(offset)));

    [Fact]
    public void A_record_decided_and_ending_the_same_day_is_public_that_day_only()
    {
        Assert.False(PublicDisclosure.IsPublic(Decided, Decided, Decided.AddDays(-1)));
        Assert.True(PublicDisclosure.IsPublic(Decided, Decided, Decided));
        Assert.False(PublicDisclosure.IsPublic(Decided, Decided, Decided.AddDays(1)));
    }

    [Fact]
    public void Missing_dates_leave_the_window_open_on_that_side()
    {
        Assert.True(PublicDisclosure.IsPublic(null, null, DateOnly.MinValue));
        Assert.True(PublicDisclosure.IsPublic(null, Ends, DateOnly.MinValue));
        Assert.False(PublicDisclosure.IsPublic(null, Ends, Ends.AddDays(1)));
        Assert.True(PublicDisclosure.IsPublic(Decided, null, DateOnly.MaxValue));
        Assert.False(PublicDisclosure.IsPublic(Decided, null, Decided.AddDays(-1)));
    }

    [Fact]
    public void Leap_days_are_days_like_any_other()
    {
        var leap = new DateOnly(2028, 2, 29);
        Assert.True(PublicDisclosure.IsPublic(Decided, leap, leap));
        Assert.False(PublicDisclosure.IsPublic(Decided, leap, new DateOnly(2028, 3, 1)));
        Assert.True(PublicDisclosure.IsPublic(leap, null, leap));
        Assert.False(PublicDisclosure.IsPublic(leap, null, new DateOnly(2028, 2, 28)));
    }

    [Fact]
    public void The_window_queries_compare_against_is_today_on_both_sides()
    {
        var window = PublicDisclosure.On(Decided);
        Assert.Equal(new PublicWindow(Decided, Decided), window);
        Assert.Equal(Decided, PublicDisclosure.FirstDay(Decided));
        Assert.Equal(Ends, PublicDisclosure.LastDay(Ends));
    }

    [Fact]
    public void The_window_and_the_predicate_agree_on_every_day_around_the_boundaries()
    {
        DateOnly?[] decisions = [null, Decided.AddDays(-1), Decided, Decided.AddDays(1)];
        DateOnly?[] ends = [null, Ends.AddDays(-1), Ends, Ends.AddDays(1)];
        var checkedDays = 0;
        for (var day = Decided.AddDays(-3); day <= Ends.AddDays(3); day = day.AddDays(1))
        {
            foreach (var decision in decisions)
            {
                foreach (var end in ends)
                {
                    var expected = (decision is null || decision <= day) && (end is null || end >= day);
                    Assert.Equal(expected, PublicDisclosure.On(day).Shows(decision, end));
                    checkedDays++;
                }
            }
        }

        Assert.True(checkedDays > 16 * 365);
    }
}
