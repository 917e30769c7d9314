using System.Globalization;
using System.Text.RegularExpressions;
using CreditShare.Core.Codes;

namespace CreditShare.Core.Catalog;

/// <summary>The verdict on one reported record: normalised values, errors that reject it, warnings that do not.</summary>
public sealed record RecordValidation(
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyList<FieldError> Errors,
    IReadOnlyList<FieldError> Warnings,
    SubjectType? SubjectType)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Validates a record against one version of a category; every failed rule is reported, not only the first.</summary>
public static class RecordValidator
{
    private static readonly char[] MultiValueSeparators = [';', '；', ',', '，', '、', '|'];

    public static string[] SplitValues(string value) =>
        value.Split(MultiValueSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static RecordValidation Validate(CategoryDefinition category, IReadOnlyDictionary<string, string?> input, DateOnly today)
    {
        var errors = new List<FieldError>();
        var warnings = new List<FieldError>();
        var values = new Dictionary<string, string>(category.Fields.Count, StringComparer.Ordinal);

        foreach (var key in input.Keys.Where(k => category.Field(k) is null))
        {
            errors.Add(new FieldError(key, "field.unknown", $"“{key}”不是{category.Name}（第{category.Version}版）的字段"));
        }

        foreach (var field in category.Fields)
        {
            input.TryGetValue(field.Code, out var raw);
            var value = raw?.Trim() ?? string.Empty;
            if (value.Length == 0)
            {
                if (field.Required)
                {
                    errors.Add(new FieldError(field.Code, "field.required", $"{field.Label}为必填项"));
                }

                continue;
            }

            if (value.Length > field.MaxLength)
            {
                errors.Add(new FieldError(field.Code, "field.too_long", $"{field.Label}不能超过{field.MaxLength}个字符，实际为{value.Length}个"));
                continue;
            }

            var normalized = CheckValue(field, value, today, errors, warnings);
            if (normalized is not null)
            {
                values[field.Code] = normalized;
            }
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
            ApplyRule(category, rule, values, today, errors);
        }

        return new RecordValidation(values, errors, warnings, subjectType);
    }

    private static string? CheckValue(FieldDefinition field, string value, DateOnly today, List<FieldError> errors, List<FieldError> warnings)
    {
        switch (field.Type)
        {
            case FieldType.Date:
                if (!TryParseDate(value, out var date))
                {
                    errors.Add(new FieldError(field.Code, "field.date", $"{field.Label}不是有效日期（格式如 2024-01-31）"));
                    return null;
                }

                if (field.NotInFuture && date > today)
                {
                    errors.Add(new FieldError(field.Code, "field.date_in_future", $"{field.Label}不能晚于今天"));
                    return null;
                }

                return value.Length == 10 && value[4] == '-' ? value : date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

            case FieldType.Decimal:
                if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    errors.Add(new FieldError(field.Code, "field.decimal", $"{field.Label}应为数字"));
                    return null;
                }

                if (number < 0)
                {
                    errors.Add(new FieldError(field.Code, "field.negative", $"{field.Label}不能为负数"));
                    return null;
                }

                return number.ToString(CultureInfo.InvariantCulture);

            case FieldType.Enum:
                if (!field.AllowedValues.Contains(value))
                {
                    errors.Add(new FieldError(field.Code, "field.enum", $"{field.Label}应为以下之一：{string.Join("、", field.AllowedValues)}"));
                    return null;
                }

                return value;

            case FieldType.MultiEnum:
                var parts = SplitValues(value);
                var unknown = parts.Where(p => !field.AllowedValues.Contains(p)).ToList();
                if (parts.Length == 0 || unknown.Count > 0)
                {
                    errors.Add(new FieldError(field.Code, "field.enum",
                        $"{field.Label}中的“{string.Join("、", unknown)}”不是允许的取值（{string.Join("、", field.AllowedValues)}）"));
                    return null;
                }

                return string.Join(";", parts.Distinct());
        }

        switch (field.Format)
        {
            case FieldFormat.Uscc:
                var uscc = UnifiedSocialCreditCode.Check(value, field.Code);
                errors.AddRange(uscc.Errors);
                warnings.AddRange(uscc.Warnings);
                return uscc.IsValid ? uscc.Value : null;

            case FieldFormat.IdNumber:
                var id = CitizenIdNumber.Check(value, today, field.Code);
                errors.AddRange(id.Errors);
                return id.IsValid ? id.Value : null;

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

    private static void ApplyRule(CategoryDefinition category, CrossFieldRule rule, Dictionary<string, string> values, DateOnly today, List<FieldError> errors)
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
                var check = CitizenIdNumber.Check(value, today, rule.Field);
                errors.AddRange(check.Errors);
                if (check.IsValid)
                {
                    values[rule.Field] = check.Value;
                }

                break;
        }
    }

    private static bool Matches(string actual, string? expected) =>
        expected is null || actual == expected || SplitValues(actual).Contains(expected);

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyyMMdd", "yyyy-M-d", "yyyy/M/d"];

    public static bool TryParseDate(string value, out DateOnly date)
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

        return DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }
}
