using CreditShare.Core.Codes;

namespace CreditShare.Core.Catalog;

/// <summary>
/// The free text of a record — the facts of a case, the penalty, a remark — is written by people, and now and then
/// carries an ID or mobile number that should not be there. In a public category such a number is masked when the
/// record comes in (the reporter is told), and every public surface masks again on the way out, which catches rows
/// stored before the inbound rule existed.
/// </summary>
public static class FreeText
{
    public const string PersonalNumberCode = "field.personal_number_in_free_text";

    /// <summary>
    /// A text field that is not one of the subject's own identity fields: not personal (those are encrypted and masked
    /// whole), not a validated code (USCC, ID number, pattern), not the subject's name, code, type or ID, not the
    /// document number (the record's key), and not one of the national standard's party fields (<c>*_XDR_*</c>: the
    /// 工商注册号, 组织机构代码, 税务登记号 … of the subject, whose 15-digit forms look like old ID numbers).
    /// </summary>
    public static bool IsFreeText(CategoryDefinition category, FieldDefinition field) =>
        field.Type == FieldType.Text && field.Format == FieldFormat.None && !field.Personal
        && !field.Code.Contains("_XDR_", StringComparison.Ordinal)
        && field.Code != category.SubjectNameField && field.Code != category.SubjectCodeField && field.Code != category.SubjectIdNumberField
        && field.Code != category.SubjectIdTypeField && field.Code != category.SubjectTypeField && field.Code != category.DocumentNumberField;

    /// <summary>
    /// The row as it is to be stored: in a public category, the published free-text fields with personal numbers
    /// masked, and a warning for each field that had one. The original is not kept (data minimisation: the number had
    /// no place in a public text, and the unit keeps its own files). The same row instance when nothing was found.
    /// </summary>
    public static (IReadOnlyDictionary<string, string?> Row, IReadOnlyList<FieldError> Warnings) MaskOnTheWayIn(
        CategoryDefinition category, IReadOnlyDictionary<string, string?> row)
    {
        if (category.Sharing != SharingScope.Public)
        {
            return (row, []);
        }

        Dictionary<string, string?>? masked = null;
        List<FieldError>? warnings = null;
        foreach (var (key, value) in row)
        {
            if (value is null || category.Field(key) is not { } field || !IsFreeText(category, field) || category.ScopeOf(field) != SharingScope.Public)
            {
                continue;
            }

            var scrubbed = PersonalMask.Scrub(value, out var found);
            if (!found)
            {
                continue;
            }

            masked ??= new Dictionary<string, string?>(row, StringComparer.Ordinal);
            masked[key] = scrubbed;
            (warnings ??= []).Add(new FieldError(field.Code, PersonalNumberCode,
                $"“{field.Label}”中含有身份证号码或手机号码，已遮蔽后保存（公示内容中请勿填写个人号码）"));
        }

        return masked is null ? (row, []) : (masked, warnings!);
    }

    /// <summary>
    /// A non-personal field's value as any public surface shows it: scrubbed of personal numbers. The one exception is
    /// the subject's own old 工商注册号 as the whole value of its field: 15 digits that can pass for an old ID number, but
    /// are the registration number the public search finds the subject by.
    /// </summary>
    public static string OnTheWayOut(FieldDefinition field, string value)
    {
        var trimmed = value.Trim();
        if (field.Code.EndsWith("_XDR_GSZC", StringComparison.Ordinal) && trimmed.Length is 13 or 15 && trimmed.All(char.IsAsciiDigit))
        {
            return value;
        }

        return PersonalMask.Scrub(value);
    }
}
