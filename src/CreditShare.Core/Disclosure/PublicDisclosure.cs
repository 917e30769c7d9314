namespace CreditShare.Core.Disclosure;

/// <summary>
/// The days a record of a public category is on the public register (art. 12, 14): from its decision date to the end
/// of its disclosure period, both days included. A record without a decision date is public from the day it is
/// reported; one without an end stays public. Judged by the provincial date of the request, so a record leaves the
/// day after its period ends without any job running.
/// </summary>
public static class PublicDisclosure
{
    /// <summary>The first day a record is public, or null when it is public from the start.</summary>
    public static DateOnly? FirstDay(DateOnly? decisionDate) => decisionDate;

    /// <summary>The last day a record is public, or null when it stays public.</summary>
    public static DateOnly? LastDay(DateOnly? disclosureEnd) => disclosureEnd;

    /// <summary>Whether a record with these dates is public on <paramref name="today"/>.</summary>
    public static bool IsPublic(DateOnly? decisionDate, DateOnly? disclosureEnd, DateOnly today) => On(today).Shows(decisionDate, disclosureEnd);

    /// <summary>The bounds a query applies on <paramref name="today"/>; queries compare against these and nothing else.</summary>
    public static PublicWindow On(DateOnly today) => new(DecidedBy: today, EndingFrom: today);
}

/// <summary>
/// What the public sees on one day, as the two cut-off dates a query compares against: a record is shown when decided
/// on or before <see cref="DecidedBy"/> (or undated) and its disclosure ends on or after <see cref="EndingFrom"/> (or never).
/// The LINQ and SQL forms of the register use these values, so that they cannot disagree about a boundary day.
/// </summary>
public readonly record struct PublicWindow(DateOnly DecidedBy, DateOnly EndingFrom)
{
    public bool Shows(DateOnly? decisionDate, DateOnly? disclosureEnd) =>
        (PublicDisclosure.FirstDay(decisionDate) is not { } first || first <= DecidedBy)
        && (PublicDisclosure.LastDay(disclosureEnd) is not { } last || last >= EndingFrom);
}
