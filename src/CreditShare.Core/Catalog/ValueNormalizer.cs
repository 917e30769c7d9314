using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CreditShare.Core.Catalog;

/// <summary>
/// Another spelling of an allowed value that real systems send (<c>居民身份证</c> for 身份证, <c>1</c> for 有效, a
/// category of the pre-2021 行政处罚法): data in the catalog, edited by the center, not code.
/// </summary>
/// <param name="Value">The spelling as received.</param>
/// <param name="Canonical">The allowed value it stands for (for a multi-value field: one or more, separated by ';').</param>
/// <param name="DecidedBefore">Accepted only for decisions dated before this day (an older law's wording).</param>
public sealed record ValueAlias(string Value, string Canonical, DateOnly? DecidedBefore = null);

/// <summary>
/// Turns what departments' systems send into the canonical form before it is validated — liberal in what is accepted,
/// strict in what is stored. Each method answers with the canonical value, or null and an error when the value is
/// really wrong; the caller reports a changed value as a warning and keeps what was received.
/// </summary>
public static class ValueNormalizer
{
    /// <summary>What real exports write into a field they have nothing for.</summary>
    public static IReadOnlyList<string> Placeholders { get; } = ["无", "/", "／", "－", "-", "—", "空", "暂无", "null", "NULL", "Null"];

    /// <summary>The day written for a validity without end (长期有效), as the national template asks.</summary>
    public static readonly DateOnly LongTermEnd = new(2099, 12, 31);

    /// <summary>What 个体工商户 without a USCC are reported with in the code column (17 zeros and X).</summary>
    public const string NoUsccPlaceholder = "00000000000000000X";

    public static bool IsPlaceholder(string value) => value.Length <= 4 && Placeholders.Contains(value, StringComparer.Ordinal);

    /// <summary>Full-width ASCII (digits, letters, punctuation) and the ideographic space to their half-width forms.</summary>
    public static string HalfWidth(string value)
    {
        if (!value.AsSpan().ContainsAnyInRange('\u3000', '\uFF5E'))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                _ => c,
            });
        }

        return builder.ToString();
    }

    private static readonly Regex DateShape = new(
        @"^(?<y>\d{4})\s*(?:[-/.年]\s*)(?<m>\d{1,2})\s*(?:[-/.月]\s*)(?<d>\d{1,2})\s*日?" +
        @"(?:(?:\s+|T)(?<h>\d{1,2}):(?<min>\d{2})(?::(?<s>\d{2})(?:\.\d{1,7})?)?)?\s*(?<offset>Z|[+-]\d{2}:?\d{2})?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// A date as real systems write it: <c>2020-12-07</c>, <c>2020/12/07</c>, <c>2020.12.07</c>, <c>20201207</c>,
    /// <c>2020年12月7日</c>, a database or JSON date-time (with an offset the day is taken in China time), full-width
    /// digits; <c>长期</c> / <c>长期有效</c> where the field allows a validity without end.
    /// </summary>
    public static DateOnly? Date(string value, bool longTermAllowed)
    {
        if (RecordValidator.TryParseIsoDate(value, out var iso))
        {
            return iso;
        }

        var text = HalfWidth(value).Trim();
        if (text is "长期" or "长期有效" or "永久" or "永久有效")
        {
            return longTermAllowed ? LongTermEnd : null;
        }

        if (text.Length == 8 && text.All(char.IsAsciiDigit))
        {
            return DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var compact) ? compact : null;
        }

        var match = DateShape.Match(text);
        if (!match.Success)
        {
            return null;
        }

        var (year, month, day) = (Int(match, "y"), Int(match, "m"), Int(match, "d"));
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var offset = match.Groups["offset"];
        if (!offset.Success)
        {
            // A date-time without an offset is the sender's local time, which for the province's units is China time.
            return new DateOnly(year, month, day);
        }

        var (hour, minute, second) = (Int(match, "h"), Int(match, "min"), match.Groups["s"].Success ? Int(match, "s") : 0);
        if (hour > 23 || minute > 59 || second > 59)
        {
            return null;
        }

        var span = offset.Value == "Z" ? TimeSpan.Zero : ParseOffset(offset.Value);
        var instant = new DateTimeOffset(year, month, day, hour, minute, second, span);
        return ProvincialTime.DateOf(instant);
    }

    private static int Int(Match match, string group) => int.Parse(match.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    private static TimeSpan ParseOffset(string text)
    {
        var digits = text.Replace(":", "", StringComparison.Ordinal);
        var span = new TimeSpan(int.Parse(digits.AsSpan(1, 2), CultureInfo.InvariantCulture), int.Parse(digits.AsSpan(3, 2), CultureInfo.InvariantCulture), 0);
        return text[0] == '-' ? -span : span;
    }

    private static readonly Regex Grouped = new(@"^\d{1,3}(,\d{3})+(\.\d+)?$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// A number, with thousands separators and full-width digits; in a field kept in 万元 also <c>2万元</c>, <c>2万</c>.
    /// A value in 元 for such a field is an error: dividing it silently would hide a mistake by ten thousand.
    /// </summary>
    public static (decimal? Number, string? Error) Amount(string value, string? unit)
    {
        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var plain))
        {
            return (plain, null);
        }

        var text = HalfWidth(value).Replace(" ", "", StringComparison.Ordinal).Replace('，', ',');
        if (unit is not null && text.EndsWith(unit, StringComparison.Ordinal))
        {
            text = text[..^unit.Length];
        }
        else if (unit == "万元" && text.EndsWith('万'))
        {
            text = text[..^1];
        }
        else if (unit == "万元" && text.Length > 1 && text.EndsWith('元') && char.IsAsciiDigit(text[^2]))
        {
            return (null, "unit");
        }

        if (text.Contains(',', StringComparison.Ordinal))
        {
            if (!Grouped.IsMatch(text))
            {
                return (null, null);
            }

            text = text.Replace(",", "", StringComparison.Ordinal);
        }

        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? (number, null)
            : (null, null);
    }

    /// <summary>
    /// One choice of an enumerated field: an allowed value, an alias of one, or <c>其他（…）</c> with its note where 其他 is
    /// allowed. Null when it is none of them; <paramref name="before"/> names the day an alias stopped applying when
    /// that is why it does not.
    /// </summary>
    public static string? Choice(FieldDefinition field, string value, DateOnly? decided, out DateOnly? before)
    {
        before = null;
        if (field.AllowedValues.Contains(value))
        {
            return value;
        }

        var text = HalfWidth(value).Trim();
        if (field.AllowedValues.Contains(text))
        {
            return text;
        }

        foreach (var alias in field.Aliases)
        {
            if (string.Equals(alias.Value, text, StringComparison.OrdinalIgnoreCase))
            {
                if (alias.DecidedBefore is { } until && decided is { } day && day >= until)
                {
                    before = until;
                    return null;
                }

                return alias.Canonical;
            }
        }

        return OtherWithNote(field, text);
    }

    /// <summary>Whether the field's allowed values include 其他, and the value is 其他 with a note in brackets.</summary>
    private static string? OtherWithNote(FieldDefinition field, string text)
    {
        if (!field.AllowedValues.Contains(Other) || text.Length <= Other.Length + 2 || !text.StartsWith(Other, StringComparison.Ordinal))
        {
            return null;
        }

        var (open, close) = (text[Other.Length], text[^1]);
        if (open is not ('(' or '（') || close is not (')' or '）'))
        {
            return null;
        }

        var note = text[(Other.Length + 1)..^1].Trim();
        return note.Length == 0 ? Other : $"{Other}（{note}）";
    }

    public const string Other = "其他";

    /// <summary>The allowed value a stored choice stands for: <c>其他（…）</c> counts as 其他 for the catalog's rules.</summary>
    public static string BaseValue(string choice) =>
        choice.Length > Other.Length && choice.StartsWith(Other, StringComparison.Ordinal) && choice[Other.Length] == '（' ? Other : choice;

    /// <summary>An organisation code (GB 11714) as printed, <c>XXXXXXXX-X</c>, in the nine characters it is kept in.</summary>
    public static string OrganizationCode(string value) =>
        Codes.CodeText.Normalize(value).Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);

    /// <summary>A code printed in groups (<c>9111 0000 7109 2546 2X</c>) or with full-width characters, as one code.</summary>
    public static string Code(string value) => Codes.CodeText.Normalize(value).Replace(" ", "", StringComparison.Ordinal);
}
