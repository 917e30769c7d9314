using CreditShare.Core.Accounts;

namespace CreditShare.Core.Tests.Accounts;

public class StaffRolesTests
{
    [Theory]
    [InlineData(StaffRoles.SystemAdmin, StaffRoles.SecurityAdmin, "role.admins_exclusive")]
    [InlineData(StaffRoles.SecurityAdmin, StaffRoles.AuditAdmin, "role.admins_exclusive")]
    [InlineData(StaffRoles.SecurityAdmin, StaffRoles.Querier, "role.separation_of_duties")]
    [InlineData(StaffRoles.SystemAdmin, StaffRoles.Reviewer, "role.separation_of_duties")]
    [InlineData(StaffRoles.AuditAdmin, StaffRoles.Reporter, "role.separation_of_duties")]
    [InlineData(StaffRoles.Querier, "超级管理员", "role.unknown")]
    public void Refuses_forbidden_combinations(string a, string b, string expected) =>
        Assert.Contains(StaffRoles.CheckCombination([a, b]), e => e.Code == expected);

    [Theory]
    [InlineData(StaffRoles.Querier, StaffRoles.Reviewer)]
    [InlineData(StaffRoles.SecurityAdmin)]
    [InlineData(StaffRoles.AuditAdmin)]
    public void Allows_compatible_roles(params string[] roles) => Assert.Empty(StaffRoles.CheckCombination(roles));
}
