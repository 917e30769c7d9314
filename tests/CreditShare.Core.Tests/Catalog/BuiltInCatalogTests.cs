using CreditShare.Core.Catalog;

namespace CreditShare.Core.Tests.Catalog;

public class BuiltInCatalogTests
{
    public static TheoryData<string> Codes => [.. BuiltInCatalog.All.Select(c => c.Code)];

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_built_in_category_passes_the_definition_checker(string code) =>
        Assert.Empty(DefinitionChecker.Check(BuiltInCatalog.All.Single(c => c.Code == code)));

    [Fact]
    public void Penalty_category_has_every_field_code_of_the_national_standard()
    {
        string[] standard =
        [
            "CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_GSZC", "CF_XDR_ZZJG", "CF_XDR_SWDJ", "CF_XDR_SYDW", "CF_XDR_SHZZ", "CF_FRDB",
            "CF_FR_ZJLX", "CF_FR_ZJHM", "CF_XDR_ZJLX", "CF_XDR_ZJHM", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK",
            "CF_NR_WFFF", "CF_NR_ZKDX", "CF_JDRQ", "CF_YXQ", "CF_GSJZQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM", "BZ",
        ];
        Assert.Equal(standard.Order(), BuiltInCatalog.Penalty.Fields.Select(f => f.Code).Order());
    }

    [Fact]
    public void Licence_category_has_every_field_code_of_the_national_standard()
    {
        string[] standard =
        [
            "XK_XDR_MC", "XK_XDR_LB", "XK_XDR_SHXYM", "XK_XDR_GSZC", "XK_XDR_ZZJG", "XK_XDR_SWDJ", "XK_XDR_SYDW", "XK_XDR_SHZZ", "XK_FRDB",
            "XK_FR_ZJLX", "XK_FR_ZJHM", "XK_XDR_ZJLX", "XK_XDR_ZJHM", "XK_XKWS", "XK_WSH", "XK_XKLB", "XK_XKZS", "XK_XKBH", "XK_NR", "XK_JDRQ",
            "XK_YXQZ", "XK_YXQZI", "XK_XKJG", "XK_XKJGDM", "XK_ZT", "XK_LYDW", "XK_LYDWDM", "BZ",
        ];
        Assert.Equal(standard.Order(), BuiltInCatalog.Licence.Fields.Select(f => f.Code).Order());
    }

    [Fact]
    public void Personal_id_fields_are_never_public()
    {
        foreach (var category in BuiltInCatalog.All)
        {
            foreach (var field in category.Fields.Where(f => f.Personal))
            {
                Assert.NotEqual(SharingScope.Public, category.ScopeOf(field));
            }
        }
    }

    [Fact]
    public void Checker_reports_broken_definitions_by_field()
    {
        var broken = BuiltInCatalog.Penalty with
        {
            Code = "bad code",
            Fields = [.. BuiltInCatalog.Penalty.Fields, new FieldDefinition { Code = "CF_WSH", Label = "重复" }, new FieldDefinition { Code = "ENUM_X", Label = "枚举", Type = FieldType.Enum }],
            Rules = [new CrossFieldRule(CrossFieldRuleKind.NotBefore, "NOPE", "CF_JDRQ")],
        };
        var codes = DefinitionChecker.Check(broken).Select(e => e.Code).ToHashSet();
        Assert.Superset(new HashSet<string> { "catalog.code", "catalog.field_duplicate", "catalog.enum_values", "catalog.field_reference" }, codes);
    }
}
