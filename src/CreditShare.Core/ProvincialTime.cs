namespace CreditShare.Core;

/// <summary>
/// The province's calendar and clock: China Standard Time, UTC+8 all year (no daylight saving). Dates people and the
/// regulation speak of — "today", a decision date, the day a period ends — are days of this calendar, whatever zone
/// the server runs in; instants are stored in UTC and shown in Beijing time.
/// </summary>
public static class ProvincialTime
{
    /// <summary>The offset of Beijing time from UTC.</summary>
    public static TimeSpan Offset { get; } = TimeSpan.FromHours(8);

    /// <summary>The instant as Beijing time, for showing to people and for date stamps (numbers, file names).</summary>
    public static DateTimeOffset ToBeijing(DateTimeOffset at) => at.ToOffset(Offset);

    /// <inheritdoc cref="ToBeijing(DateTimeOffset)"/>
    public static DateTimeOffset? ToBeijing(DateTimeOffset? at) => at?.ToOffset(Offset);

    /// <summary>The provincial day the instant falls on.</summary>
    /// <summary>An instant as people read it in the province: <c>2026-06-15 10:00</c> (Beijing time).</summary>
    public static string Format(DateTimeOffset at) => ToBeijing(at).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly DateOf(DateTimeOffset at) => DateOnly.FromDateTime(ToBeijing(at).DateTime);

    /// <summary>Today in the province, by the given clock.</summary>
    public static DateOnly Today(TimeProvider time) => DateOf(time.GetUtcNow());

    /// <summary>Midnight at the start of the provincial day, as an instant in Beijing time (+08:00).</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>Midnight at the start of the provincial day, as a UTC instant (PostgreSQL takes only UTC for timestamptz).</summary>
    public static DateTimeOffset StartOfDayUtc(DateOnly day) => StartOfDay(day).ToUniversalTime();
}
