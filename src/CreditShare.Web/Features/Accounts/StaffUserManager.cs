using CreditShare.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Accounts;

/// <summary>
/// Identity's UserManager reads the wall clock for lockouts; this one asks <see cref="TimeProvider"/>, so lockout and
/// its release are tested without sleeping. The lockout itself is stored in the database, shared by every instance.
/// </summary>
public sealed class StaffUserManager(
    IUserStore<StaffUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<StaffUser> passwordHasher,
    IEnumerable<IUserValidator<StaffUser>> userValidators,
    IEnumerable<IPasswordValidator<StaffUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<StaffUser>> logger,
    TimeProvider time,
    AppDbContext db)
    : UserManager<StaffUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public TimeProvider Time { get; } = time;

    public override async Task<bool> IsLockedOutAsync(StaffUser user)
    {
        if (!await GetLockoutEnabledAsync(user))
        {
            return false;
        }

        var end = await GetLockoutEndDateAsync(user);
        return end >= Time.GetUtcNow();
    }

    /// <summary>
    /// Counts one failure in a single conditional UPDATE and locks the account in the same statement when the count
    /// reaches the maximum. Identity's own version reads the row, adds one and writes it back under the concurrency
    /// stamp: parallel failures conflicted and were dropped, so bursts of wrong passwords never reached the limit.
    /// An account that is locked already is not counted (as in Identity); the new stamp makes any stale full-row
    /// write of this account (which would put back the old count or lockout) fail instead of undoing this one.
    /// </summary>
    public override async Task<IdentityResult> AccessFailedAsync(StaffUser user)
    {
        var max = Options.Lockout.MaxFailedAccessAttempts;
        var now = Time.GetUtcNow();
        DateTimeOffset? lockedUntil = now.Add(Options.Lockout.DefaultLockoutTimeSpan);
        var stamp = Guid.NewGuid().ToString();
        await db.Users
            .Where(u => u.Id == user.Id && u.LockoutEnabled && (u.LockoutEnd == null || u.LockoutEnd < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(u => u.LockoutEnd, u => u.AccessFailedCount + 1 >= max ? lockedUntil : u.LockoutEnd)
                .SetProperty(u => u.AccessFailedCount, u => u.AccessFailedCount + 1 >= max ? 0 : u.AccessFailedCount + 1)
                .SetProperty(u => u.ConcurrencyStamp, stamp));
        await ReloadAsync(user);
        return IdentityResult.Success;
    }

    /// <summary>After a successful sign-in: clears the count without writing back the rest of a possibly stale row.</summary>
    public override async Task<IdentityResult> ResetAccessFailedCountAsync(StaffUser user)
    {
        var stamp = Guid.NewGuid().ToString();
        var changed = await db.Users.Where(u => u.Id == user.Id && u.AccessFailedCount != 0)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, 0).SetProperty(u => u.ConcurrencyStamp, stamp));
        if (changed > 0)
        {
            await ReloadAsync(user);
        }

        return IdentityResult.Success;
    }

    /// <summary>The tracked copy takes the row's new count, lockout and stamp, so later writes in this request see them.</summary>
    private async Task ReloadAsync(StaffUser user)
    {
        var entry = db.Entry(user);
        if (entry.State == EntityState.Detached)
        {
            var fresh = await db.Users.AsNoTracking().Where(u => u.Id == user.Id)
                .Select(u => new { u.AccessFailedCount, u.LockoutEnd, u.ConcurrencyStamp }).FirstAsync();
            (user.AccessFailedCount, user.LockoutEnd, user.ConcurrencyStamp) = (fresh.AccessFailedCount, fresh.LockoutEnd, fresh.ConcurrencyStamp);
            return;
        }

        await entry.ReloadAsync();
    }
}
