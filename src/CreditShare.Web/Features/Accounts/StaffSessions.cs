using System.Security.Cryptography;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Accounts;

public sealed class SessionOptions
{
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>
/// Server-side sessions behind the sign-in cookie. Every request checks its session row, so sign-out, suspension and
/// both timeouts end a session everywhere at once, whichever instance the next request reaches.
/// </summary>
public sealed class StaffSessions(AppDbContext db, TimeProvider time, IOptions<SessionOptions> options, AuditWriter audit)
{
    public const string MustChangePasswordItem = "creditshare:must_change_password";

    /// <summary>Set when the account has not accepted the current <see cref="Credentials.TermsOfUse"/> (art. 4, 23).</summary>
    public const string MustAcceptTermsItem = "creditshare:must_accept_terms";

    public async Task<string> StartAsync(StaffUser user, string? clientIp)
    {
        var now = time.GetUtcNow();
        var session = new StaffSession
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            ClientIp = clientIp,
        };
        db.StaffSessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    public Task EndAsync(string sessionId, string reason) =>
        db.StaffSessions.Where(s => s.Id == sessionId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, time.GetUtcNow()).SetProperty(x => x.EndReason, reason));

    public Task<int> EndAllAsync(string userId, string reason) =>
        db.StaffSessions.Where(s => s.UserId == userId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, time.GetUtcNow()).SetProperty(x => x.EndReason, reason));

    /// <summary>Cookie hook: rejects the principal unless its session is open, fresh and its account active.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<StaffSessions>();
        var reason = await sessions.CheckAsync(context.HttpContext, context.Principal?.SessionId());
        if (reason is not null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
        }
    }

    private async Task<string?> CheckAsync(HttpContext http, string? sessionId)
    {
        if (sessionId is null)
        {
            return "no_session";
        }

        var found = await db.StaffSessions.AsNoTracking().Where(s => s.Id == sessionId)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { Session = s, User = u })
            .Join(db.Units, x => x.User.UnitId, u => u.Id, (x, unit) => new
            {
                x.Session,
                x.User.UserName,
                // An account of a suspended unit is as good as suspended.
                IsSuspended = x.User.IsSuspended || unit.Status != UnitStatus.Active,
                x.User.MustChangePassword,
                AcceptedTerms = db.TermsAcceptances.Any(t => t.UserId == x.User.Id && t.Version == Credentials.TermsOfUse.Version),
            })
            .FirstOrDefaultAsync();
        if (found is null || found.Session.EndedAt is not null)
        {
            return "ended";
        }

        var now = time.GetUtcNow();
        var (reason, auditEvent) = found switch
        {
            { IsSuspended: true } => ("suspended", AuditEvent.Session_EndedBySuspension),
            _ when now - found.Session.CreatedAt > options.Value.AbsoluteTimeout => ("absolute_timeout", AuditEvent.Session_AbsoluteTimeout),
            _ when now - found.Session.LastSeenAt > options.Value.IdleTimeout => ("idle_timeout", AuditEvent.Session_IdleTimeout),
            _ => ((string?)null, default(AuditEvent)),
        };
        if (reason is not null)
        {
            await EndAsync(sessionId, reason);
            await audit.WriteAsync(new AuditRecord(auditEvent, AuditOutcome.Success) { Account = found.UserName, Target = $"session:{sessionId[..8]}" });
            return reason;
        }

        // Touch at most every 30 s: enough precision for a 15-minute idle timeout without a write per request.
        if (now - found.Session.LastSeenAt > TimeSpan.FromSeconds(30))
        {
            await db.StaffSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now));
        }

        http.Items[MustChangePasswordItem] = found.MustChangePassword;
        http.Items[MustAcceptTermsItem] = !found.AcceptedTerms;
        return null;
    }
}
