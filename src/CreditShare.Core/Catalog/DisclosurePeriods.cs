namespace CreditShare.Core.Catalog;

/// <summary>Computes how long a record stays public or shared (art. 14), from the catalog's configured rules.</summary>
public static class DisclosurePeriods
{
    /// <summary>Months of a period for a record; where one record holds several values (several penalty types), the longest applies.</summary>
    public static int MonthsFor(PeriodRule rule, IReadOnlyDictionary<string, string> values)
    {
        if (rule.ByField is null || !values.TryGetValue(rule.ByField, out var value))
        {
            return rule.DefaultMonths;
        }

        var months = RecordValidator.SplitValues(value)
            .Select(v => rule.MonthsByValue.TryGetValue(ValueNormalizer.BaseValue(v), out var m) ? m : rule.DefaultMonths)
            .DefaultIfEmpty(rule.DefaultMonths)
            .Max();
        return Math.Max(months, rule.MinimumMonths);
    }

    /// <summary>The last day a record is public: the reported end date if any, else decision date plus the category's period.</summary>
    public static DateOnly? DisclosureEnd(CategoryDefinition category, IReadOnlyDictionary<string, string> values)
    {
        if (category.DisclosureEndField is { } endField && values.TryGetValue(endField, out var reported)
            && RecordValidator.TryParseDate(reported, out var end))
        {
            return end;
        }

        if (category.DecisionDateField is null || !values.TryGetValue(category.DecisionDateField, out var decided)
            || !RecordValidator.TryParseDate(decided, out var decision))
        {
            return null;
        }

        return decision.AddMonths(MonthsFor(category.Disclosure, values)).AddDays(-1);
    }
}
