using CreditShare.Core.Catalog;
using CreditShare.Core.Sharing;
using CreditShare.Core.Units;

namespace CreditShare.Core.Tests.Sharing;

public class UnitKindsTests
{
    [Theory]
    [MemberData(nameof(SharingCatalogs.EveryKind), MemberType = typeof(SharingCatalogs))]
    public void Each_kind_of_unit_has_its_ceiling_period_and_reach(UnitRoles roles)
    {
        var government = SharingCatalogs.IsGovernment(roles);
        var market = SharingCatalogs.IsMarket(roles);
        Assert.Equal(government || market, UnitKinds.IsDataUser(roles));
        Assert.Equal(government ? SharingScope.Government : SharingScope.Public, UnitKinds.Ceiling(roles));
        Assert.Equal(government, UnitKinds.ReachesNaturalPersons(roles));
        Assert.Equal(government ? 36 : 12, UnitKinds.MaxGrantMonths(roles));
    }

    [Theory]
    [MemberData(nameof(SharingCatalogs.EveryKind), MemberType = typeof(SharingCatalogs))]
    public void What_a_unit_receives_is_its_grant_cut_down_to_its_ceiling_and_nothing_for_others(UnitRoles roles)
    {
        var received = UnitKinds.Receivable(roles, SharingCatalogs.Category, ["MC", "ZW", "YSQ", "BGX", "不存在"]);
        string[] expected = SharingCatalogs.IsGovernment(roles) ? ["MC", "ZW"] : SharingCatalogs.IsMarket(roles) ? ["MC"] : [];
        Assert.Equal(expected.Order(), received.Order());
    }

    [Fact]
    public void A_field_not_granted_is_not_received_even_where_the_ceiling_allows_it() =>
        Assert.Equal(["ZW"], UnitKinds.Receivable(UnitRoles.User, SharingCatalogs.Category, ["ZW"]));

    [Fact]
    public void A_category_narrowed_to_government_gives_market_institutions_nothing_even_for_fields_granted_earlier()
    {
        Assert.Empty(UnitKinds.Receivable(UnitRoles.CreditAgency, SharingCatalogs.GovernmentCategory, ["MC", "WSH"]));
        Assert.Equal(["MC", "WSH"], UnitKinds.Receivable(UnitRoles.User, SharingCatalogs.GovernmentCategory, ["MC", "WSH"]).Order());
    }

    [Fact]
    public void A_formal_request_gets_every_field_short_of_not_shared() =>
        Assert.Equal(["MC", "WSH", "YSQ", "ZW"], UnitKinds.ForFormalRequest(SharingCatalogs.Category).Order());

    [Fact]
    public void Grant_and_field_codes_are_compared_exactly() =>
        Assert.Empty(UnitKinds.Receivable(UnitRoles.User, SharingCatalogs.Category, ["mc", " MC"]));
}
