using CreditShare.Core.Codes;
using CsCheck;

namespace CreditShare.Core.Tests.Codes;

public class CitizenIdNumberTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    [Theory]
    [InlineData("11010519491231002X")] // the example printed in GB 11643-1999
    [InlineData("440524188001010014")]
    [InlineData("11010519491231002x")]
    public void Accepts_valid_numbers(string id) => Assert.True(CitizenIdNumber.Check(id, Today).IsValid);

    [Theory]
    [InlineData("110105194912310021", "id_number.check_digit")]
    [InlineData("11010519491331002X", "id_number.birth_date")]
    [InlineData("11010520991231002X", "id_number.birth_date")]
    [InlineData("1101051949123100", "id_number.length")]
    [InlineData("1101051949A231002X", "id_number.charset")]
    [InlineData("", "id_number.required")]
    public void Says_which_rule_failed(string id, string expected) =>
        Assert.Equal(expected, Assert.Single(CitizenIdNumber.Check(id, Today).Errors).Code);

    [Fact]
    public void Masks_the_middle_eight_digits() => Assert.Equal("110105********002X", CitizenIdNumber.Mask("11010519491231002X"));

    [Fact]
    public void Every_number_with_a_changed_check_character_is_rejected()
    {
        var birthDays = Gen.Int[0, 30000].Select(d => new DateOnly(1940, 1, 1).AddDays(d));
        var ids = Gen.Select(Gen.Int[110000, 659999], birthDays, Gen.Int[0, 999]).Select((area, birth, seq) =>
        {
            var first17 = $"{area:D6}{birth:yyyyMMdd}{seq:D3}";
            return first17 + CitizenIdNumber.ComputeCheckCharacter(first17);
        });
        Gen.Select(ids, Gen.Int[1, 10]).Sample((id, shift) =>
        {
            Assert.True(CitizenIdNumber.Check(id, Today).IsValid, id);
            const string checks = "0123456789X";
            var wrong = checks[(checks.IndexOf(id[17]) + shift) % 11];
            Assert.Equal("id_number.check_digit", Assert.Single(CitizenIdNumber.Check(id[..17] + wrong, Today).Errors).Code);
        }, iter: 2000);
    }
}
