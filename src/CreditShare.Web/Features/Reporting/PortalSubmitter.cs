using System.Security.Claims;
using CreditShare.Web.Infrastructure;

namespace CreditShare.Web.Features.Reporting;

public static class PortalSubmitter
{
    /// <summary>A 报送员 signed in to the web portal (the "virtual terminal" channel) reporting for their own unit.</summary>
    public static Submitter For(ClaimsPrincipal user, string channel) => new(user.UnitId(), user.UnitCode() ?? "", channel, user.Actor());
}
