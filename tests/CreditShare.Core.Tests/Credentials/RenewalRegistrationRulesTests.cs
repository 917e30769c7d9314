using CreditShare.Core.Credentials;

namespace CreditShare.Core.Tests.Credentials;

public class RenewalRegistrationRulesTests
{
    private static RenewalRegistrationLine Line(string account = "wangfang", string user = "王芳", string phone = "13951007788", int? sequence = null, string? remarks = null) =>
        new() { AccountName = account, UserName = user, Phone = phone, Sequence = sequence, Remarks = remarks };

    private static (IReadOnlyList<RenewalRegistrationLine> Lines, IReadOnlyList<FieldError> Errors) Check(params RenewalRegistrationLine[] lines) =>
        RenewalRegistrationRules.Check(new RenewalRegistrationForm { Lines = lines });

    [Fact]
    public void Lines_are_normalised_and_numbered_by_position_when_the_sequence_is_left_out()
    {
        var (lines, errors) = Check(Line(phone: "+86 139-5100-7788", remarks: "  "), Line(account: "ＬＩＵＹＡＮＧ", user: "刘洋", phone: "０９５１－６０１２３４５"));
        Assert.Empty(errors);
        Assert.Equal([1, 2], lines.Select(l => l.Sequence));
        Assert.Equal("13951007788", lines[0].Phone);
        Assert.Null(lines[0].Remarks);
        Assert.Equal(("LIUYANG", "0951-6012345"), (lines[1].AccountName, lines[1].Phone));
    }

    [Fact]
    public void An_empty_form_and_one_over_the_limit_are_refused_as_a_whole()
    {
        Assert.Equal("renewal_registration.empty", Assert.Single(Check().Errors).Code);
        Assert.Equal("renewal_registration.empty", Assert.Single(RenewalRegistrationRules.Check(null).Errors).Code);
        var many = Enumerable.Range(0, RenewalRegistrationRules.MaxLines + 1).Select(i => Line(account: $"a{i}")).ToArray();
        Assert.Equal("renewal_registration.too_many", Assert.Single(Check(many).Errors).Code);
        Assert.Empty(Check(many[..RenewalRegistrationRules.MaxLines]).Errors);
    }

    [Fact]
    public void The_same_account_or_sequence_twice_is_named_on_the_second_line()
    {
        var errors = Check(Line(sequence: 3), Line(account: "WangFang", sequence: 3)).Errors;
        Assert.Equal(["lines[1].sequence", "lines[1].accountName"], errors.Select(e => e.Field));
        Assert.Contains("第1行", errors[0].Message);
    }

    [Theory]
    [InlineData("", "王芳", "13951007788", "lines[0].accountName", "application.required")]
    [InlineData("wangfang", "", "13951007788", "lines[0].userName", "application.required")]
    [InlineData("wangfang", "王芳", "", "lines[0].phone", "application.required")]
    [InlineData("wangfang", "王芳", "电话", "lines[0].phone", "application.phone")]
    public void Every_column_but_remarks_is_required_and_well_formed(string account, string user, string phone, string field, string code)
    {
        var error = Assert.Single(Check(Line(account, user, phone)).Errors);
        Assert.Equal((field, code), (error.Field, error.Code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10000)]
    public void A_sequence_outside_the_form_is_refused(int sequence) =>
        Assert.Equal("renewal_registration.sequence", Assert.Single(Check(Line(sequence: sequence)).Errors).Code);
}
