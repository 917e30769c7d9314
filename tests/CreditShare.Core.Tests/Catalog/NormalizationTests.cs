using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;

namespace CreditShare.Core.Tests.Catalog;

/// <summary>
/// What departments' systems really send (issue 13): each spelling is stored in its canonical form, with the warning
/// it produces (none when only spaces, width or case differ), the value as received kept; really wrong values still
/// refused with their reason.
/// </summary>
public class NormalizationTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    private static string Code(string first17) => first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);

    private static Dictionary<string, string?> Penalty() => new()
    {
        ["CF_XDR_MC"] = "银川市某某商贸有限公司",
        ["CF_XDR_LB"] = "法人及非法人组织",
        ["CF_XDR_SHXYM"] = "91440300708461136T",
        ["CF_FRDB"] = "张三",
        ["CF_WSH"] = "银市监罚〔2026〕12号",
        ["CF_WFXW"] = "销售不合格产品",
        ["CF_SY"] = "经抽检，该公司销售的产品不合格",
        ["CF_YJ"] = "《中华人民共和国产品质量法》第四十九条",
        ["CF_CFLB"] = "罚款",
        ["CF_NR"] = "罚款2万元",
        ["CF_NR_FK"] = "2",
        ["CF_JDRQ"] = "2020-12-07",
        ["CF_YXQ"] = "2021-12-07",
        ["CF_CFJG"] = "银川市市场监督管理局",
        ["CF_CFJGDM"] = Code("11640100MB1997032"),
        ["CF_SJLY"] = "银川市市场监督管理局",
        ["CF_SJLYDM"] = Code("11640100MB1997032"),
    };

    private static Dictionary<string, string?> Licence() => new()
    {
        ["XK_XDR_MC"] = "银川市某某商贸有限公司",
        ["XK_XDR_LB"] = "法人及非法人组织",
        ["XK_XDR_SHXYM"] = "91440300708461136T",
        ["XK_FRDB"] = "张三",
        ["XK_XKWS"] = "食品经营许可决定书",
        ["XK_WSH"] = "银食许〔2020〕8号",
        ["XK_XKLB"] = "普通",
        ["XK_NR"] = "食品销售",
        ["XK_JDRQ"] = "2020-12-07",
        ["XK_YXQZ"] = "2020-12-07",
        ["XK_YXQZI"] = "2025-12-06",
        ["XK_XKJG"] = "银川市市场监督管理局",
        ["XK_XKJGDM"] = Code("11640100MB1997032"),
        ["XK_ZT"] = "有效",
        ["XK_LYDW"] = "银川市市场监督管理局",
        ["XK_LYDWDM"] = Code("11640100MB1997032"),
    };

    private static RecordValidation One(CategoryDefinition category, Dictionary<string, string?> record, string field, string? value)
    {
        record[field] = value;
        return RecordValidator.Validate(category, record, Today);
    }

    private static void AssertStored(RecordValidation result, string field, string expected, string? warning)
    {
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Field}:{e.Code}:{e.Message}")));
        Assert.Equal(expected, result.Values[field]);
        var warnings = result.Warnings.Where(w => w.Field == field).Select(w => w.Code).ToList();
        if (warning is null)
        {
            Assert.Empty(warnings);
        }
        else
        {
            Assert.Equal([warning], warnings);
        }
    }

    [Theory]
    [InlineData("2020年12月7日")]
    [InlineData("2020年12月07日")]
    [InlineData("2020.12.07")]
    [InlineData("2020/12/07")]
    [InlineData("2020/12/7")]
    [InlineData("20201207")]
    [InlineData("2020-12-07 00:00:00")]
    [InlineData("2020-12-07 00:00:00.0")]
    [InlineData("2020-12-07T00:00:00")]
    [InlineData("2020-12-07T00:00:00+08:00")]
    [InlineData("2020-12-06T16:00:00Z")]
    [InlineData("2020-12-06T20:30:00-03:00")]
    [InlineData("２０２０年１２月７日")]
    public void Dates_in_every_real_format_are_stored_as_the_China_day(string sent)
    {
        var result = One(BuiltInCatalog.Penalty, Penalty(), "CF_JDRQ", sent);
        AssertStored(result, "CF_JDRQ", "2020-12-07", "value.normalized");
        Assert.Equal(sent, result.Received["CF_JDRQ"]);
        Assert.Contains("2020-12-07", result.Warnings.Single(w => w.Field == "CF_JDRQ").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_width_iso_date_differs_only_in_print_and_needs_no_warning()
    {
        var result = One(BuiltInCatalog.Penalty, Penalty(), "CF_JDRQ", "２０２０－１２－０７");
        AssertStored(result, "CF_JDRQ", "2020-12-07", null);
        Assert.Equal("２０２０－１２－０７", result.Received["CF_JDRQ"]);
    }

    [Fact]
    public void A_date_time_late_in_the_evening_UTC_is_the_next_China_day()
    {
        AssertStored(One(BuiltInCatalog.Penalty, Penalty(), "CF_JDRQ", "2020-12-07T16:30:00Z"), "CF_JDRQ", "2020-12-08", "value.normalized");
    }

    [Fact]
    public void An_iso_date_is_stored_as_sent_without_a_warning()
    {
        var result = One(BuiltInCatalog.Penalty, Penalty(), "CF_JDRQ", "2020-12-07");
        AssertStored(result, "CF_JDRQ", "2020-12-07", null);
        Assert.Empty(result.Received);
    }

    [Theory]
    [InlineData("长期")]
    [InlineData("长期有效")]
    [InlineData("2099/12/31")]
    public void Long_term_validity_is_2099_12_31(string sent) =>
        AssertStored(One(BuiltInCatalog.Licence, Licence(), "XK_YXQZI", sent), "XK_YXQZI", "2099-12-31", "value.normalized");

    [Fact]
    public void Long_term_is_refused_where_a_real_date_is_needed()
    {
        var result = One(BuiltInCatalog.Penalty, Penalty(), "CF_JDRQ", "长期");
        Assert.Equal(("CF_JDRQ", "field.date_long_term"), (result.Errors.Single().Field, result.Errors.Single().Code));
    }

    [Theory]
    [InlineData("2020-13-07")]
    [InlineData("2020年2月30日")]
    [InlineData("07/12/2020")]
    [InlineData("二〇二〇年")]
    public void A_date_that_is_really_wrong_is_still_refused_as_a_date(string sent)
    {
        var error = Assert.Single(One(BuiltInCatalog.Penalty, Penalty(), "CF_JDRQ", sent).Errors);
        Assert.Equal(("CF_JDRQ", "field.date"), (error.Field, error.Code));
    }

    [Fact]
    public void A_long_date_spelling_gets_a_format_answer_not_a_length_one()
    {
        // 2020年12月07日 is 11 characters; the field holds 10.
        AssertStored(One(BuiltInCatalog.Penalty, Penalty(), "CF_JDRQ", "2020年12月07日"), "CF_JDRQ", "2020-12-07", "value.normalized");
        var error = Assert.Single(One(BuiltInCatalog.Penalty, Penalty(), "CF_JDRQ", "2020年13月07日").Errors);
        Assert.Equal("field.date", error.Code);
    }

    [Theory]
    [InlineData("无")]
    [InlineData("/")]
    [InlineData("－")]
    [InlineData("-")]
    [InlineData("空")]
    [InlineData("暂无")]
    [InlineData("null")]
    [InlineData("NULL")]
    public void Placeholders_in_optional_fields_of_every_type_mean_empty(string placeholder)
    {
        // Text, decimal, date, code, enumeration.
        foreach (var field in new[] { "BZ", "CF_NR_WFFF", "CF_GSJZQ", "CF_XDR_GSZC", "CF_FR_ZJLX" })
        {
            var result = One(BuiltInCatalog.Penalty, Penalty(), field, placeholder);
            Assert.True(result.IsValid, $"{field}: " + string.Join("; ", result.Errors.Select(e => e.Message)));
            Assert.False(result.Values.ContainsKey(field), field);
            var warning = Assert.Single(result.Warnings, w => w.Field == field);
            Assert.Equal("value.placeholder", warning.Code);
            Assert.Contains(placeholder, warning.Message, StringComparison.Ordinal);
            Assert.Equal(placeholder, result.Received[field]);
        }
    }

    [Fact]
    public void A_placeholder_in_a_required_field_is_reported_missing_naming_it()
    {
        var error = Assert.Single(One(BuiltInCatalog.Penalty, Penalty(), "CF_YJ", "无").Errors);
        Assert.Equal(("CF_YJ", "field.placeholder"), (error.Field, error.Code));
        Assert.Contains("“无”", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2万元", "2")]
    [InlineData("2.00万", "2.00")]
    [InlineData("2万", "2")]
    [InlineData("1,234.5", "1234.5")]
    [InlineData("１２３４．５", "1234.5")]
    [InlineData("1,234.5万元", "1234.5")]
    public void Amounts_in_wan_yuan_fields(string sent, string stored) =>
        AssertStored(One(BuiltInCatalog.Penalty, Penalty(), "CF_NR_FK", sent), "CF_NR_FK", stored, sent.All(c => c is >= '\uFF00') ? null : "value.normalized");

    [Theory]
    [InlineData("20000元")]
    [InlineData("20,000元")]
    public void An_amount_in_yuan_is_refused_saying_the_field_is_in_wan_yuan(string sent)
    {
        var error = Assert.Single(One(BuiltInCatalog.Penalty, Penalty(), "CF_NR_FK", sent).Errors);
        Assert.Equal(("CF_NR_FK", "field.amount_unit"), (error.Field, error.Code));
        Assert.Contains("万元", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1,23")]
    [InlineData("两万")]
    [InlineData("2万美元")]
    public void A_number_that_is_not_one_is_refused(string sent) =>
        Assert.Equal("field.decimal", Assert.Single(One(BuiltInCatalog.Penalty, Penalty(), "CF_NR_FK", sent).Errors).Code);

    [Theory]
    [InlineData("9144 0300 7084 6113 6T")]
    [InlineData("91440300708461136t")]
    [InlineData("９１４４０３００７０８４６１１３６Ｔ")]
    public void A_uscc_printed_in_groups_or_full_width_is_one_code(string sent)
    {
        var result = One(BuiltInCatalog.Penalty, Penalty(), "CF_XDR_SHXYM", sent);
        AssertStored(result, "CF_XDR_SHXYM", "91440300708461136T", null);
        Assert.Equal(sent, result.Received["CF_XDR_SHXYM"]);
    }

    [Theory]
    [InlineData("70846113-6", "708461136")]
    [InlineData("708461136", "708461136")]
    public void The_organisation_code_in_its_printed_form(string sent, string stored) =>
        AssertStored(One(BuiltInCatalog.Penalty, Penalty(), "CF_XDR_ZZJG", sent), "CF_XDR_ZZJG", stored, sent.Contains('-', StringComparison.Ordinal) ? "value.normalized" : null);

    [Fact]
    public void An_organisation_code_with_a_wrong_check_character_is_refused() =>
        Assert.Equal("field.organization_code", Assert.Single(One(BuiltInCatalog.Penalty, Penalty(), "CF_XDR_ZZJG", "70846113-5").Errors).Code);

    [Fact]
    public void An_individual_business_without_a_uscc_is_reported_with_the_national_placeholder()
    {
        var record = Penalty();
        record["CF_XDR_LB"] = "个体工商户";
        record["CF_XDR_SHXYM"] = "00000000000000000X";
        record["CF_XDR_GSZC"] = "640100600123456";
        var result = RecordValidator.Validate(BuiltInCatalog.Penalty, record, Today);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
        Assert.False(result.Values.ContainsKey("CF_XDR_SHXYM"));
        Assert.Equal("value.placeholder", Assert.Single(result.Warnings, w => w.Field == "CF_XDR_SHXYM").Code);

        // For an organisation the placeholder is no code at all.
        record["CF_XDR_LB"] = "法人及非法人组织";
        var refused = RecordValidator.Validate(BuiltInCatalog.Penalty, record, Today);
        Assert.Contains(refused.Errors, e => e.Field == "CF_XDR_SHXYM" && e.Code == "rule.required_when");
    }

    [Theory]
    [InlineData("法人及其他组织", "法人及非法人组织")]
    [InlineData("法人和其他组织", "法人及非法人组织")]
    [InlineData("个体户", "个体工商户")]
    public void Older_labels_of_the_subject_kind(string sent, string stored)
    {
        var record = Penalty();
        if (stored == "个体工商户")
        {
            record["CF_XDR_SHXYM"] = Code("92640100MA76ABC81");
        }

        AssertStored(One(BuiltInCatalog.Penalty, record, "CF_XDR_LB", sent), "CF_XDR_LB", stored, "value.normalized");
    }

    [Theory]
    [InlineData("居民身份证")]
    [InlineData("111")]
    [InlineData("身份证号")]
    public void Id_kinds_by_their_common_names_and_GA_T_517_codes(string sent)
    {
        var record = Penalty();
        record["CF_XDR_LB"] = "自然人";
        record["CF_XDR_MC"] = "王五";
        record.Remove("CF_XDR_SHXYM");
        record.Remove("CF_FRDB");
        var id = "64010419850312206" + CitizenIdNumber.ComputeCheckCharacter("64010419850312206");
        record["CF_XDR_ZJHM"] = $"{id[..6]} {id[6..14]} {id[14..]}";
        var result = One(BuiltInCatalog.Penalty, record, "CF_XDR_ZJLX", sent);
        AssertStored(result, "CF_XDR_ZJLX", "身份证", "value.normalized");
        // The ID number is then checked as one, its spaces removed, and not repeated in any warning.
        Assert.Equal(id, result.Values["CF_XDR_ZJHM"]);
        Assert.DoesNotContain(result.Warnings, w => w.Message.Contains("640104", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1", "有效")]
    [InlineData("正常", "有效")]
    [InlineData("2", "无效")]
    [InlineData("撤销", "无效")]
    [InlineData("注销", "无效")]
    [InlineData("吊销", "无效")]
    public void Licence_status_by_code_and_by_event(string sent, string stored)
    {
        var result = One(BuiltInCatalog.Licence, Licence(), "XK_ZT", sent);
        AssertStored(result, "XK_ZT", stored, "value.normalized");
        // The word received (the reason it is 无效) stays in the provenance.
        Assert.Equal(sent, result.Received["XK_ZT"]);
    }

    [Theory]
    [InlineData("暂扣或者吊销许可证、暂扣或者吊销执照", "其他（暂扣或者吊销许可证、暂扣或者吊销执照）")]
    [InlineData("警告、暂扣或者吊销许可证", "警告;其他（暂扣或者吊销许可证）")]
    [InlineData("法律、行政法规规定的其他行政处罚", "其他（法律、行政法规规定的其他行政处罚）")]
    [InlineData("没收违法所得、没收非法财物", "没收违法所得;没收非法财物")]
    public void Penalty_categories_of_the_1996_law_for_decisions_before_2021_07_15(string sent, string stored)
    {
        var record = Penalty();
        record.Remove("CF_NR_FK");
        AssertStored(One(BuiltInCatalog.Penalty, record, "CF_CFLB", sent), "CF_CFLB", stored, sent.StartsWith("没收", StringComparison.Ordinal) ? null : "value.normalized");
    }

    [Fact]
    public void A_1996_category_on_a_decision_after_the_revision_is_refused_saying_why()
    {
        var record = Penalty();
        record["CF_JDRQ"] = "2021-07-15";
        record["CF_YXQ"] = "2022-07-15";
        record.Remove("CF_NR_FK");
        var error = Assert.Single(One(BuiltInCatalog.Penalty, record, "CF_CFLB", "暂扣或者吊销许可证").Errors);
        Assert.Equal(("CF_CFLB", "field.enum_superseded"), (error.Field, error.Code));
        Assert.Contains("2021年7月15日", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("其他（责令改正）", "其他（责令改正）")]
    [InlineData("罚款;其他(责令限期改正、恢复原状)", "罚款;其他（责令限期改正、恢复原状）")]
    public void Other_with_its_note_is_kept(string sent, string stored)
    {
        var result = One(BuiltInCatalog.Penalty, Penalty(), "CF_CFLB", sent);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
        Assert.Equal(stored, result.Values["CF_CFLB"]);
        // Counted as 其他 for the disclosure period: the longer of 罚款 and 其他 (both 12 months).
        Assert.Equal(12, DisclosurePeriods.MonthsFor(BuiltInCatalog.Penalty.Disclosure, result.Values));
    }

    [Fact]
    public void The_fine_rule_sees_a_fine_among_notes()
    {
        var record = Penalty();
        record.Remove("CF_NR_FK");
        var result = One(BuiltInCatalog.Penalty, record, "CF_CFLB", "其他（责令改正、罚款）;罚款");
        Assert.Equal("rule.required_when", Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void An_unknown_category_is_still_refused_naming_it()
    {
        var error = Assert.Single(One(BuiltInCatalog.Penalty, Penalty(), "CF_CFLB", "罚款；训诫").Errors);
        Assert.Equal("field.enum", error.Code);
        Assert.Contains("训诫", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Document_numbers_hold_128_characters_as_exchange_tables_do()
    {
        AssertStored(One(BuiltInCatalog.Penalty, Penalty(), "CF_WSH", new string('号', 128)), "CF_WSH", new string('号', 128), null);
        Assert.Equal("field.too_long", Assert.Single(One(BuiltInCatalog.Penalty, Penalty(), "CF_WSH", new string('号', 129)).Errors).Code);
        var documentNumbers = BuiltInCatalog.All.Select(c => c.Field(c.DocumentNumberField)!).Where(f => f.Format == FieldFormat.None).ToList();
        Assert.Equal(5, documentNumbers.Count);
        Assert.All(documentNumbers, f => Assert.True(f.MaxLength >= 128, f.Code));
    }

    [Fact]
    public void Aliases_are_catalog_data_a_center_can_extend()
    {
        var field = BuiltInCatalog.Licence.Field("XK_XKLB")!;
        var edited = BuiltInCatalog.Licence with
        {
            Fields = [.. BuiltInCatalog.Licence.Fields.Select(f => f == field ? f with { Aliases = [new("一般", "普通")] } : f)],
        };
        AssertStored(One(edited, Licence(), "XK_XKLB", "一般"), "XK_XKLB", "普通", "value.normalized");
        Assert.Equal("field.enum", Assert.Single(One(BuiltInCatalog.Licence, Licence(), "XK_XKLB", "一般").Errors).Code);
    }
}
