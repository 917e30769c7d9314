namespace CreditShare.Core.Credentials;

/// <summary>
/// One line of 附4 (到期U-key更换登记表): sequence, account, user, phone and remarks. The paper form's 用户口令 column
/// is deliberately absent: a PIN written on a sealed form travels through many hands, so the token's PIN is reset at
/// renewal instead.
/// </summary>
public sealed record RenewalRegistrationLine
{
    /// <summary>序号 as on the paper; none means the line's position.</summary>
    public int? Sequence { get; init; }

    public string AccountName { get; init; } = "";

    /// <summary>使用者.</summary>
    public string UserName { get; init; } = "";

    /// <summary>联系电话: a mobile or a landline.</summary>
    public string Phone { get; init; } = "";

    public string? Remarks { get; init; }
}

/// <summary>附4 as a unit sends it: its lines; the unit is the signed-in sender's, not a field.</summary>
public sealed record RenewalRegistrationForm
{
    public IReadOnlyList<RenewalRegistrationLine> Lines { get; init; } = [];
}

/// <summary>The checks of 附4 that need no database: each line filled in and well formed, no account twice, no sequence twice.</summary>
public static class RenewalRegistrationRules
{
    public const int MaxLines = 200;

    public static (IReadOnlyList<RenewalRegistrationLine> Lines, IReadOnlyList<FieldError> Errors) Check(RenewalRegistrationForm? form)
    {
        var errors = new List<FieldError>();
        var input = form?.Lines ?? [];
        if (input.Count == 0)
        {
            return ([], [new FieldError("lines", "renewal_registration.empty", "请至少登记一个到期U-key")]);
        }

        if (input.Count > MaxLines)
        {
            return ([], [new FieldError("lines", "renewal_registration.too_many", $"一次最多登记{MaxLines}个U-key，请分批登记")]);
        }

        var lines = new List<RenewalRegistrationLine>(input.Count);
        var accounts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var sequences = new Dictionary<int, int>();
        for (var i = 0; i < input.Count; i++)
        {
            var raw = input[i] ?? new RenewalRegistrationLine();
            var prefix = $"lines[{i}].";
            var mobile = CredentialApplicationRules.MobileNumber(raw.Phone);
            var line = new RenewalRegistrationLine
            {
                Sequence = raw.Sequence ?? i + 1,
                AccountName = CredentialApplicationRules.Text(raw.AccountName),
                UserName = CredentialApplicationRules.Text(raw.UserName),
                Phone = CredentialApplicationRules.MobilePattern().IsMatch(mobile) ? mobile : CredentialApplicationRules.Phone(raw.Phone),
                Remarks = CredentialApplicationRules.Text(raw.Remarks) is { Length: > 0 } remarks ? remarks : null,
            };
            lines.Add(line);

            if (line.Sequence is not (>= 1 and <= 9999))
            {
                errors.Add(new FieldError(prefix + "sequence", "renewal_registration.sequence", "序号应为1至9999的整数"));
            }
            else if (!sequences.TryAdd(line.Sequence.Value, i))
            {
                errors.Add(new FieldError(prefix + "sequence", "renewal_registration.sequence_twice", $"序号 {line.Sequence} 与第{sequences[line.Sequence.Value] + 1}行重复"));
            }

            CredentialApplicationRules.Required(errors, prefix + "accountName", "账号", line.AccountName, 64);
            if (line.AccountName.Length > 0 && !accounts.TryAdd(line.AccountName, i))
            {
                errors.Add(new FieldError(prefix + "accountName", "renewal_registration.account_twice", $"账号 {line.AccountName} 与第{accounts[line.AccountName] + 1}行重复"));
            }

            CredentialApplicationRules.Required(errors, prefix + "userName", "使用者", line.UserName, 50);
            if (line.Phone.Length == 0)
            {
                errors.Add(new FieldError(prefix + "phone", "application.required", "请填写联系电话"));
            }
            else
            {
                CredentialApplicationRules.PhoneField(errors, prefix + "phone", "联系电话", line.Phone);
            }

            if (line.Remarks is { Length: > 200 })
            {
                errors.Add(new FieldError(prefix + "remarks", "application.too_long", "备注不能超过200个字"));
            }
        }

        return (lines, errors);
    }
}
