using System.Text.Json.Serialization;

namespace CreditShare.Core.Reporting;

[JsonConverter(typeof(JsonStringEnumConverter<ReportingFrequency>))]
public enum ReportingFrequency
{
    RealTime,
    Daily,
    Weekly,
    Monthly,
}

/// <summary>One reporting period of a schedule: the days it covers and the last day to report for it.</summary>
public readonly record struct ReportingPeriod(DateOnly Start, DateOnly End, DateOnly Due);

/// <summary>
/// The agreed reporting frequency of art. 5: a unit reports each period's information by the period's deadline day
/// (daily: the next day; weekly: the given weekday of the following week, 1 = Monday; monthly: the given day of the
/// following month). Real-time reporting has no periods.
/// </summary>
public static class ReportingPeriods
{
    public static IReadOnlyList<FieldError> Check(ReportingFrequency frequency, int deadlineDay) => frequency switch
    {
        ReportingFrequency.Weekly when deadlineDay is < 1 or > 7 => [new FieldError("deadlineDay", "schedule.deadline_day", "按周报送的截止日应为周一至周日（1–7）")],
        ReportingFrequency.Monthly when deadlineDay is < 1 or > 28 => [new FieldError("deadlineDay", "schedule.deadline_day", "按月报送的截止日应为每月1–28日")],
        _ => [],
    };

    /// <summary>The period that contains <paramref name="day"/>, or null for real-time reporting.</summary>
    public static ReportingPeriod? Containing(ReportingFrequency frequency, int deadlineDay, DateOnly day)
    {
        switch (frequency)
        {
            case ReportingFrequency.Daily:
                return new ReportingPeriod(day, day, day.AddDays(1));
            case ReportingFrequency.Weekly:
                var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
                return new ReportingPeriod(monday, monday.AddDays(6), monday.AddDays(7 + deadlineDay - 1));
            case ReportingFrequency.Monthly:
                var first = new DateOnly(day.Year, day.Month, 1);
                return new ReportingPeriod(first, first.AddMonths(1).AddDays(-1), first.AddMonths(1).AddDays(deadlineDay - 1));
            default:
                return null;
        }
    }

    /// <summary>The most recent periods whose deadline has passed by <paramref name="today"/>, newest first.</summary>
    public static IEnumerable<ReportingPeriod> Closed(ReportingFrequency frequency, int deadlineDay, DateOnly today, int count)
    {
        if (Containing(frequency, deadlineDay, today) is not { } current)
        {
            yield break;
        }

        var period = current;
        var found = 0;
        while (found < count)
        {
            if (period.Due < today)
            {
                yield return period;
                found++;
            }

            period = Containing(frequency, deadlineDay, period.Start.AddDays(-1))!.Value;
        }
    }

    /// <summary>
    /// The periods among <paramref name="periods"/> that were met. Windows overlap (November's runs to 10 December,
    /// December's starts on the 1st), so each batch counts for one period only: the earliest period whose window
    /// (its first day to its deadline) contains the batch's day and that no earlier batch has already met.
    /// </summary>
    public static IReadOnlySet<ReportingPeriod> Met(IEnumerable<ReportingPeriod> periods, IEnumerable<DateOnly> batchDays)
    {
        var open = periods.OrderBy(p => p.Start).ToList();
        var met = new HashSet<ReportingPeriod>();
        foreach (var day in batchDays.Order())
        {
            var index = open.FindIndex(p => p.Start <= day && day <= p.Due);
            if (index >= 0)
            {
                met.Add(open[index]);
                open.RemoveAt(index);
            }
        }

        return met;
    }
}
