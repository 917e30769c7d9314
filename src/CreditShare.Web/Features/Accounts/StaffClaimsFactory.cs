using System.Globalization;
using System.Security.Claims;
using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Accounts;

/// <summary>Adds the account's unit to its claims, so audit rows and unit-scoped queries know it without a lookup.</summary>
public sealed class StaffClaimsFactory(UserManager<StaffUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, AppDbContext db)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var unit = await db.Units.AsNoTracking().Where(u => u.Id == user.UnitId).Select(u => u.Uscc).FirstOrDefaultAsync();
        identity.AddClaim(new Claim(CurrentUser.UnitIdClaim, user.UnitId.ToString(CultureInfo.InvariantCulture)));
        if (unit is not null)
        {
            identity.AddClaim(new Claim(CurrentUser.UnitClaim, unit));
        }

        identity.AddClaim(new Claim("creditshare:display_name", user.DisplayName));
        return identity;
    }
}
