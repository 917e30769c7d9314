using CreditShare.Core.Sharing;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

/// <summary>Loads a unit's <see cref="UnitShare"/>: the grants in force, the catalog as it is now and the restrictions; the rules are in Core.</summary>
public static class UnitShares
{
    public static bool Allows(this UnitShare share, CreditRecord record) => share.Allows(record.SourceUnitId, record.CategoryCode);

    public static async Task<UnitShare> ForAsync(AppDbContext db, CatalogService catalog, int unitId, DateOnly today, CancellationToken cancellationToken = default)
    {
        var roles = await db.Units.Where(u => u.Id == unitId && u.Status == UnitStatus.Active).Select(u => (UnitRoles?)u.Roles).FirstOrDefaultAsync(cancellationToken);
        if (roles is null || !UnitKinds.IsDataUser(roles.Value))
        {
            return UnitShare.Nothing(unitId);
        }

        var grants = await db.SharingGrants.AsNoTracking()
            .Where(g => g.UnitId == unitId && g.Status == GrantStatus.Approved && g.ValidFrom <= today && g.ValidTo >= today)
            .Select(g => new { g.CategoryCode, g.Fields }).ToListAsync(cancellationToken);
        var fields = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var byCategory in grants.GroupBy(g => g.CategoryCode))
        {
            if (await catalog.GetAsync(byCategory.Key) is not { } definition)
            {
                continue;
            }

            var allowed = UnitKinds.Receivable(roles.Value, definition, byCategory.SelectMany(g => g.Fields));
            if (allowed.Count > 0)
            {
                fields[byCategory.Key] = allowed;
            }
        }

        var codes = fields.Keys.ToList();
        var restrictions = await db.SharingRestrictions.AsNoTracking().Where(r => codes.Contains(r.CategoryCode)).ToListAsync(cancellationToken);
        var withheld = restrictions.Where(r => !r.AllowedUnitIds.Contains(unitId)).Select(r => (r.SourceUnitId, r.CategoryCode)).ToHashSet();
        return new UnitShare(unitId, fields, withheld, UnitKinds.ReachesNaturalPersons(roles.Value));
    }
}
