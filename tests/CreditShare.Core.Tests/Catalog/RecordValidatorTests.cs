using CreditShare.Core.Catalog;

namespace CreditShare.Core.Tests.Catalog;

public class RecordValidatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    private static Dictionary<string, string?> ValidPenalty() => new()
    {
        ["CF_XDR_MC"] = "银川市某某商贸有限公司",
        ["CF_XDR_LB"] = "法人及非法人组织",
        ["CF_XDR_SHXYM"] = "91440300708461136T",
        ["CF_FRDB"] = "张三",
        ["CF_WSH"] = "银市监罚〔2026〕12号",
        ["CF_WFXW"] = "销售不合格产品",
        ["CF_SY"] = "经抽检，该公司销售的产品不合格",
        ["CF_YJ"] = "《中华人民共和国产品质量法》第四十九条",
        ["CF_CFLB"] = "警告；罚款",
        ["CF_NR"] = "警告并处罚款2万元",
        ["CF_NR_FK"] = "2",
        ["CF_JDRQ"] = "2026-03-01",
        ["CF_YXQ"] = "2027-03-01",
        ["CF_CFJG"] = "银川市市场监督管理局",
        ["CF_CFJGDM"] = "11640100MB1997032P",
        ["CF_SJLY"] = "银川市市场监督管理局",
        ["CF_SJLYDM"] = "11640100MB1997032P",
    };

    private static Dictionary<string, string?> Fix(Dictionary<string, string?> record)
    {
        // Give the authority codes a correct check character whatever prefix the test data uses.
        foreach (var key in new[] { "CF_CFJGDM", "CF_SJLYDM" })
        {
            var first17 = record[key]![..17];
            record[key] = first17 + CreditShare.Core.Codes.UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
        }

        return record;
    }

    [Fact]
    public void Accepts_a_complete_penalty_record_and_normalises_it()
    {
        var result = RecordValidator.Validate(BuiltInCatalog.Penalty, Fix(ValidPenalty()), Today);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Field}:{e.Code}")));
        Assert.Equal("警告;罚款", result.Values["CF_CFLB"]);
        Assert.Equal(SubjectType.LegalPerson, result.SubjectType);
    }

    [Fact]
    public void Requires_the_fine_amount_when_the_penalty_includes_a_fine()
    {
        var record = ValidPenalty();
        record.Remove("CF_NR_FK");
        var result = RecordValidator.Validate(BuiltInCatalog.Penalty, Fix(record), Today);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("CF_NR_FK", "rule.required_when"), (error.Field, error.Code));
    }

    [Fact]
    public void Reports_every_failed_field_not_just_the_first()
    {
        var record = ValidPenalty();
        record["CF_XDR_SHXYM"] = "91440300708461136U";
        record["CF_JDRQ"] = "2099-01-01";
        record["CF_CFLB"] = "警告；打板子";
        record["CF_WSH"] = new string('号', 129);
        record["CF_EXTRA"] = "x";
        var codes = RecordValidator.Validate(BuiltInCatalog.Penalty, Fix(record), Today).Errors.Select(e => (e.Field, e.Code)).ToHashSet();
        Assert.Contains(("CF_XDR_SHXYM", "uscc.check_digit"), codes);
        Assert.Contains(("CF_JDRQ", "field.date_in_future"), codes);
        Assert.Contains(("CF_CFLB", "field.enum"), codes);
        Assert.Contains(("CF_WSH", "field.too_long"), codes);
        Assert.Contains(("CF_EXTRA", "field.unknown"), codes);
        Assert.DoesNotContain(("CF_XDR_SHXYM", "rule.required_when"), codes);
    }

    [Fact]
    public void Checks_the_id_number_of_a_natural_person_when_the_type_is_id_card()
    {
        var record = ValidPenalty();
        record.Remove("CF_XDR_SHXYM");
        record.Remove("CF_FRDB");
        record["CF_XDR_LB"] = "自然人";
        record["CF_XDR_ZJLX"] = "身份证";
        record["CF_XDR_ZJHM"] = "110105194912310021";
        var errors = RecordValidator.Validate(BuiltInCatalog.Penalty, Fix(record), Today).Errors;
        Assert.Equal(("CF_XDR_ZJHM", "id_number.check_digit"), (Assert.Single(errors).Field, errors[0].Code));
    }

    [Fact]
    public void Licence_validity_end_may_not_precede_its_start()
    {
        var record = new Dictionary<string, string?>
        {
            ["XK_XDR_MC"] = "某公司",
            ["XK_XDR_LB"] = "法人及非法人组织",
            ["XK_XDR_SHXYM"] = "91440300708461136T",
            ["XK_FRDB"] = "李四",
            ["XK_XKWS"] = "食品经营许可决定书",
            ["XK_WSH"] = "JY16401000001",
            ["XK_XKLB"] = "普通",
            ["XK_NR"] = "食品销售",
            ["XK_JDRQ"] = "2026-01-05",
            ["XK_YXQZ"] = "2026-01-05",
            ["XK_YXQZI"] = "2025-12-31",
            ["XK_XKJG"] = "银川市市场监督管理局",
            ["XK_XKJGDM"] = "91440300708461136T",
            ["XK_ZT"] = "有效",
            ["XK_LYDW"] = "银川市市场监督管理局",
            ["XK_LYDWDM"] = "91440300708461136T",
        };
        var error = Assert.Single(RecordValidator.Validate(BuiltInCatalog.Licence, record, Today).Errors);
        Assert.Equal(("XK_YXQZI", "rule.not_before"), (error.Field, error.Code));
    }

    [Fact]
    public void Disclosure_period_takes_the_longest_penalty_type()
    {
        var values = new Dictionary<string, string> { ["CF_JDRQ"] = "2026-03-01", ["CF_CFLB"] = "警告;吊销许可证件" };
        Assert.Equal(new DateOnly(2029, 2, 28), DisclosurePeriods.DisclosureEnd(BuiltInCatalog.Penalty, values));
        values["CF_CFLB"] = "警告";
        Assert.Equal(new DateOnly(2026, 5, 31), DisclosurePeriods.DisclosureEnd(BuiltInCatalog.Penalty, values));
        values["CF_GSJZQ"] = "2026-12-31";
        Assert.Equal(new DateOnly(2026, 12, 31), DisclosurePeriods.DisclosureEnd(BuiltInCatalog.Penalty, values));
    }

    [Theory]
    [InlineData("2024-02-29", "2024-02-29")]
    [InlineData("2024/2/9", "2024-02-09")]
    [InlineData("20240209", "2024-02-09")]
    [InlineData("2024-2-09", "2024-02-09")]
    [InlineData("2023-02-29", null)]
    [InlineData("2024-13-01", null)]
    [InlineData("2024-00-10", null)]
    [InlineData("0000-01-01", null)]
    [InlineData("2024-0a-01", null)]
    [InlineData("２０２４-01-01", null)]
    [InlineData("2024-01-01 ", null)]
    public void Dates_are_read_in_the_formats_units_send_and_nothing_else(string value, string? expected)
    {
        var ok = RecordValidator.TryParseDate(value, out var date);
        Assert.Equal(expected, ok ? date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}
