using CreditShare.Core.Catalog;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

/// <summary>
/// What one unit may receive today: per category, the fields of its approved grants in force, cut down to what the
/// catalog lets that kind of unit have now (the catalog is the ceiling even for a grant approved earlier), minus the
/// records of source units that keep a category to named units.
/// </summary>
public sealed record UnitShare(int UnitId, IReadOnlyDictionary<string, IReadOnlySet<string>> Fields, IReadOnlySet<(int SourceUnitId, string Category)> Withheld,
    bool NaturalPersons = true)
{
    public const string NaturalPersonRefusal = "信用服务机构、金融机构查询自然人信息须经本人书面授权，请通过书面查询申请办理";

    public IReadOnlyList<string> Categories => [.. Fields.Keys];

    public bool Allows(CreditRecord record) => Fields.ContainsKey(record.CategoryCode) && !Withheld.Contains((record.SourceUnitId, record.CategoryCode));

    /// <summary>
    /// The widest scope a unit can be granted: government units reach fields shared with government; credit agencies
    /// and financial institutions (art. 11) only public ones. "On request" fields go out only through formal requests.
    /// </summary>
    public static SharingScope Ceiling(UnitRoles roles) =>
        (roles & UnitRoles.User) != 0 ? SharingScope.Government : SharingScope.Public;

    /// <summary>
    /// Records about natural persons go through grants to government units only; a credit agency or financial institution
    /// reaches them by a formal request carrying the person's consent (art. 11, 13). Natural persons are not public at all.
    /// </summary>
    public static bool ReachesNaturalPersons(UnitRoles roles) => (roles & UnitRoles.User) != 0;

    public static bool IsDataUser(UnitRoles roles) => (roles & (UnitRoles.User | UnitRoles.CreditAgency | UnitRoles.FinancialInstitution)) != 0;

    public static async Task<UnitShare> ForAsync(AppDbContext db, CatalogService catalog, int unitId, DateOnly today, CancellationToken cancellationToken = default)
    {
        var roles = await db.Units.Where(u => u.Id == unitId && u.Status == UnitStatus.Active).Select(u => (UnitRoles?)u.Roles).FirstOrDefaultAsync(cancellationToken);
        if (roles is null || !IsDataUser(roles.Value))
        {
            return new UnitShare(unitId, new Dictionary<string, IReadOnlySet<string>>(), new HashSet<(int, string)>(), false);
        }

        var grants = await db.SharingGrants.AsNoTracking()
            .Where(g => g.UnitId == unitId && g.Status == GrantStatus.Approved && g.ValidFrom <= today && g.ValidTo >= today)
            .Select(g => new { g.CategoryCode, g.Fields }).ToListAsync(cancellationToken);
        var ceiling = Ceiling(roles.Value);
        var fields = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var byCategory in grants.GroupBy(g => g.CategoryCode))
        {
            if (await catalog.GetAsync(byCategory.Key) is not { } definition)
            {
                continue;
            }

            var granted = byCategory.SelectMany(g => g.Fields).ToHashSet();
            var allowed = definition.Fields.Where(f => granted.Contains(f.Code) && definition.ScopeOf(f) <= ceiling).Select(f => f.Code).ToHashSet();
            if (allowed.Count > 0)
            {
                fields[byCategory.Key] = allowed;
            }
        }

        var codes = fields.Keys.ToList();
        var restrictions = await db.SharingRestrictions.AsNoTracking().Where(r => codes.Contains(r.CategoryCode)).ToListAsync(cancellationToken);
        var withheld = restrictions.Where(r => !r.AllowedUnitIds.Contains(unitId)).Select(r => (r.SourceUnitId, r.CategoryCode)).ToHashSet();
        return new UnitShare(unitId, fields, withheld, ReachesNaturalPersons(roles.Value));
    }
}
