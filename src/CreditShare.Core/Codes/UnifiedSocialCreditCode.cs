namespace CreditShare.Core.Codes;

/// <summary>统一社会信用代码 per GB 32100-2015.</summary>
public static class UnifiedSocialCreditCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    private static readonly int[] OrganizationWeights = [3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>Validates after normalising; errors reject the code, warnings keep it.</summary>
    public static CodeCheck Check(string? input, string field = "uscc")
    {
        var code = CodeText.Normalize(input);
        if (code.Length == 0)
        {
            return CodeCheck.Fail(code, new FieldError(field, "uscc.required", "统一社会信用代码不能为空"));
        }

        if (code.Length != 18)
        {
            return CodeCheck.Fail(code, new FieldError(field, "uscc.length", $"统一社会信用代码应为18位，实际为{code.Length}位"));
        }

        for (var i = 0; i < code.Length; i++)
        {
            if (Alphabet.IndexOf(code[i], StringComparison.Ordinal) < 0)
            {
                return CodeCheck.Fail(code, new FieldError(field, "uscc.charset",
                    $"统一社会信用代码第{i + 1}位“{code[i]}”不是允许的字符（数字及除I、O、S、V、Z以外的大写字母）"));
            }
        }

        var expected = ComputeCheckCharacter(code.AsSpan(0, 17));
        if (code[17] != expected)
        {
            return CodeCheck.Fail(code, new FieldError(field, "uscc.check_digit", "统一社会信用代码校验位错误"));
        }

        var warnings = new List<FieldError>();
        if (!OrganizationCodeIsValid(code.AsSpan(8, 9)))
        {
            warnings.Add(new FieldError(field, "uscc.organization_check", "统一社会信用代码中的组织机构代码（第9–17位）校验位不符，已接收，请核实"));
        }

        return new CodeCheck(code, [], warnings);
    }

    public static bool IsValid(string? input) => Check(input).IsValid;

    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(first17[i], StringComparison.Ordinal) * Weights[i];
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>GB 11714 check character for the first 8 characters of an organisation code.</summary>
    public static char OrganizationCheckCharacter(ReadOnlySpan<char> first8)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = first8[i];
            sum += (char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10) * OrganizationWeights[i];
        }

        var check = 11 - (sum % 11);
        return check switch { 10 => 'X', 11 => '0', _ => (char)('0' + check) };
    }

    /// <summary>Builds a valid code from registration prefix (8 characters) and organisation code body (8 characters).</summary>
    public static string Compose(string prefix8, string organization8)
    {
        var first17 = prefix8 + organization8 + OrganizationCheckCharacter(organization8);
        return first17 + ComputeCheckCharacter(first17);
    }

    /// <summary>GB 11714 check of the embedded 9-character organisation code.</summary>
    public static bool OrganizationCodeIsValid(ReadOnlySpan<char> organizationCode)
    {
        if (organizationCode.Length != 9)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = organizationCode[i];
            int value = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                return false;
            }

            sum += value * OrganizationWeights[i];
        }

        var check = 11 - (sum % 11);
        var expected = check switch { 10 => 'X', 11 => '0', _ => (char)('0' + check) };
        return organizationCode[8] == expected;
    }
}

/// <summary>Result of checking a code: the normalised value, errors that reject it, warnings that do not.</summary>
public sealed record CodeCheck(string Value, IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings)
{
    public bool IsValid => Errors.Count == 0;

    public static CodeCheck Fail(string value, FieldError error) => new(value, [error], []);
}
