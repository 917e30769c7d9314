using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;
using CreditShare.Core.Reporting;

namespace CreditShare.Core.Tests.Reporting;

public class ReportingAuthorityTests
{
    private static readonly string Court = UnifiedSocialCreditCode.Compose("11640100", "01350890");
    private static readonly string MarketBureau = UnifiedSocialCreditCode.Compose("11640000", "01350012");
    private static readonly string DistrictCourt = UnifiedSocialCreditCode.Compose("11640104", "01350891");
    private static readonly DateOnly Today = new(2026, 6, 1);

    private static ReportingUnit CourtUnit(params string[] categories) =>
        new(Court, "银川市中级人民法院", categories.ToHashSet(), new Dictionary<string, string> { [DistrictCourt] = "兴庆区人民法院" });

    /// <summary>A 吊销许可证件 penalty on a company, in the name of <paramref name="authority"/> (null leaves both fields out).</summary>
    private static Dictionary<string, string?> Revocation(string? authority, string authorityName = "宁夏回族自治区市场监督管理厅")
    {
        var record = new Dictionary<string, string?>
        {
            ["CF_XDR_MC"] = "宁夏某某商贸有限公司",
            ["CF_XDR_LB"] = "法人及非法人组织",
            ["CF_XDR_SHXYM"] = "91440300708461136T",
            ["CF_FRDB"] = "张三",
            ["CF_WSH"] = "宁市监罚〔2026〕1号",
            ["CF_WFXW"] = "无证经营",
            ["CF_SY"] = "经查无证经营",
            ["CF_YJ"] = "《行政许可法》",
            ["CF_CFLB"] = "吊销许可证件",
            ["CF_NR"] = "吊销食品经营许可证",
            ["CF_JDRQ"] = "2026-03-01",
            ["CF_YXQ"] = "2029-03-01",
        };
        if (authority is not null)
        {
            record["CF_CFJG"] = record["CF_SJLY"] = authorityName;
            record["CF_CFJGDM"] = record["CF_SJLYDM"] = authority;
        }

        return record;
    }

    private static (RecordValidation Validation, IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Notes) Run(Dictionary<string, string?> record, ReportingUnit unit)
    {
        var (row, notes) = ReportingAuthority.Fill(BuiltInCatalog.Penalty, record, unit);
        var validation = RecordValidator.Validate(BuiltInCatalog.Penalty, row, Today);
        return (validation, [.. validation.Errors, .. ReportingAuthority.Check(BuiltInCatalog.Penalty, validation.Values, unit)], notes);
    }

    [Fact]
    public void A_category_not_assigned_is_refused_with_its_name()
    {
        var refusal = ReportingAuthority.Refusal(BuiltInCatalog.Penalty, CourtUnit("YZSX"));
        Assert.Equal(ReportingAuthority.NotAssignedCode, refusal!.Code);
        Assert.Contains("行政处罚", refusal.Message);
        Assert.Null(ReportingAuthority.Refusal(BuiltInCatalog.Penalty, CourtUnit("XZCF")));
    }

    [Fact]
    public void A_record_in_another_units_name_is_refused_on_both_fields()
    {
        var (_, errors, notes) = Run(Revocation(MarketBureau), CourtUnit("XZCF"));
        Assert.Empty(notes);
        Assert.Equal(["CF_CFJGDM", "CF_SJLYDM"], errors.Where(e => e.Code == ReportingAuthority.NotOwnCode).Select(e => e.Field).Order());
        Assert.Contains(errors, e => e.Field == "CF_CFJGDM" && e.Message.StartsWith("处罚机关统一社会信用代码", StringComparison.Ordinal) && e.Message.Contains(MarketBureau));
        Assert.Contains(errors, e => e.Field == "CF_SJLYDM" && e.Message.StartsWith("数据来源单位统一社会信用代码", StringComparison.Ordinal));
    }

    [Fact]
    public void The_units_own_code_in_any_spelling_and_a_unit_it_reports_for_are_accepted()
    {
        Assert.Empty(Run(Revocation(" " + Court.ToLowerInvariant() + " ", "银川市中级人民法院"), CourtUnit("XZCF")).Errors);
        Assert.Empty(Run(Revocation(DistrictCourt, "兴庆区人民法院"), CourtUnit("XZCF")).Errors);
    }

    [Fact]
    public void Empty_fields_are_filled_from_the_reporting_unit_and_say_so()
    {
        var (validation, errors, notes) = Run(Revocation(null), CourtUnit("XZCF"));
        Assert.Empty(errors);
        Assert.Equal((Court, Court, "银川市中级人民法院", "银川市中级人民法院"),
            (validation.Values["CF_CFJGDM"], validation.Values["CF_SJLYDM"], validation.Values["CF_CFJG"], validation.Values["CF_SJLY"]));
        Assert.Equal(["CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"], notes.Select(n => n.Field).Order());
        Assert.All(notes, n => Assert.Equal(ReportingAuthority.FilledCode, n.Code));
    }

    [Fact]
    public void An_empty_name_beside_a_unit_it_reports_for_takes_the_registered_name_and_beside_a_stranger_stays_empty()
    {
        var district = Revocation(DistrictCourt);
        district["CF_CFJG"] = district["CF_SJLY"] = "";
        var (validation, errors, _) = Run(district, CourtUnit("XZCF"));
        Assert.Empty(errors);
        Assert.Equal("兴庆区人民法院", validation.Values["CF_CFJG"]);

        var stranger = Revocation(MarketBureau);
        stranger["CF_CFJG"] = null;
        var refused = Run(stranger, CourtUnit("XZCF")).Errors;
        Assert.Contains(refused, e => (e.Field, e.Code) == ("CF_CFJG", "field.required"));
        Assert.Contains(refused, e => (e.Field, e.Code) == ("CF_CFJGDM", ReportingAuthority.NotOwnCode));
    }

    [Fact]
    public void A_code_with_a_wrong_check_digit_keeps_its_own_reason_only()
    {
        var errors = Run(Revocation(Court[..17] + (Court[17] == '0' ? '1' : '0')), CourtUnit("XZCF")).Errors;
        Assert.DoesNotContain(errors, e => e.Code == ReportingAuthority.NotOwnCode);
        Assert.Contains(errors, e => e.Field == "CF_SJLYDM");
    }

    [Fact]
    public void A_version_stored_before_categories_named_these_fields_binds_the_built_in_ones()
    {
        var old = BuiltInCatalog.Penalty with { SourceUnitCodeField = null, SourceUnitNameField = null, AuthorityCodeField = null, AuthorityNameField = null };
        var fields = ReportingAuthority.FieldsOf(old);
        Assert.Equal(("CF_SJLYDM", "CF_SJLY", "CF_CFJGDM", "CF_CFJG"), (fields.SourceCode, fields.SourceName, fields.AuthorityCode, fields.AuthorityName));
        var imported = old with { Code = "XZQZ", Name = "行政强制" };
        Assert.Empty(ReportingAuthority.FieldsOf(imported).Bound);
    }

    [Fact]
    public void Every_built_in_category_binds_its_source_unit()
    {
        Assert.All(BuiltInCatalog.All, c => Assert.NotNull(ReportingAuthority.FieldsOf(c).SourceCode));
        Assert.Equal("XK_XKJGDM", ReportingAuthority.FieldsOf(BuiltInCatalog.Licence).AuthorityCode);
    }
}
