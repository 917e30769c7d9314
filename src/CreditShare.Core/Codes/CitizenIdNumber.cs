using System.Globalization;

namespace CreditShare.Core.Codes;

/// <summary>公民身份号码 per GB 11643-1999 (ISO 7064 MOD 11-2).</summary>
public static class CitizenIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    public static CodeCheck Check(string? input, DateOnly today, string field = "id_number")
    {
        var id = CodeText.Normalize(input);
        if (id.Length == 0)
        {
            return CodeCheck.Fail(id, new FieldError(field, "id_number.required", "身份证号码不能为空"));
        }

        if (id.Length != 18)
        {
            return CodeCheck.Fail(id, new FieldError(field, "id_number.length", $"身份证号码应为18位，实际为{id.Length}位"));
        }

        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(id[i]))
            {
                return CodeCheck.Fail(id, new FieldError(field, "id_number.charset", $"身份证号码第{i + 1}位应为数字"));
            }
        }

        if (!char.IsAsciiDigit(id[17]) && id[17] != 'X')
        {
            return CodeCheck.Fail(id, new FieldError(field, "id_number.charset", "身份证号码第18位应为数字或X"));
        }

        if (!DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth > today || birth.Year < 1850)
        {
            return CodeCheck.Fail(id, new FieldError(field, "id_number.birth_date", "身份证号码中的出生日期无效"));
        }

        if (id[17] != ComputeCheckCharacter(id.AsSpan(0, 17)))
        {
            return CodeCheck.Fail(id, new FieldError(field, "id_number.check_digit", "身份证号码校验位错误"));
        }

        return new CodeCheck(id, [], []);
    }

    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>Masks for every view that is not the subject's own: 110105********002X.</summary>
    public static string Mask(string id) =>
        id.Length == 18 ? string.Concat(id.AsSpan(0, 6), "********", id.AsSpan(14, 4)) : new string('*', id.Length);
}
