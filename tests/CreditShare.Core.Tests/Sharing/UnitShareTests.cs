using CreditShare.Core.Sharing;

namespace CreditShare.Core.Tests.Sharing;

public class UnitShareTests
{
    private static readonly Dictionary<string, IReadOnlySet<string>> Fields = new() { ["XZCF"] = new HashSet<string> { "CF_XDR_MC" } };

    [Fact]
    public void A_share_built_without_saying_so_does_not_reach_natural_persons()
    {
        var share = new UnitShare(7, Fields, new HashSet<(int, string)>());
        Assert.False(share.NaturalPersons);
        Assert.False(share.Reaches(naturalPerson: true));
        Assert.True(share.Reaches(naturalPerson: false));
    }

    [Fact]
    public void A_share_that_says_so_reaches_natural_persons()
    {
        var share = new UnitShare(7, Fields, new HashSet<(int, string)>(), NaturalPersons: true);
        Assert.True(share.Reaches(naturalPerson: true));
        Assert.True(share.Reaches(naturalPerson: false));
    }

    [Fact]
    public void Nothing_is_nothing_and_reaches_nobody()
    {
        var share = UnitShare.Nothing(7);
        Assert.Empty(share.Categories);
        Assert.False(share.Allows(1, "XZCF"));
        Assert.False(share.NaturalPersons);
    }

    [Fact]
    public void A_record_is_allowed_in_a_granted_category_unless_its_source_unit_withholds_it()
    {
        var share = new UnitShare(7, Fields, new HashSet<(int, string)> { (3, "XZCF") });
        Assert.True(share.Allows(1, "XZCF"));
        Assert.False(share.Allows(3, "XZCF"));
        Assert.False(share.Allows(1, "XZXK"));
        Assert.Equal(["XZCF"], share.Categories);
    }
}
