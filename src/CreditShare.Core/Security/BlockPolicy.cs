namespace CreditShare.Core.Security;

/// <summary>
/// How long an automatic block lasts, and what a review does to it (Security:Blacklist). A repeat offender's block
/// doubles with each earlier block in the look-back period (fail2ban's <c>bantime.increment</c>), up to a ceiling.
/// </summary>
public sealed class BlockPolicy
{
    public int FirstBlockMinutes { get; set; } = 30;

    public int MaxBlockMinutes { get; set; } = 7 * 24 * 60;

    /// <summary>How far back earlier blocks of the same address count towards the next one's length.</summary>
    public int RepeatLookBackDays { get; set; } = 30;

    /// <summary>A confirmed block (深入核查 found an attack) lasts this long from the confirmation.</summary>
    public int ConfirmedBlockDays { get; set; } = 30;

    /// <summary>
    /// After a block is lifted the address is not blocked again automatically for this long: the burst that caused the
    /// block is still inside the window, and would block it again at once.
    /// </summary>
    public int AllowanceAfterLiftMinutes { get; set; } = 60;

    public TimeSpan AutomaticBlockFor(int earlierBlocks)
    {
        var minutes = (double)FirstBlockMinutes * Math.Pow(2, Math.Min(Math.Max(earlierBlocks, 0), 20));
        return TimeSpan.FromMinutes(Math.Min(minutes, MaxBlockMinutes));
    }

    /// <summary>A confirmation never shortens a block: it extends it to the confirmed length, or keeps a longer one.</summary>
    public DateTimeOffset ConfirmedUntil(DateTimeOffset now, DateTimeOffset currentExpiry)
    {
        var confirmed = now.AddDays(ConfirmedBlockDays);
        return confirmed > currentExpiry ? confirmed : currentExpiry;
    }
}
