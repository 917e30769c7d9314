using System.Text.RegularExpressions;
using CreditShare.Core.Codes;

namespace CreditShare.Web.Features.Public;

/// <summary>How personal values look on the public side: never in full.</summary>
public static partial class PersonalMask
{
    [GeneratedRegex(@"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")]
    private static partial Regex IdNumberInText();

    [GeneratedRegex(@"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")]
    private static partial Regex MobileInText();

    /// <summary>A value of a personal field.</summary>
    public static string Mask(string value)
    {
        var text = value.Trim();
        if (text.Length == 18 && text[..17].All(char.IsAsciiDigit))
        {
            return CitizenIdNumber.Mask(text.ToUpperInvariant());
        }

        if (text.Length == 11 && text.All(char.IsAsciiDigit))
        {
            return MaskMobile(text);
        }

        // Anything else personal keeps its first character only (a name: 张**).
        return text.Length <= 1 ? "*" : text[0] + new string('*', text.Length - 1);
    }

    /// <summary>
    /// Free text in a public field (the facts of a case, say) can carry an ID or mobile number the unit should have
    /// left out; it is masked on the way out rather than trusted.
    /// </summary>
    public static string Scrub(string text) =>
        MobileInText().Replace(IdNumberInText().Replace(text, m => CitizenIdNumber.Mask(m.Value.ToUpperInvariant())), m => MaskMobile(m.Value));

    private static string MaskMobile(string number) => string.Concat(number.AsSpan(0, 3), "****", number.AsSpan(7, 4));
}
