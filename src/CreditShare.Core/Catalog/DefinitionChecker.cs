using System.Text.RegularExpressions;

namespace CreditShare.Core.Catalog;

/// <summary>Checks that a category definition (edited in the console or imported as JSON) is usable before it becomes a version.</summary>
public static partial class DefinitionChecker
{
    [GeneratedRegex("^[A-Z][A-Z0-9_]{1,39}$")]
    private static partial Regex CodePattern();

    public static IReadOnlyList<FieldError> Check(CategoryDefinition category)
    {
        var errors = new List<FieldError>();
        if (!CodePattern().IsMatch(category.Code ?? string.Empty))
        {
            errors.Add(new FieldError("code", "catalog.code", "类别代码应为2–40位大写字母、数字或下划线，以字母开头"));
        }

        if (string.IsNullOrWhiteSpace(category.Name) || category.Name.Length > 100)
        {
            errors.Add(new FieldError("name", "catalog.name", "类别名称不能为空，且不超过100个字符"));
        }

        if (category.Fields is null || category.Fields.Count == 0)
        {
            errors.Add(new FieldError("fields", "catalog.no_fields", "类别至少需要一个字段"));
            return errors;
        }

        if (category.SubjectTypes is null || category.SubjectTypes.Count == 0)
        {
            errors.Add(new FieldError("subjectTypes", "catalog.subject_types", "至少允许一类主体"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < category.Fields.Count; i++)
        {
            var field = category.Fields[i];
            var at = $"fields[{i}]";
            if (!CodePattern().IsMatch(field.Code ?? string.Empty))
            {
                errors.Add(new FieldError($"{at}.code", "catalog.field_code", "字段代码应为2–40位大写字母、数字或下划线，以字母开头"));
            }
            else if (!seen.Add(field.Code!))
            {
                errors.Add(new FieldError($"{at}.code", "catalog.field_duplicate", $"字段代码“{field.Code}”重复"));
            }

            if (string.IsNullOrWhiteSpace(field.Label))
            {
                errors.Add(new FieldError($"{at}.label", "catalog.field_label", "字段名称不能为空"));
            }

            if (field.MaxLength is < 1 or > 4000)
            {
                errors.Add(new FieldError($"{at}.maxLength", "catalog.max_length", "最大长度应在1–4000之间"));
            }

            if (field.Type is FieldType.Enum or FieldType.MultiEnum && (field.AllowedValues is null || field.AllowedValues.Count == 0))
            {
                errors.Add(new FieldError($"{at}.allowedValues", "catalog.enum_values", "枚举字段需列出允许的取值"));
            }

            if (field.Format == FieldFormat.Regex)
            {
                try
                {
                    _ = new Regex(field.Pattern ?? string.Empty, RegexOptions.None, TimeSpan.FromMilliseconds(100));
                    if (string.IsNullOrEmpty(field.Pattern))
                    {
                        errors.Add(new FieldError($"{at}.pattern", "catalog.pattern", "正则规则不能为空"));
                    }
                }
                catch (ArgumentException)
                {
                    errors.Add(new FieldError($"{at}.pattern", "catalog.pattern", "正则表达式无效"));
                }
            }
        }

        void RequireField(string? code, string property, bool mandatory)
        {
            if (code is null)
            {
                if (mandatory)
                {
                    errors.Add(new FieldError(property, "catalog.field_reference", "必须指定该字段"));
                }
            }
            else if (!seen.Contains(code))
            {
                errors.Add(new FieldError(property, "catalog.field_reference", $"引用的字段“{code}”不存在"));
            }
        }

        RequireField(category.SubjectNameField, "subjectNameField", mandatory: true);
        RequireField(category.DocumentNumberField, "documentNumberField", mandatory: true);
        RequireField(category.SubjectTypeField, "subjectTypeField", mandatory: false);
        RequireField(category.SubjectCodeField, "subjectCodeField", mandatory: false);
        RequireField(category.SubjectIdNumberField, "subjectIdNumberField", mandatory: false);
        RequireField(category.DecisionDateField, "decisionDateField", mandatory: false);
        RequireField(category.DisclosureEndField, "disclosureEndField", mandatory: false);
        RequireField(category.Disclosure?.ByField, "disclosure.byField", mandatory: false);
        RequireField(category.SourceUnitCodeField, "sourceUnitCodeField", mandatory: false);
        RequireField(category.SourceUnitNameField, "sourceUnitNameField", mandatory: false);
        RequireField(category.AuthorityCodeField, "authorityCodeField", mandatory: false);
        RequireField(category.AuthorityNameField, "authorityNameField", mandatory: false);

        for (var i = 0; i < category.Rules.Count; i++)
        {
            RequireField(category.Rules[i].Field, $"rules[{i}].field", mandatory: true);
            RequireField(category.Rules[i].OtherField, $"rules[{i}].otherField", mandatory: true);
        }

        foreach (var (name, rule) in new[] { ("disclosure", category.Disclosure), ("sharingPeriod", category.SharingPeriod) })
        {
            if (rule is null || rule.DefaultMonths is < 1 or > 1200 || rule.MinimumMonths < 0 || rule.MinimumMonths > rule.DefaultMonths
                || rule.MonthsByValue.Values.Any(m => m is < 1 or > 1200))
            {
                errors.Add(new FieldError(name, "catalog.period", "期限应为1–1200个月，最短期限不得超过默认期限"));
            }
        }

        return errors;
    }
}
