using CreditShare.Core.Sharing;
using CreditShare.Core.Units;

namespace CreditShare.Core.Tests.Sharing;

public class GrantCeilingTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    private static GrantTerms Terms(UnitRoles? roles = UnitRoles.User, IReadOnlyList<string>? fields = null, string? purpose = "双随机抽查", DateOnly? from = null, DateOnly? to = null) =>
        new(roles, SharingCatalogs.Category, fields ?? ["MC"], purpose, from ?? Today, to ?? Today.AddMonths(6));

    private static string[] Codes(GrantTerms terms, DateOnly? today) => [.. GrantCeiling.Check(terms, today).Select(e => e.Code)];

    [Fact]
    public void A_grant_inside_every_limit_passes() => Assert.Empty(Codes(Terms(), Today));

    [Theory]
    [InlineData(UnitRoles.User, new[] { "MC", "WSH", "ZW" })]
    [InlineData(UnitRoles.CreditAgency, new[] { "MC", "WSH" })]
    [InlineData(UnitRoles.FinancialInstitution, new[] { "MC" })]
    public void Fields_within_the_ceiling_of_the_unit_kind_may_be_granted(UnitRoles roles, string[] fields) =>
        Assert.Empty(Codes(Terms(roles, fields), Today));

    [Theory]
    [InlineData(UnitRoles.User, "YSQ", "grant.field_on_request")]
    [InlineData(UnitRoles.CreditAgency, "YSQ", "grant.field_on_request")]
    [InlineData(UnitRoles.User, "BGX", "grant.field_not_shared")]
    [InlineData(UnitRoles.FinancialInstitution, "BGX", "grant.field_not_shared")]
    [InlineData(UnitRoles.CreditAgency, "ZW", "grant.field_beyond_unit_type")]
    [InlineData(UnitRoles.FinancialInstitution, "ZW", "grant.field_beyond_unit_type")]
    [InlineData(UnitRoles.User, "NOPE", "grant.field_unknown")]
    public void A_field_beyond_the_catalog_or_the_unit_kind_is_refused(UnitRoles roles, string field, string code) =>
        Assert.Equal([code], Codes(Terms(roles, ["MC", field]), Today));

    [Fact]
    public void On_request_fields_are_refused_even_to_government_units_and_say_how_to_get_them()
    {
        var error = Assert.Single(GrantCeiling.Check(Terms(UnitRoles.User, ["YSQ"]), Today));
        Assert.Equal("fields", error.Field);
        Assert.Contains("书面查询申请", error.Message);
    }

    [Fact]
    public void Every_bad_field_is_reported_once()
    {
        Assert.Equal(["grant.field_beyond_unit_type", "grant.field_on_request", "grant.field_not_shared"],
            Codes(Terms(UnitRoles.CreditAgency, ["ZW", "YSQ", "BGX", "ZW", "MC"]), Today));
    }

    [Fact]
    public void A_field_of_a_category_narrowed_to_government_is_beyond_a_market_institution() =>
        Assert.Equal(["grant.field_beyond_unit_type"], Codes(Terms(UnitRoles.CreditAgency) with { Definition = SharingCatalogs.GovernmentCategory }, Today));

    [Theory]
    [InlineData(null)]
    [InlineData(UnitRoles.None)]
    [InlineData(UnitRoles.Center)]
    [InlineData(UnitRoles.Source)]
    public void Only_data_user_units_may_be_granted(UnitRoles? roles) => Assert.Contains("grant.not_data_user", Codes(Terms(roles), Today));

    [Fact]
    public void A_missing_unit_is_not_checked_for_fields_or_period_length()
    {
        Assert.Equal(["grant.not_data_user"], Codes(Terms(null, ["ZW", "YSQ"], to: Today.AddYears(10)), Today));
    }

    [Fact]
    public void A_category_not_in_the_catalog_and_no_fields_are_both_reported()
    {
        Assert.Equal(["grant.category", "grant.fields_required"], Codes(Terms(fields: []) with { Definition = null }, Today));
        Assert.Equal(["grant.fields_required"], Codes(Terms() with { Fields = null }, Today));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_purpose_is_required(string? purpose) => Assert.Equal(["grant.purpose_required"], Codes(Terms(purpose: purpose), Today));

    [Fact]
    public void A_purpose_may_be_500_characters_after_trimming_but_not_501()
    {
        Assert.Empty(Codes(Terms(purpose: "  " + new string('用', 500) + "  "), Today));
        Assert.Equal(["grant.purpose_required"], Codes(Terms(purpose: new string('用', 501)), Today));
    }

    [Theory]
    [InlineData("2026-03-10", "2029-03-10", true)] // exactly 36 months
    [InlineData("2026-03-10", "2029-03-11", false)]
    [InlineData("2024-02-29", "2027-02-28", true)] // from a leap day: the month has no 29th three years on
    [InlineData("2024-02-29", "2027-03-01", false)]
    [InlineData("2025-02-28", "2028-02-28", true)]
    [InlineData("2025-02-28", "2028-02-29", false)] // into a leap year, the 29th is a day too many
    [InlineData("2026-01-31", "2029-01-31", true)]
    [InlineData("2026-01-31", "2029-02-01", false)]
    public void Government_units_grants_run_at_most_36_months(string from, string to, bool allowed) =>
        Assert.Equal(allowed, Period(UnitRoles.User, from, to) is null);

    [Theory]
    [InlineData("2026-03-10", "2027-03-10", true)] // exactly 12 months
    [InlineData("2026-03-10", "2027-03-11", false)]
    [InlineData("2024-02-29", "2025-02-28", true)]
    [InlineData("2024-02-29", "2025-03-01", false)]
    [InlineData("2023-03-01", "2024-03-01", true)] // across a leap day: still 12 months
    [InlineData("2023-02-28", "2024-02-28", true)]
    [InlineData("2023-02-28", "2024-02-29", false)]
    [InlineData("2026-01-31", "2027-01-31", true)]
    public void Market_institutions_grants_run_at_most_12_months(string from, string to, bool allowed)
    {
        Assert.Equal(allowed, Period(UnitRoles.CreditAgency, from, to) is null);
        Assert.Equal(allowed, Period(UnitRoles.FinancialInstitution, from, to) is null);
    }

    [Fact]
    public void A_unit_holding_a_government_role_gets_the_government_period()
    {
        Assert.Null(Period(UnitRoles.User | UnitRoles.FinancialInstitution, "2026-03-10", "2029-03-10"));
        Assert.Equal(new DateOnly(2029, 3, 10), GrantCeiling.LatestEnd(UnitRoles.User | UnitRoles.CreditAgency, new DateOnly(2026, 3, 10)));
    }

    [Fact]
    public void The_refusal_names_the_limit_of_the_unit_kind()
    {
        Assert.Contains("36", Period(UnitRoles.User, "2026-03-10", "2030-01-01")!.Message);
        Assert.Contains("12", Period(UnitRoles.CreditAgency, "2026-03-10", "2030-01-01")!.Message);
    }

    [Fact]
    public void A_period_needs_both_ends_in_order()
    {
        Assert.Equal("grant.period_required", GrantCeiling.PeriodProblem(UnitRoles.User, null, Today, Today)?.Code);
        Assert.Equal("grant.period_required", GrantCeiling.PeriodProblem(UnitRoles.User, Today, null, Today)?.Code);
        Assert.Equal("grant.period_order", GrantCeiling.PeriodProblem(UnitRoles.User, Today, Today.AddDays(-1), Today)?.Code);
        Assert.Null(GrantCeiling.PeriodProblem(UnitRoles.User, Today, Today, Today));
    }

    [Fact]
    public void A_request_ending_before_today_is_refused_but_approval_does_not_look_at_today()
    {
        var yesterday = Today.AddDays(-1);
        Assert.Equal("grant.period_past", GrantCeiling.PeriodProblem(UnitRoles.User, yesterday.AddMonths(-1), yesterday, Today)?.Code);
        Assert.Null(GrantCeiling.PeriodProblem(UnitRoles.User, yesterday.AddMonths(-1), yesterday, today: null));
        Assert.Null(GrantCeiling.PeriodProblem(UnitRoles.User, yesterday.AddMonths(-1), Today, Today));
    }

    [Fact]
    public void Approval_still_checks_the_length_and_the_ceiling() =>
        Assert.Equal(["grant.field_on_request", "grant.period_too_long"], Codes(Terms(UnitRoles.CreditAgency, ["YSQ"], to: Today.AddMonths(13)), today: null));

    private static Core.FieldError? Period(UnitRoles roles, string from, string to) =>
        GrantCeiling.PeriodProblem(roles, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture), new DateOnly(2020, 1, 1));
}
