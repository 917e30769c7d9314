using CreditShare.Core.Accounts;

namespace CreditShare.Core.Units;

/// <summary>
/// Who reads a unit's contacts (names, phones, e-mail of its responsible person and leader): the 系统管理员, who manages
/// units, and the unit's own staff. Everyone else sees the unit without them.
/// </summary>
public static class ContactAccess
{
    public static bool MaySee(IReadOnlyCollection<string> roles, int actorUnitId, int unitId) =>
        roles.Contains(StaffRoles.SystemAdmin) || (actorUnitId != 0 && actorUnitId == unitId);
}
