using CreditShare.Core.Accounts;
using CreditShare.Core.Units;

namespace CreditShare.Core.Tests.Units;

public class ContactAccessTests
{
    [Theory]
    [InlineData(StaffRoles.SystemAdmin, 1, 7, true)]
    [InlineData(StaffRoles.Reporter, 7, 7, true)]
    [InlineData(StaffRoles.Reporter, 8, 7, false)]
    [InlineData(StaffRoles.Reviewer, 1, 7, false)]
    [InlineData(StaffRoles.SecurityAdmin, 1, 7, false)]
    [InlineData(StaffRoles.Querier, 0, 0, false)]
    public void Only_the_system_administrator_and_the_units_own_staff_see_contacts(string role, int actorUnit, int unit, bool expected) =>
        Assert.Equal(expected, ContactAccess.MaySee([role], actorUnit, unit));
}
