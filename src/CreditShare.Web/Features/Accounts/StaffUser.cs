using Microsoft.AspNetCore.Identity;

namespace CreditShare.Web.Features.Accounts;

public sealed class StaffUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    public int UnitId { get; set; }

    public bool MustChangePassword { get; set; } = true;

    public bool IsSuspended { get; set; }

    /// <summary>The TOTP time step last accepted; a code from this step or an earlier one is a replay.</summary>
    public long LastTotpTimeStep { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A signed-in browser session, kept in the database so that sign-out, suspension and timeouts take effect on every
/// app instance at once, not only in the one that issued the cookie.
/// </summary>
public sealed class StaffSession
{
    public string Id { get; set; } = "";

    public string UserId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>signed_out, idle_timeout, absolute_timeout, suspended, roles_changed.</summary>
    public string? EndReason { get; set; }

    public string? ClientIp { get; set; }
}
