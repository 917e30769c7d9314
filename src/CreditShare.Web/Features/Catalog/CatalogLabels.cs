using CreditShare.Core.Catalog;

namespace CreditShare.Web.Features.Catalog;

/// <summary>Chinese names of catalog settings for the console.</summary>
public static class CatalogLabels
{
    public static string Of(SharingScope scope) => scope switch
    {
        SharingScope.Public => "向社会公开",
        SharingScope.Government => "政务共享",
        SharingScope.OnRequest => "依申请共享",
        _ => "不予共享",
    };

    public static string Of(FieldType type) => type switch
    {
        FieldType.Text => "文本",
        FieldType.Date => "日期",
        FieldType.Decimal => "数值",
        FieldType.Enum => "单选",
        _ => "多选",
    };

    public static string Of(FieldFormat format) => format switch
    {
        FieldFormat.Uscc => "统一社会信用代码",
        FieldFormat.IdNumber => "身份证号码",
        FieldFormat.Regex => "正则",
        _ => "",
    };

    public static string Of(SubjectType type) => SubjectTypes.Label(type);

    /// <summary>One line that says what a field's value must satisfy.</summary>
    public static string RuleText(FieldDefinition field)
    {
        var parts = new List<string>();
        if (field.Format != FieldFormat.None)
        {
            parts.Add(field.Format == FieldFormat.Regex ? $"符合 {field.Pattern}" : Of(field.Format));
        }

        if (field.AllowedValues.Count > 0)
        {
            parts.Add("取值：" + string.Join("、", field.AllowedValues));
        }

        if (field.NotInFuture)
        {
            parts.Add("不晚于今天");
        }

        return string.Join("；", parts);
    }

    public static string Describe(CrossFieldRule rule, CategoryDefinition category)
    {
        string L(string code) => category.Field(code)?.Label ?? code;
        return rule.Kind switch
        {
            CrossFieldRuleKind.NotBefore => $"{L(rule.Field)} 不早于 {L(rule.OtherField)}",
            CrossFieldRuleKind.RequiredWhen when rule.Value is null => $"填写 {L(rule.OtherField)} 时，{L(rule.Field)} 必填",
            CrossFieldRuleKind.RequiredWhen => $"{L(rule.OtherField)} 为（或包含）“{rule.Value}”时，{L(rule.Field)} 必填",
            _ => $"{L(rule.OtherField)} 为“{rule.Value}”时，{L(rule.Field)} 按身份证号码校验",
        };
    }
}
