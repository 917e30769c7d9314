using CreditShare.Core.Catalog;

namespace CreditShare.Core.Sharing;

/// <summary>
/// How long a record is shared with data-user units (art. 14): from its decision date for the category's sharing
/// period, the last day included. A record without a decision date is shared without end.
/// </summary>
public static class SharingPeriod
{
    /// <summary>The last day a record is shared, or null for no end.</summary>
    public static DateOnly? End(CategoryDefinition category, IReadOnlyDictionary<string, string> values, DateOnly? decision) =>
        decision?.AddMonths(DisclosurePeriods.MonthsFor(category.SharingPeriod, values)).AddDays(-1);

    /// <summary>Whether the sharing period has ended by <paramref name="today"/>: the end day itself is still shared.</summary>
    public static bool IsOver(DateOnly? end, DateOnly today) => end is { } last && last < today;

    /// <summary>Whether a record is shared on <paramref name="today"/>.</summary>
    public static bool IsShared(DateOnly? end, DateOnly today) => !IsOver(end, today);
}
