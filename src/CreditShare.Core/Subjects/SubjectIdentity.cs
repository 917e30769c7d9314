using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;

namespace CreditShare.Core.Subjects;

/// <summary>
/// Who a reported row is about, before anything is hashed or encrypted: an organisation or individual business by its
/// USCC, or a person (or a business known only by its operator) by an ID number of some kind.
/// </summary>
/// <param name="Type">The kind of subject the row says it is about.</param>
/// <param name="Name">The name as reported.</param>
/// <param name="Uscc">The USCC, when the subject is found by it.</param>
/// <param name="IdNumber">The ID number otherwise; never stored in clear.</param>
/// <param name="IdKind">The kind of ID document (身份证 unless the row says otherwise); part of a natural person's key.</param>
/// <param name="RegistrationNumber">The old 工商注册号: reported with a USCC, or, for an individual business that has neither a USCC nor an operator's ID number in the row, what it is found by.</param>
public sealed record SubjectIdentification(SubjectType Type, string Name, string? Uscc, string? IdNumber, string IdKind, string? RegistrationNumber)
{
    /// <summary>Found by the USCC (kept in clear); otherwise by the ID number (kept only hashed and encrypted).</summary>
    public bool ByUscc => Uscc is not null;

    /// <summary>An individual business known only by its old registration number (kept in clear, as a USCC is).</summary>
    public bool ByRegistrationNumber => Uscc is null && IdNumber is null && RegistrationNumber is not null;

    /// <summary>The key of a subject found by its registration number: prefixed so it can never equal a USCC or a hash.</summary>
    public static string RegistrationKey(string registrationNumber) => "GSZC:" + registrationNumber;
}

/// <summary>
/// How a subject is told apart from the code people type or units report (art. 3 integration). A code that passes both
/// the ID-number and the USCC checks (an all-digit USCC can) is taken as a person's: the safe side, kept encrypted and
/// asking for the person's consent.
/// </summary>
public static class SubjectIdentity
{
    /// <summary>The ID-document kind a row means when it does not name one.</summary>
    public const string DefaultIdKind = "身份证";

    /// <summary>A code as typed (full-width, spaces, lower-case x), in the form it is checked and looked up in.</summary>
    public static string Normalize(string? code) => CodeText.Normalize(code).ToUpperInvariant();

    /// <summary>A valid mainland ID number on the provincial day <paramref name="today"/> (a birth date in the future is not).</summary>
    public static bool IsIdNumber(string code, DateOnly today) => CitizenIdNumber.Check(code, today).IsValid;

    public static bool IsUscc(string code) => UnifiedSocialCreditCode.Check(code).IsValid;

    /// <summary>Whether a code names a natural person — true also when it would pass as a USCC.</summary>
    public static bool IsNaturalPerson(string code, DateOnly today) => IsIdNumber(code, today);

    /// <summary>A code that names some subject at all.</summary>
    public static bool IsSubjectCode(string code, DateOnly today) => IsUscc(code) || IsIdNumber(code, today);

    /// <summary>
    /// Who a validated row is about, or why it cannot be told: organisations need a USCC, natural persons an ID number,
    /// individual businesses one of the two (the USCC wins when both are given, as the register lists them by it) — or,
    /// as many were registered before USCCs, the operator's ID number in the legal-representative column or only the
    /// old registration number.
    /// </summary>
    public static (SubjectIdentification? Identity, FieldError? Error) Identify(CategoryDefinition category, RecordValidation validation)
    {
        var values = validation.Values;
        var type = validation.SubjectType ?? category.SubjectTypes[0];
        var name = values.TryGetValue(category.SubjectNameField, out var n) ? n.Trim() : "";
        var code = category.SubjectCodeField is { } codeField && values.TryGetValue(codeField, out var c) && c.Length > 0 ? c : null;
        var number = category.SubjectIdNumberField is { } idField && values.TryGetValue(idField, out var i) && i.Length > 0 ? i : null;
        if (type == SubjectType.LegalPerson && code is null)
        {
            return (null, new FieldError(category.SubjectCodeField ?? category.SubjectNameField, "subject.uscc_required", "法人及非法人组织须填写统一社会信用代码"));
        }

        if (type == SubjectType.NaturalPerson && number is null)
        {
            return (null, new FieldError(category.SubjectIdNumberField ?? category.SubjectNameField, "subject.id_required", "自然人须填写证件号码"));
        }

        // The old 工商注册号 (XK_XDR_GSZC, CF_XDR_GSZC in the national standard), an optional field.
        var registration = ValueOf(category, values, "_XDR_GSZC") is { } r ? ValueNormalizer.Code(r) : null;
        var kind = category.SubjectIdTypeField is { } typeField && values.TryGetValue(typeField, out var t) ? t : DefaultIdKind;
        if (code is null && number is null && type == SubjectType.IndividualBusiness)
        {
            // The operator of an individual business is often reported as its legal representative.
            if (ValueOf(category, values, "_FR_ZJHM") is { } operatorId)
            {
                var operatorKind = ValueOf(category, values, "_FR_ZJLX") ?? DefaultIdKind;
                return (new SubjectIdentification(type, name, null, operatorId, operatorKind, null), null);
            }

            if (registration is not null)
            {
                return (new SubjectIdentification(type, name, null, null, DefaultIdKind, registration), null);
            }
        }

        if (code is null && number is null)
        {
            return (null, new FieldError(category.SubjectCodeField ?? category.SubjectNameField, "subject.identifier_required",
                "个体工商户须填写统一社会信用代码、经营者证件号码或工商注册号"));
        }

        if (code is not null && type != SubjectType.NaturalPerson)
        {
            return (new SubjectIdentification(type, name, code, null, DefaultIdKind, registration), null);
        }

        return (new SubjectIdentification(type, name, null, number, kind, null), null);
    }

    private static string? ValueOf(CategoryDefinition category, IReadOnlyDictionary<string, string> values, string suffix) =>
        category.Fields.FirstOrDefault(f => f.Code.EndsWith(suffix, StringComparison.Ordinal)) is { } field
        && values.TryGetValue(field.Code, out var value) && value.Trim().Length > 0 ? value.Trim() : null;
}
