using CreditShare.Core.Codes;
using CsCheck;

namespace CreditShare.Core.Tests.Codes;

public class UnifiedSocialCreditCodeTests
{
    // Published codes of well-known registrants (from their public business licences).
    [Theory]
    [InlineData("91110000802100433B")] // 中国石油天然气股份有限公司
    [InlineData("91440300708461136T")] // 深圳市腾讯计算机系统有限公司
    [InlineData("91330100716105852F")] // 阿里巴巴（中国）有限公司
    public void Accepts_published_codes(string code)
    {
        var result = UnifiedSocialCreditCode.Check(code);
        Assert.True(result.IsValid, string.Join(",", result.Errors.Select(e => e.Code)));
    }

    [Fact]
    public void Computes_the_check_character_with_weights_3_pow_i_mod_31()
    {
        // Σ value×weight for 91350100M000100Y4 computed by hand from the standard's table.
        var first17 = "91350100M000100Y4";
        var weights = new[] { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
        var sum = first17.Select((c, i) => UnifiedSocialCreditCode.Alphabet.IndexOf(c) * weights[i]).Sum();
        var expected = UnifiedSocialCreditCode.Alphabet[(31 - (sum % 31)) % 31];
        Assert.Equal(expected, UnifiedSocialCreditCode.ComputeCheckCharacter(first17));
        for (var i = 0; i < 17; i++)
        {
            Assert.Equal(weights[i], (int)(BigPow(3, i) % 31));
        }
    }

    private static System.Numerics.BigInteger BigPow(int b, int e) => System.Numerics.BigInteger.Pow(b, e);

    [Theory]
    [InlineData(" 91440300708461136t ")]
    [InlineData("９１４４０３００７０８４６１１３６Ｔ")]
    public void Normalises_case_whitespace_and_full_width_before_checking(string typed)
    {
        var result = UnifiedSocialCreditCode.Check(typed);
        Assert.True(result.IsValid);
        Assert.Equal("91440300708461136T", result.Value);
    }

    [Theory]
    [InlineData("", "uscc.required")]
    [InlineData("9144030070846113", "uscc.length")]
    [InlineData("91440300708461136TX", "uscc.length")]
    [InlineData("9144030070846113IT", "uscc.charset")]
    [InlineData("91440300708461136S", "uscc.charset")]
    [InlineData("91440300708461136U", "uscc.check_digit")]
    public void Says_which_rule_failed(string code, string expectedError)
    {
        var result = UnifiedSocialCreditCode.Check(code);
        Assert.False(result.IsValid);
        Assert.Equal(expectedError, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void Accepts_with_a_warning_when_only_the_embedded_organisation_code_check_fails()
    {
        // Positions 9–17 "708461135" carry a wrong organisation check; the final check character is recomputed to be right.
        var first17 = "91440300708461135";
        var code = first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
        var result = UnifiedSocialCreditCode.Check(code);
        Assert.True(result.IsValid);
        Assert.Equal("uscc.organization_check", Assert.Single(result.Warnings).Code);
    }

    private static readonly Gen<string> ValidCodes =
        Gen.Char[UnifiedSocialCreditCode.Alphabet].Array[17].Select(chars =>
        {
            var first17 = new string(chars);
            return first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
        });

    [Fact]
    public void Every_generated_code_with_its_computed_check_character_is_accepted() =>
        ValidCodes.Sample(code => Assert.True(UnifiedSocialCreditCode.Check(code).IsValid, code), iter: 2000);

    [Fact]
    public void Every_code_with_a_changed_check_character_is_rejected() =>
        Gen.Select(ValidCodes, Gen.Int[1, 30]).Sample((code, shift) =>
        {
            var wrong = UnifiedSocialCreditCode.Alphabet[(UnifiedSocialCreditCode.Alphabet.IndexOf(code[17]) + shift) % 31];
            var tampered = code[..17] + wrong;
            Assert.Equal("uscc.check_digit", Assert.Single(UnifiedSocialCreditCode.Check(tampered).Errors).Code);
        }, iter: 2000);
}
