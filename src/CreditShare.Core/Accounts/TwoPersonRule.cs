namespace CreditShare.Core.Accounts;

/// <summary>
/// The two-person rule (业务与审核分离, 三员分立): a step that checks or completes another's work is taken by someone
/// who took none of the earlier steps. Grants (asked, then approved), formal requests (submitted, approved, then
/// fulfilled) and account changes (asked, then approved) all follow it.
/// </summary>
public static class TwoPersonRule
{
    /// <summary>
    /// Whether <paramref name="actor"/> took none of the <paramref name="earlierSteps"/> (a step not yet taken is null).
    /// Accounts are compared exactly, as the platform names them. An actor who is nobody (empty) is not distinct: fail closed.
    /// </summary>
    public static bool IsDistinct(string actor, params ReadOnlySpan<string?> earlierSteps)
    {
        if (string.IsNullOrEmpty(actor))
        {
            return false;
        }

        foreach (var earlier in earlierSteps)
        {
            if (string.Equals(actor, earlier, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
