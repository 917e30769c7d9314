using System.Globalization;
using System.Text;

namespace CreditShare.Core.Codes;

/// <summary>How personal values look wherever they are not the subject's own: never in full.</summary>
public static class PersonalMask
{
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
    /// A personal value shown to staff beside the rest of a record (the subject profile): an ID number in the form of
    /// <see cref="CitizenIdNumber.Mask"/>, anything else nothing but its length — staff need to see that a value is
    /// there, not what it is, and the profile is not the subject's own.
    /// </summary>
    public static string Conceal(string value) => CitizenIdNumber.Mask(value);

    /// <summary>
    /// Free text (the facts of a case, a remark) can carry an ID or mobile number the unit should have left out. Every
    /// such number is masked in the style of <see cref="Mask"/>, whatever its spelling: full-width digits, separators
    /// inside it, an old 15-digit ID number, a mobile with +86. Everything else is left as it was.
    /// </summary>
    public static string Scrub(string text) => Scrub(text, out _);

    /// <inheritdoc cref="Scrub(string)"/>
    /// <param name="text">The text.</param>
    /// <param name="found">Whether a personal number was found (and masked).</param>
    public static string Scrub(string text, out bool found)
    {
        found = false;
        if (!MayHoldNumber(text))
        {
            return text;
        }

        StringBuilder? output = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            // A number starts where a run of digits does: a run that starts inside another is part of a longer number.
            if (DigitAt(text, i) < 0 || (i > 0 && DigitAt(text, i - 1) >= 0))
            {
                i++;
                continue;
            }

            if (FindAt(text, i) is { } hit)
            {
                output ??= new StringBuilder(text.Length);
                output.Append(text, copied, hit.Start - copied).Append(hit.Masked);
                copied = i = hit.End;
                continue;
            }

            i++;
        }

        if (output is null)
        {
            return text;
        }

        found = true;
        return output.Append(text, copied, text.Length - copied).ToString();
    }

    private static string MaskMobile(ReadOnlySpan<char> number) => string.Concat(number[..3], "****", number.Slice(7, 4));

    /// <summary>An 11-digit mobile number is the shortest thing masked: text with fewer digits is left alone at once.</summary>
    private static bool MayHoldNumber(string text)
    {
        var digits = 0;
        for (var i = 0; i < text.Length && digits < 11; i++)
        {
            if (DigitAt(text, i) >= 0)
            {
                digits++;
            }
        }

        return digits >= 11;
    }

    private readonly record struct Hit(int Start, int End, string Masked);

    /// <summary>Separators may break up an ID number anywhere, and a mobile number between its 3-4-4 groups.</summary>
    private const int MaxSeparatorRun = 3;

    /// <summary>
    /// The personal number starting at <paramref name="start"/>, if there is one. Up to 18 digits are read from there,
    /// each pair of them at most <see cref="MaxSeparatorRun"/> separators apart (the 18th may be X); then, in order:
    /// a mobile with a country prefix, an 18-digit ID number, an old 15-digit one, a mobile. A number must not run on
    /// into a further digit: 20 digits in a row are an amount or an account, not an ID number.
    /// </summary>
    private static Hit? FindAt(string text, int start)
    {
        Span<char> digits = stackalloc char[18];
        Span<int> positions = stackalloc int[18];
        Span<bool> gapBefore = stackalloc bool[18];
        var count = 0;
        var i = start;
        while (count < 18 && i < text.Length)
        {
            var d = DigitAt(text, i);
            if (d >= 0)
            {
                digits[count] = (char)('0' + d);
            }
            else if (count == 17 && IsX(text[i]))
            {
                digits[count] = 'X';
            }
            else
            {
                break;
            }

            positions[count] = i;
            count++;
            i++;
            if (count == 18 || digits[count - 1] == 'X' || i >= text.Length || DigitAt(text, i) >= 0 || (count == 17 && IsX(text[i])))
            {
                continue;
            }

            var next = i;
            while (next < text.Length && next - i < MaxSeparatorRun && IsSeparator(text[next]))
            {
                next++;
            }

            if (next == i || next >= text.Length || !(DigitAt(text, next) >= 0 || (count == 17 && IsX(text[next]))))
            {
                break;
            }

            gapBefore[count] = true;
            i = next;
        }

        // Region codes never start 0086 or 86, so a run starting so is a mobile with its country prefix.
        foreach (var prefix in (ReadOnlySpan<string>)["0086", "86"])
        {
            if (count > prefix.Length && digits[..prefix.Length].SequenceEqual(prefix) && !gapBefore[1..prefix.Length].Contains(true)
                && Mobile(text, digits, positions, gapBefore, count, prefix.Length) is { } prefixed)
            {
                return prefixed;
            }
        }

        if (count == 18 && EndsThere(text, positions[17]) && IdNumber(digits, gapBefore[1..].Contains(true)))
        {
            return new Hit(start, positions[17] + 1, CitizenIdNumber.Mask(new string(digits)));
        }

        if (count >= 15 && EndsThere(text, positions[14]) && digits[14] != 'X' && BirthDate(digits.Slice(6, 6), century: 19))
        {
            return new Hit(start, positions[14] + 1, string.Concat(digits[..6], "******", digits.Slice(12, 3)));
        }

        return Mobile(text, digits, positions, gapBefore, count, 0);
    }

    /// <summary>
    /// 17 digits and a digit or X. A contiguous run is an ID number unless it is a company's USCC (an all-digit USCC
    /// exists); one broken up by separators also needs a real birth date, lest separated dates and amounts be read as
    /// one. A code that passes both the ID number and the USCC checks is taken as a person's, the safe side (as in
    /// Sharing).
    /// </summary>
    private static bool IdNumber(ReadOnlySpan<char> digits, bool separated)
    {
        var value = new string(digits);
        if (CitizenIdNumber.Check(value, DateOnly.MaxValue).IsValid)
        {
            return true;
        }

        if (UnifiedSocialCreditCode.Check(value).IsValid)
        {
            return false;
        }

        return !separated || BirthDate(digits.Slice(6, 8), century: null);
    }

    /// <summary>A mobile number, 1[3-9] and nine digits, at digit <paramref name="from"/>; separators only between its 3-4-4 groups.</summary>
    private static Hit? Mobile(string text, ReadOnlySpan<char> digits, ReadOnlySpan<int> positions, ReadOnlySpan<bool> gapBefore, int count, int from)
    {
        if (count - from < 11 || digits[from] != '1' || digits[from + 1] is < '3' or > '9' || digits[from + 10] == 'X' || !EndsThere(text, positions[from + 10]))
        {
            return null;
        }

        for (var k = 1; k < 11; k++)
        {
            if (gapBefore[from + k] && k is not 3 and not 7)
            {
                return null;
            }
        }

        return new Hit(positions[from], positions[from + 10] + 1, MaskMobile(digits.Slice(from, 11)));
    }

    /// <summary>No digit directly after the number's last character.</summary>
    private static bool EndsThere(string text, int last) => last + 1 >= text.Length || DigitAt(text, last + 1) < 0;

    /// <summary>yyyyMMdd (1850 to 2099), or yyMMdd in the given century (the old 15-digit numbers: 19yy).</summary>
    private static bool BirthDate(ReadOnlySpan<char> date, int? century)
    {
        var full = century is { } c ? string.Concat(c.ToString(CultureInfo.InvariantCulture), date) : new string(date);
        return DateOnly.TryParseExact(full, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            && parsed.Year is >= 1850 and <= 2099;
    }

    /// <summary>The value of a decimal digit in any script (full-width ０-９ among them), or -1.</summary>
    private static int DigitAt(string text, int index)
    {
        var c = text[index];
        if (char.IsAsciiDigit(c))
        {
            return c - '0';
        }

        return c > '\u007F' && char.IsDigit(c) ? (int)char.GetNumericValue(c) : -1;
    }

    private static bool IsX(char c) => c is 'X' or 'x' or 'Ｘ' or 'ｘ';

    /// <summary>
    /// What people and exports put inside a number: spaces of every width (the ideographic one included), hyphens and
    /// dashes, dots, and the invisible characters that would otherwise let a number through unseen.
    /// </summary>
    private static bool IsSeparator(char c) => c switch
    {
        ' ' or '\t' or '\u00A0' or '\u3000' or '\u202F' or '\u205F' => true,
        >= '\u2000' and <= '\u200D' => true, // en quad … zero-width joiner
        '\u2060' or '\uFEFF' or '\u00AD' => true,
        '-' or '\uFF0D' or '\u2212' or '\uFE58' or '\uFE63' => true,
        >= '\u2010' and <= '\u2015' => true, // hyphen … horizontal bar, en and em dash among them
        '.' or '\uFF0E' or '\u00B7' or '\u2027' or '\u30FB' or '\uFF65' => true,
        _ => false,
    };
}
