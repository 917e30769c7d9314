using CreditShare.Core.Catalog;
using CreditShare.Core.Units;

namespace CreditShare.Core.Sharing;

/// <summary>
/// What each kind of unit may receive (art. 9, 11, 13). Government units (数据使用单位) reach fields shared with
/// government and natural persons through grants; credit agencies and financial institutions only public fields, and
/// natural persons only through a formal request carrying the person's consent. Every other unit (the center, a pure
/// data source) receives nothing through sharing.
/// </summary>
public static class UnitKinds
{
    /// <summary>A unit that may hold grants and ask formal requests.</summary>
    public static bool IsDataUser(UnitRoles roles) => (roles & (UnitRoles.User | UnitRoles.CreditAgency | UnitRoles.FinancialInstitution)) != 0;

    /// <summary>A government data-user unit: the widest of the kinds, where a unit holds several roles.</summary>
    public static bool IsGovernmentUser(UnitRoles roles) => (roles & UnitRoles.User) != 0;

    /// <summary>
    /// The widest scope a unit can be granted: government units reach fields shared with government; credit agencies
    /// and financial institutions (art. 11) only public ones. "On request" fields go out only through formal requests.
    /// </summary>
    public static SharingScope Ceiling(UnitRoles roles) => IsGovernmentUser(roles) ? SharingScope.Government : SharingScope.Public;

    /// <summary>
    /// Records about natural persons go through grants to government units only; a credit agency or financial institution
    /// reaches them by a formal request carrying the person's consent (art. 11, 13). Natural persons are not public at all.
    /// </summary>
    public static bool ReachesNaturalPersons(UnitRoles roles) => IsGovernmentUser(roles);

    /// <summary>Government units' grants run at most three years, market institutions' one (narrower by default, art. 11).</summary>
    public static int MaxGrantMonths(UnitRoles roles) => IsGovernmentUser(roles) ? 36 : 12;

    /// <summary>
    /// The granted fields of one category a unit may receive now: the catalog is the ceiling even for a grant approved
    /// earlier, so a field narrowed since (or unknown to this version) drops out. A unit that is not a data user gets none.
    /// </summary>
    public static IReadOnlySet<string> Receivable(UnitRoles roles, CategoryDefinition definition, IEnumerable<string> granted)
    {
        if (!IsDataUser(roles))
        {
            return new HashSet<string>();
        }

        var wanted = granted.ToHashSet(StringComparer.Ordinal);
        var ceiling = Ceiling(roles);
        return definition.Fields.Where(f => wanted.Contains(f.Code) && definition.ScopeOf(f) <= ceiling).Select(f => f.Code).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>What a fulfilled formal request hands out: every field short of "not shared" (art. 13).</summary>
    public static IReadOnlySet<string> ForFormalRequest(CategoryDefinition definition) =>
        definition.Fields.Where(f => definition.ScopeOf(f) <= SharingScope.OnRequest).Select(f => f.Code).ToHashSet(StringComparer.Ordinal);
}
