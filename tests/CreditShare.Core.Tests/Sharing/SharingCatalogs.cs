using CreditShare.Core.Catalog;
using CreditShare.Core.Units;

namespace CreditShare.Core.Tests.Sharing;

/// <summary>A small category with one field of every sharing scope, and every kind of unit.</summary>
internal static class SharingCatalogs
{
    public static CategoryDefinition Category { get; } = new()
    {
        Code = "TEST",
        Name = "测试类别",
        SubjectNameField = "MC",
        DocumentNumberField = "WSH",
        Sharing = SharingScope.Public,
        Fields =
        [
            new FieldDefinition { Code = "MC", Label = "名称" },
            new FieldDefinition { Code = "WSH", Label = "文书号" },
            new FieldDefinition { Code = "ZW", Label = "政务字段", Sharing = SharingScope.Government },
            new FieldDefinition { Code = "YSQ", Label = "依申请字段", Sharing = SharingScope.OnRequest },
            new FieldDefinition { Code = "BGX", Label = "不共享字段", Sharing = SharingScope.NotShared },
        ],
    };

    /// <summary>The same category narrowed to government as a whole: its "public" fields are government fields now.</summary>
    public static CategoryDefinition GovernmentCategory { get; } = Category with { Code = "TESTG", Sharing = SharingScope.Government };

    public static TheoryData<UnitRoles> EveryKind { get; } = [UnitRoles.None, UnitRoles.Center, UnitRoles.Source, UnitRoles.User, UnitRoles.CreditAgency, UnitRoles.FinancialInstitution,
        UnitRoles.Source | UnitRoles.User, UnitRoles.CreditAgency | UnitRoles.FinancialInstitution, UnitRoles.User | UnitRoles.CreditAgency, UnitRoles.Center | UnitRoles.Source];

    public static bool IsGovernment(UnitRoles roles) => roles.HasFlag(UnitRoles.User);

    public static bool IsMarket(UnitRoles roles) => !IsGovernment(roles) && (roles.HasFlag(UnitRoles.CreditAgency) || roles.HasFlag(UnitRoles.FinancialInstitution));
}
