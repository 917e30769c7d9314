using System.Security.Claims;
using CreditShare.Core.Accounts;
using CreditShare.Core.Security;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Credentials;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Security;

public sealed record SelfCheckResult(DateTimeOffset At, IReadOnlyList<SelfCheckItem> Items)
{
    public int Met => Items.Count(i => i.Verdict == Verdict.Met);

    public bool AllMet => Met == Items.Count;
}

/// <summary>
/// The 等保 level-3 self-check (art. 21): gathers live evidence from the running system — accounts, settings, the
/// audit chain, the last restore drill — and has <see cref="SelfCheck"/> judge each item. Running it is audited.
/// </summary>
public sealed class SelfCheckReport(
    AppDbContext db, AuditVerifier verifier, AuditWriter audit, TimeProvider time, IConfiguration configuration, IOptions<IdentityOptions> identity,
    IOptions<Accounts.SessionOptions> sessions, IOptions<AuditOptions> auditOptions, IOptions<SecurityOptions> security, IOptions<CredentialOptions> credentials,
    IOptions<PersonalDataOptions> personalData)
{
    public const int DormantDays = 90;

    private static readonly string[] DefaultNames = ["admin", "administrator", "root", "test", "guest", "sa", "system", "user"];

    public async Task<SelfCheckResult> RunAsync(ClaimsPrincipal reader, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var active = await db.Users.AsNoTracking().Where(u => !u.IsSuspended)
            .Select(u => new { u.Id, u.UserName, u.NormalizedUserName, u.TwoFactorEnabled, u.CreatedAt }).ToListAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var rolesOf = roles.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Select(r => r.Name!).ToHashSet());
        var lastSignIn = await db.StaffSessions.GroupBy(s => s.UserId).Select(g => new { UserId = g.Key, Last = g.Max(s => s.CreatedAt) }).ToListAsync(cancellationToken);
        var lastOf = lastSignIn.ToDictionary(s => s.UserId, s => s.Last);
        var dormantBefore = now.AddDays(-DormantDays);
        var required = credentials.Value.CertificateRequiredRoles.ToHashSet();
        int Holding(string role) => active.Count(u => rolesOf.GetValueOrDefault(u.Id)?.Contains(role) == true);

        var verification = await verifier.VerifyAsync(cancellationToken);
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(cancellationToken);
        var lastDrill = await db.RestoreDrills.Where(d => d.Succeeded).Select(d => (DateTimeOffset?)d.FinishedAt).MaxAsync(cancellationToken);
        var facts = new SelfCheckFacts
        {
            Now = now,
            ActiveAccounts = active.Count,
            DuplicateUserNames = active.GroupBy(u => u.NormalizedUserName).Count(g => g.Count() > 1),
            PasswordMinimumLength = Math.Max(identity.Value.Password.RequiredLength, PasswordRules.MinimumLength),
            PasswordClassesRequired = PasswordRules.RequiredClasses,
            LockoutAttempts = identity.Value.Lockout.MaxFailedAccessAttempts,
            LockoutDuration = identity.Value.Lockout.DefaultLockoutTimeSpan,
            IdleTimeout = sessions.Value.IdleTimeout,
            AbsoluteTimeout = sessions.Value.AbsoluteTimeout,
            HttpsOnlyCookies = configuration.GetValue("Accounts:HttpsOnlyCookies", true),
            TlsConfigured = !string.IsNullOrWhiteSpace(configuration["Tls:CertificatePath"]),
            AccountsWithSecondFactor = active.Count(u => u.TwoFactorEnabled),
            AccountsWithCryptographicFactor = active.Count(u => rolesOf.GetValueOrDefault(u.Id)?.Overlaps(required) == true),
            DefaultAccountNames = [.. active.Where(u => DefaultNames.Contains(u.UserName, StringComparer.OrdinalIgnoreCase)).Select(u => u.UserName!)],
            DormantAccounts = [.. active.Where(u => (lastOf.TryGetValue(u.Id, out var last) ? last : u.CreatedAt) < dormantBefore).Select(u => u.UserName!)],
            DormantDays = DormantDays,
            SeparationOfDutyViolations = [.. active.Where(u => rolesOf.GetValueOrDefault(u.Id)?.Count(StaffRoles.Administrators.Contains) >= 2).Select(u => u.UserName!)],
            SystemAdmins = Holding(StaffRoles.SystemAdmin),
            SecurityAdmins = Holding(StaffRoles.SecurityAdmin),
            AuditAdmins = Holding(StaffRoles.AuditAdmin),
            AuditRetentionDays = auditOptions.Value.RetentionDays,
            AuditChainIntact = verification.Intact,
            AuditChainDetail = verification.Intact
                ? $"审计链完整（已校验 {verification.EntriesChecked} 条）"
                : $"审计链断裂于第 {verification.FirstBreak!.Sequence} 条：{verification.FirstBreak.Message}",
            AuditChainKeyed = true,
            BlacklistMode = security.Value.Mode.ToString(),
            PersonalDataEncrypted = personalData.Value.IsComplete,
            DataProtectionKeysEncrypted = keys.Count > 0 && keys.All(x => x?.Contains("<encryptedSecret", StringComparison.Ordinal) == true),
            LastSuccessfulDrill = lastDrill,
        };
        var items = SelfCheck.Evaluate(facts);
        await audit.WriteAsync(new AuditRecord(AuditEvent.Security_SelfCheckRun, AuditOutcome.Success)
        {
            Account = reader.Actor(),
            Detail = $"{items.Count(i => i.Verdict == Verdict.Met)}/{items.Count} 项符合；不符合：{string.Join("、", items.Where(i => i.Verdict != Verdict.Met).Select(i => i.Key))}",
        }, cancellationToken);
        return new SelfCheckResult(now, items);
    }
}
