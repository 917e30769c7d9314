using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CreditShare.Core.Accounts;
using CreditShare.Core.Codes;

namespace CreditShare.Core.Credentials;

/// <summary>使用人证件类型 on 附1. Stored as a number: never renumber. On the wire: <c>idCard</c>, <c>other</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IdDocumentType>))]
public enum IdDocumentType
{
    [JsonStringEnumMemberName("idCard")]
    IdCard = 0,

    [JsonStringEnumMemberName("other")]
    Other = 1,
}

/// <summary>接收方式 on 附1. Stored as a number: never renumber. On the wire: <c>post</c>, <c>collect</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliveryMethod>))]
public enum DeliveryMethod
{
    /// <summary>邮寄给使用人（按以上联系方式）.</summary>
    [JsonStringEnumMemberName("post")]
    Post = 0,

    /// <summary>现场领取（经办人携带本人身份证）.</summary>
    [JsonStringEnumMemberName("collect")]
    Collect = 1,
}

/// <summary>
/// Every field of 附1 (宁夏信用信息共享平台U-key使用申请表) and 附2 (经办人授权书), plus what the platform needs to
/// create the account: the sign-in name and roles asked for, and the terms of use accepted with the application.
/// </summary>
public sealed record CredentialApplicationForm
{
    // 附1 §1 申请机构信息
    public string OrganisationName { get; init; } = "";

    /// <summary>The organisation's USCC: not on the paper form, but how the platform finds the unit.</summary>
    public string UnitCode { get; init; } = "";

    public string Address { get; init; } = "";

    public string PostalCode { get; init; } = "";

    public string UserName { get; init; } = "";

    public string OfficePhone { get; init; } = "";

    public string Mobile { get; init; } = "";

    public string Email { get; init; } = "";

    public IdDocumentType IdType { get; init; }

    public string IdNumber { get; init; } = "";

    // 附1 §2 申请信息
    public int Quantity { get; init; } = 1;

    public int ValidityMonths { get; init; } = 24;

    public DeliveryMethod Delivery { get; init; }

    // 附2 被授权人（经办人）
    public string AgentName { get; init; } = "";

    public string AgentDepartment { get; init; } = "";

    public string AgentPhone { get; init; } = "";

    public string AgentMobile { get; init; } = "";

    public string AgentEmail { get; init; } = "";

    // The account the credential is for.
    public string AccountName { get; init; } = "";

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The version of the terms of use the applicant accepted; null when not accepted.</summary>
    public string? AcceptedTermsVersion { get; init; }

    /// <summary>
    /// A personnel change or a new computer (art. 16): the U-key this application replaces, as on 附3, cancelled when
    /// the new one is issued. Null for a first application.
    /// </summary>
    public CertificateReplacement? Replaces { get; init; }
}

/// <summary>附3 (U-key注销申请书) as part of a change (art. 16): whose U-key, its serial, and why it is cancelled.</summary>
public sealed record CertificateReplacement
{
    /// <summary>姓名 of the person who holds the U-key now (the leaver, or the same person on a new computer).</summary>
    public string HolderName { get; init; } = "";

    public string HolderPhone { get; init; } = "";

    /// <summary>U-key序列号: the certificate's serial, hexadecimal.</summary>
    public string SerialNumber { get; init; } = "";

    public CancellationReason Reason { get; init; } = CancellationReason.UserInformationChanged;

    public string? ReasonText { get; init; }
}

/// <summary>What a U-key application must hold before it is taken, and its fields normalised (half-width, no separators in numbers).</summary>
public static partial class CredentialApplicationRules
{
    public static readonly IReadOnlyList<int> AllowedValidityMonths = [24, 48];

    public const int MaxQuantity = 10;

    /// <summary>Roles a unit's staff may ask for on an application; center roles are given inside the center, not applied for.</summary>
    public static IReadOnlyList<string> ApplicableRoles { get; } = [StaffRoles.Reporter, StaffRoles.UserUnitQuerier, StaffRoles.Querier, StaffRoles.Reviewer];

    /// <summary>The form with its numbers normalised, and every reason it cannot be taken (empty: it can).</summary>
    public static (CredentialApplicationForm Form, IReadOnlyList<FieldError> Errors) Check(CredentialApplicationForm form, DateOnly today, string currentTermsVersion)
    {
        var errors = new List<FieldError>();
        var uscc = UnifiedSocialCreditCode.Check(form.UnitCode, "unitCode");
        errors.AddRange(uscc.Errors);
        var normalised = form with
        {
            OrganisationName = Text(form.OrganisationName),
            UnitCode = uscc.Value,
            Address = Text(form.Address),
            PostalCode = Digits(form.PostalCode),
            UserName = Text(form.UserName),
            OfficePhone = Phone(form.OfficePhone),
            Mobile = MobileNumber(form.Mobile),
            Email = Text(form.Email).ToLowerInvariant(),
            IdNumber = CodeText.Normalize(form.IdNumber),
            AgentName = Text(form.AgentName),
            AgentDepartment = Text(form.AgentDepartment),
            AgentPhone = Phone(form.AgentPhone),
            AgentMobile = MobileNumber(form.AgentMobile),
            AgentEmail = Text(form.AgentEmail).ToLowerInvariant(),
            AccountName = Text(form.AccountName),
            Roles = [.. form.Roles.Select(Text).Where(r => r.Length > 0).Distinct()],
        };

        Required(errors, "organisationName", "机构名称", normalised.OrganisationName, 100);
        Required(errors, "address", "通信地址", normalised.Address, 200);
        if (!PostalCodePattern().IsMatch(normalised.PostalCode))
        {
            errors.Add(new FieldError("postalCode", "application.postal_code", "邮政编码应为6位数字"));
        }

        Required(errors, "userName", "使用人姓名", normalised.UserName, 50);
        PhoneField(errors, "officePhone", "办公电话", normalised.OfficePhone);
        MobileField(errors, "mobile", "手机", normalised.Mobile);
        EmailField(errors, "email", "电子邮箱", normalised.Email);
        if (!Enum.IsDefined(normalised.IdType))
        {
            errors.Add(new FieldError("idType", "application.id_type", "请选择使用人证件类型"));
        }
        else if (normalised.IdType == IdDocumentType.IdCard)
        {
            errors.AddRange(CitizenIdNumber.Check(normalised.IdNumber, today, "idNumber").Errors);
        }
        else
        {
            Required(errors, "idNumber", "证件号码", normalised.IdNumber, 30);
        }

        if (normalised.Quantity < 1 || normalised.Quantity > MaxQuantity)
        {
            errors.Add(new FieldError("quantity", "application.quantity", $"申请数量应为1至{MaxQuantity}个"));
        }

        if (!AllowedValidityMonths.Contains(normalised.ValidityMonths))
        {
            errors.Add(new FieldError("validityMonths", "application.validity", "证书有效期只能为24个月或48个月"));
        }

        if (!Enum.IsDefined(normalised.Delivery))
        {
            errors.Add(new FieldError("delivery", "application.delivery", "请选择接收方式"));
        }

        Required(errors, "agentName", "经办人姓名", normalised.AgentName, 50);
        Required(errors, "agentDepartment", "经办人所在部门", normalised.AgentDepartment, 100);
        PhoneField(errors, "agentPhone", "经办人联系电话", normalised.AgentPhone);
        MobileField(errors, "agentMobile", "经办人手机", normalised.AgentMobile);
        EmailField(errors, "agentEmail", "经办人电子邮箱", normalised.AgentEmail);

        if (!AccountNamePattern().IsMatch(normalised.AccountName))
        {
            errors.Add(new FieldError("accountName", "application.account_name", "账号应为3至32位字母、数字、点、下划线或连字符，以字母开头"));
        }

        if (normalised.Roles.Count == 0)
        {
            errors.Add(new FieldError("roles", "application.roles", "请选择申请的角色"));
        }

        foreach (var role in normalised.Roles.Where(r => !ApplicableRoles.Contains(r)))
        {
            errors.Add(new FieldError("roles", "application.role_not_applicable", $"“{role}”不能通过U-key申请获得"));
        }

        errors.AddRange(StaffRoles.CheckCombination(normalised.Roles));
        if (normalised.Replaces is { } replaces)
        {
            normalised = normalised with { Replaces = CheckReplacement(replaces, errors) };
        }

        if (normalised.AcceptedTermsVersion != currentTermsVersion)
        {
            errors.Add(new FieldError("acceptTerms", "application.terms", "请阅读并接受平台使用条款"));
        }

        return (normalised, errors);
    }

    private static CertificateReplacement CheckReplacement(CertificateReplacement replaces, List<FieldError> errors)
    {
        // Serials as people copy them from a certificate viewer: with spaces or colons between the bytes, any case.
        var serial = new string([.. Digits(replaces.SerialNumber).Where(c => c != ':' && c != ' ')]).ToUpperInvariant();
        var normalised = replaces with
        {
            HolderName = Text(replaces.HolderName),
            HolderPhone = Phone(replaces.HolderPhone),
            SerialNumber = serial,
            ReasonText = replaces.ReasonText is null ? null : Text(replaces.ReasonText),
        };
        Required(errors, "replaces.holderName", "原U-key使用人姓名", normalised.HolderName, 50);
        PhoneField(errors, "replaces.holderPhone", "原U-key使用人联系电话", normalised.HolderPhone);
        if (!SerialPattern().IsMatch(serial))
        {
            errors.Add(new FieldError("replaces.serialNumber", "application.replaced_serial", "原U-key序列号应为证书序列号（十六进制，最多40位）"));
        }

        if (CancellationReasons.Check(normalised.Reason, normalised.ReasonText) is { } reason)
        {
            errors.Add(reason with { Field = "replaces." + reason.Field });
        }

        return normalised;
    }

    internal static void Required(List<FieldError> errors, string field, string label, string value, int maxLength)
    {
        if (value.Length == 0)
        {
            errors.Add(new FieldError(field, "application.required", $"请填写{label}"));
        }
        else if (value.Length > maxLength)
        {
            errors.Add(new FieldError(field, "application.too_long", $"{label}不能超过{maxLength}个字"));
        }
    }

    internal static void PhoneField(List<FieldError> errors, string field, string label, string value)
    {
        if (!PhonePattern().IsMatch(value))
        {
            errors.Add(new FieldError(field, "application.phone", $"{label}格式不正确（如 0951-1234567）"));
        }
    }

    private static void MobileField(List<FieldError> errors, string field, string label, string value)
    {
        if (!MobilePattern().IsMatch(value))
        {
            errors.Add(new FieldError(field, "application.mobile", $"{label}应为11位手机号码"));
        }
    }

    private static void EmailField(List<FieldError> errors, string field, string label, string value)
    {
        if (value.Length > 100 || !EmailPattern().IsMatch(value))
        {
            errors.Add(new FieldError(field, "application.email", $"{label}格式不正确"));
        }
    }

    /// <summary>Full-width to half-width and trimmed, case kept: for names and addresses.</summary>
    internal static string Text(string? value) => HalfWidth(value).Trim();

    private static string Digits(string? value) => HalfWidth(value).Replace(" ", "", StringComparison.Ordinal).Trim();

    /// <summary>A landline as people write it: spaces dropped, full-width digits and dashes made half-width.</summary>
    internal static string Phone(string? value) => Digits(value).Replace('—', '-').Replace('－', '-');

    /// <summary>A mobile as people write it (+86 139-1234-5678): eleven digits.</summary>
    internal static string MobileNumber(string? value)
    {
        var digits = Phone(value).Replace("-", "", StringComparison.Ordinal);
        if (digits.StartsWith("+86", StringComparison.Ordinal))
        {
            digits = digits[3..];
        }
        else if (digits.StartsWith("0086", StringComparison.Ordinal))
        {
            digits = digits[4..];
        }

        return digits;
    }

    private static string HalfWidth(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return string.Create(value.Length, value, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    _ => c,
                };
            }
        });
    }

    [GeneratedRegex(@"^[0-9]{6}$")]
    private static partial Regex PostalCodePattern();

    [GeneratedRegex(@"^\+?[0-9][0-9\-]{5,18}[0-9](\s*(转|ext\.?|#)\s*[0-9]{1,6})?$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^1[3-9][0-9]{9}$")]
    internal static partial Regex MobilePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[0-9A-F]{2,40}$")]
    private static partial Regex SerialPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9._\-]{2,31}$")]
    private static partial Regex AccountNamePattern();
}
