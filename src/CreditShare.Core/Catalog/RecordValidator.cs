using System.Globalization;
using System.Text.RegularExpressions;
using CreditShare.Core.Codes;

namespace CreditShare.Core.Catalog;

/// <summary>
/// The verdict on one reported record: normalised values, errors that reject it, warnings that do not, and the values as
/// received of the fields that normalisation changed (the record's provenance keeps them).
/// </summary>
public sealed record RecordValidation(
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyList<FieldError> Errors,
    IReadOnlyList<FieldError> Warnings,
    SubjectType? SubjectType)
{
    public bool IsValid => Errors.Count == 0;

    public IReadOnlyDictionary<string, string> Received { get; init; } = EmptyReceived;

    private static readonly Dictionary<string, string> EmptyReceived = [];
}

/// <summary>
/// Validates a record against one version of a category; every failed rule is reported, not only the first. Each value
/// is first brought to its canonical form (<see cref="ValueNormalizer"/>): a changed value is accepted with a warning.
/// </summary>
public static class RecordValidator
{
    private static readonly char[] MultiValueSeparators = [';', '；', ',', '，', '、', '|'];

    /// <summary>The values of a multi-value field; a separator inside a note in brackets (<c>其他（法律、法规…）</c>) does not split.</summary>
    public static string[] SplitValues(string value) => [.. Tokens(value).Select(t => t.Text)];

    /// <summary>The parts of a multi-value text with the separator that followed each, brackets respected.</summary>
    private static List<(string Text, char Separator)> Tokens(string value)
    {
        var tokens = new List<(string, char)>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            var c = i < value.Length ? value[i] : ';';
            if (c is '(' or '（')
            {
                depth++;
            }
            else if (c is ')' or '）' && depth > 0)
            {
                depth--;
            }
            else if ((depth == 0 || i == value.Length) && Array.IndexOf(MultiValueSeparators, c) >= 0)
            {
                var part = value[start..i].Trim();
                if (part.Length > 0)
                {
                    tokens.Add((part, c));
                }

                start = i + 1;
            }
        }

        return tokens;
    }

    public static RecordValidation Validate(CategoryDefinition category, IReadOnlyDictionary<string, string?> input, DateOnly today)
    {
        var errors = new List<FieldError>();
        var warnings = new List<FieldError>();
        var values = new Dictionary<string, string>(category.Fields.Count, StringComparer.Ordinal);
        Dictionary<string, string>? received = null;

        foreach (var key in input.Keys.Where(k => category.Field(k) is null))
        {
            errors.Add(new FieldError(key, "field.unknown", $"“{key}”不是{category.Name}（第{category.Version}版）的字段"));
        }

        // Aliases from an older law (pre-2021 处罚类别) apply by the decision's date, so that is read first.
        var decided = category.DecisionDateField is { } decisionField && input.TryGetValue(decisionField, out var decisionText) && decisionText is not null
            ? ValueNormalizer.Date(decisionText.Trim(), longTermAllowed: false)
            : null;

        foreach (var field in category.Fields)
        {
            input.TryGetValue(field.Code, out var raw);
            var value = raw?.Trim() ?? string.Empty;
            if (value.Length > 0 && (ValueNormalizer.IsPlaceholder(value) || (field.Format == FieldFormat.Uscc && ValueNormalizer.Code(value) == ValueNormalizer.NoUsccPlaceholder)))
            {
                if (field.Required)
                {
                    errors.Add(new FieldError(field.Code, "field.placeholder", $"{field.Label}为必填项，“{value}”表示未填写"));
                    continue;
                }

                warnings.Add(new FieldError(field.Code, "value.placeholder", $"{field.Label}填写的“{value}”表示未填写，按空值处理"));
                (received ??= new(StringComparer.Ordinal))[field.Code] = raw!;
                continue;
            }

            if (value.Length == 0)
            {
                if (field.Required)
                {
                    errors.Add(new FieldError(field.Code, "field.required", $"{field.Label}为必填项"));
                }

                continue;
            }

            // Far longer than any spelling of a valid value: refused before any parsing looks at it.
            if (value.Length > field.MaxLength + 32)
            {
                errors.Add(new FieldError(field.Code, "field.too_long", $"{field.Label}不能超过{field.MaxLength}个字符，实际为{value.Length}个"));
                continue;
            }

            var normalized = CheckValue(field, value, today, decided, errors, warnings);
            if (normalized is null)
            {
                continue;
            }

            if (normalized.Length > field.MaxLength)
            {
                errors.Add(new FieldError(field.Code, "field.too_long", $"{field.Label}不能超过{field.MaxLength}个字符，实际为{normalized.Length}个"));
                continue;
            }

            if (!string.Equals(normalized, value, StringComparison.Ordinal))
            {
                (received ??= new(StringComparer.Ordinal))[field.Code] = raw!;
                if (!Cosmetic(value, normalized))
                {
                    warnings.Add(Normalized(field, value, normalized));
                }
            }

            values[field.Code] = normalized;
        }

        SubjectType? subjectType = category.SubjectTypes.Count == 1 ? category.SubjectTypes[0] : null;
        if (category.SubjectTypeField is { } typeField && values.TryGetValue(typeField, out var typeLabel))
        {
            subjectType = SubjectTypes.FromLabel(typeLabel);
            if (subjectType is { } t && !category.SubjectTypes.Contains(t))
            {
                errors.Add(new FieldError(typeField, "subject_type.not_allowed", $"{category.Name}不接收“{typeLabel}”类主体的信息"));
            }
        }

        // A field already refused (e.g. a wrong check digit) is not reported again as missing by a cross-field rule.
        var refused = errors.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in category.Rules.Where(r => !refused.Contains(r.Field)))
        {
            ApplyRule(category, rule, values, today, errors, warnings, ref received);
        }

        return new RecordValidation(values, errors, warnings, subjectType) { Received = (IReadOnlyDictionary<string, string>?)received ?? new Dictionary<string, string>() };
    }

    /// <summary>
    /// Whether two spellings differ only in how they are printed — spaces, full- or half-width, letter case, which
    /// separator lists several values — so that storing one for the other needs no warning. Anything else (another
    /// date format, a unit taken off, an alias resolved) is reported.
    /// </summary>
    private static bool Cosmetic(string received, string stored) => string.Equals(Printed(received), Printed(stored), StringComparison.Ordinal);

    private static string Printed(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in ValueNormalizer.HalfWidth(text))
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(Array.IndexOf(MultiValueSeparators, c) >= 0 ? ';' : char.ToUpperInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>The warning for a value stored in another form than received; a personal number is not repeated in it.</summary>
    private static FieldError Normalized(FieldDefinition field, string received, string stored) =>
        field.Personal || field.Format == FieldFormat.IdNumber
            ? new FieldError(field.Code, "value.normalized", $"{field.Label}已统一格式（去除空格、分隔符，全角转半角）后接收")
            : new FieldError(field.Code, "value.normalized", $"{field.Label}“{received}”已规范为“{stored}”");

    private static string? CheckValue(FieldDefinition field, string value, DateOnly today, DateOnly? decided, List<FieldError> errors, List<FieldError> warnings)
    {
        switch (field.Type)
        {
            case FieldType.Date:
                if (ValueNormalizer.Date(value, field.LongTerm) is not { } date)
                {
                    errors.Add(ValueNormalizer.HalfWidth(value).Trim() is "长期" or "长期有效" or "永久" or "永久有效"
                        ? new FieldError(field.Code, "field.date_long_term", $"{field.Label}不能填写“{value}”，请填写具体日期")
                        : new FieldError(field.Code, "field.date", $"{field.Label}“{value}”不是有效日期（格式如 2024-01-31、2024/01/31、2024年1月31日）"));
                    return null;
                }

                if (field.NotInFuture && date > today)
                {
                    errors.Add(new FieldError(field.Code, "field.date_in_future", $"{field.Label}不能晚于今天"));
                    return null;
                }

                return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

            case FieldType.Decimal:
                var (number, problem) = ValueNormalizer.Amount(value, field.Unit);
                if (number is null)
                {
                    errors.Add(problem == "unit"
                        ? new FieldError(field.Code, "field.amount_unit", $"{field.Label}以万元为单位，“{value}”是以元计的金额，请换算为万元后填写")
                        : new FieldError(field.Code, "field.decimal", $"{field.Label}“{value}”应为数字"));
                    return null;
                }

                if (number < 0)
                {
                    errors.Add(new FieldError(field.Code, "field.negative", $"{field.Label}不能为负数"));
                    return null;
                }

                return number.Value.ToString(CultureInfo.InvariantCulture);

            case FieldType.Enum:
                if (ValueNormalizer.Choice(field, value, decided, out var until) is not { } choice)
                {
                    errors.Add(EnumError(field, value, until));
                    return null;
                }

                return choice;

            case FieldType.MultiEnum:
                return MultiChoice(field, value, decided, errors);
        }

        switch (field.Format)
        {
            case FieldFormat.Uscc:
                var uscc = UnifiedSocialCreditCode.Check(ValueNormalizer.Code(value), field.Code);
                errors.AddRange(uscc.Errors);
                warnings.AddRange(uscc.Warnings);
                return uscc.IsValid ? uscc.Value : null;

            case FieldFormat.IdNumber:
                var id = CitizenIdNumber.Check(IdText(value), today, field.Code);
                errors.AddRange(id.Errors);
                return id.IsValid ? id.Value : null;

            case FieldFormat.OrganizationCode:
                var code = ValueNormalizer.OrganizationCode(value);
                if (code.Length != 9 || !UnifiedSocialCreditCode.OrganizationCodeIsValid(code))
                {
                    errors.Add(new FieldError(field.Code, "field.organization_code", $"{field.Label}“{value}”不是有效的组织机构代码（8位本体代码加1位校验码，如 71092546-2）"));
                    return null;
                }

                return code;

            case FieldFormat.Regex when field.Pattern is { } pattern:
                if (!Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100)))
                {
                    errors.Add(new FieldError(field.Code, "field.pattern", $"{field.Label}格式不正确"));
                    return null;
                }

                return value;
        }

        return value;
    }

    private static FieldError EnumError(FieldDefinition field, string value, DateOnly? until) => until is { } day
        ? new FieldError(field.Code, "field.enum_superseded",
            $"{field.Label}“{value}”是{day.Year}年{day.Month}月{day.Day}日前施行的规定中的取值，此后作出的决定应为以下之一：{string.Join("、", field.AllowedValues)}")
        : new FieldError(field.Code, "field.enum", $"{field.Label}“{value}”应为以下之一：{string.Join("、", field.AllowedValues)}");

    /// <summary>
    /// The choices of a multi-value field. Older wordings hold separators themselves (<c>法律、行政法规规定的其他行政处罚</c>),
    /// so neighbouring parts are tried together, longest first, before each part alone.
    /// </summary>
    private static string? MultiChoice(FieldDefinition field, string value, DateOnly? decided, List<FieldError> errors)
    {
        var tokens = Tokens(ValueNormalizer.HalfWidth(value));
        var chosen = new List<string>(tokens.Count);
        var unknown = new List<string>();
        DateOnly? superseded = null;
        for (var i = 0; i < tokens.Count;)
        {
            var taken = 0;
            for (var length = Math.Min(3, tokens.Count - i); length >= 1 && taken == 0; length--)
            {
                var candidate = string.Concat(Enumerable.Range(i, length).Select(k => k < i + length - 1 ? tokens[k].Text + tokens[k].Separator : tokens[k].Text));
                if (ValueNormalizer.Choice(field, candidate, decided, out var until) is { } choice)
                {
                    chosen.AddRange(choice.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    taken = length;
                }
                else if (length == 1)
                {
                    superseded ??= until;
                    unknown.Add(candidate);
                    taken = 1;
                }
            }

            i += taken;
        }

        if (chosen.Count == 0 || unknown.Count > 0)
        {
            errors.Add(superseded is not null
                ? EnumError(field, string.Join("、", unknown), superseded)
                : new FieldError(field.Code, "field.enum",
                    $"{field.Label}中的“{string.Join("、", unknown)}”不是允许的取值（{string.Join("、", field.AllowedValues)}）"));
            return null;
        }

        return string.Join(";", chosen.Distinct(StringComparer.Ordinal));
    }

    /// <summary>An ID number as printed or typed, with spaces or hyphens between its groups, as one number.</summary>
    private static string IdText(string value) => ValueNormalizer.Code(value).Replace("-", "", StringComparison.Ordinal);

    private static void ApplyRule(CategoryDefinition category, CrossFieldRule rule, Dictionary<string, string> values, DateOnly today, List<FieldError> errors,
        List<FieldError> warnings, ref Dictionary<string, string>? received)
    {
        var label = category.Field(rule.Field)?.Label ?? rule.Field;
        var otherLabel = category.Field(rule.OtherField)?.Label ?? rule.OtherField;
        values.TryGetValue(rule.Field, out var value);
        values.TryGetValue(rule.OtherField, out var other);

        switch (rule.Kind)
        {
            case CrossFieldRuleKind.NotBefore when value is not null && other is not null:
                if (string.CompareOrdinal(value, other) < 0)
                {
                    errors.Add(new FieldError(rule.Field, "rule.not_before", rule.Message ?? $"{label}不能早于{otherLabel}"));
                }

                break;

            case CrossFieldRuleKind.RequiredWhen when value is null && other is not null && Matches(other, rule.Value):
                errors.Add(new FieldError(rule.Field, "rule.required_when", rule.Message ?? $"{otherLabel}为“{rule.Value}”时，{label}为必填项"));
                break;

            case CrossFieldRuleKind.IdNumberWhen when value is not null && other == rule.Value:
                var check = CitizenIdNumber.Check(IdText(value), today, rule.Field);
                errors.AddRange(check.Errors);
                if (check.IsValid && check.Value != value)
                {
                    // Only spaces, hyphens and width removed: a person's number is not repeated in a warning.
                    if (!Cosmetic(value.Replace("-", "", StringComparison.Ordinal), check.Value))
                    {
                        warnings.Add(Normalized(category.Field(rule.Field)!, value, check.Value));
                    }

                    (received ??= new(StringComparer.Ordinal))[rule.Field] = value;
                    values[rule.Field] = check.Value;
                }

                break;
        }
    }

    private static bool Matches(string actual, string? expected) =>
        expected is null || actual == expected || SplitValues(actual).Any(v => ValueNormalizer.BaseValue(v) == expected);

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyyMMdd", "yyyy-M-d", "yyyy/M/d"];

    public static bool TryParseDate(string value, out DateOnly date) =>
        TryParseIsoDate(value, out date) || DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>A date in the form it is stored in, <c>yyyy-MM-dd</c>.</summary>
    public static bool TryParseIsoDate(string value, out DateOnly date)
    {
        // Nearly every system sends yyyy-MM-dd; reading it directly is several times cheaper than the format list.
        if (value.Length == 10 && value[4] == '-' && value[7] == '-'
            && int.TryParse(value.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(value.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            && int.TryParse(value.AsSpan(8, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var day))
        {
            var valid = year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
            date = valid ? new DateOnly(year, month, day) : default;
            return valid;
        }

        date = default;
        return false;
    }
}
