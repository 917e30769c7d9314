using Microsoft.AspNetCore.Identity;
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
    TimeProvider time)
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

    public override async Task<IdentityResult> AccessFailedAsync(StaffUser user)
    {
        var store = (IUserLockoutStore<StaffUser>)Store;
        var count = await store.IncrementAccessFailedCountAsync(user, CancellationToken);
        if (count < Options.Lockout.MaxFailedAccessAttempts)
        {
            return await UpdateUserAsync(user);
        }

        await store.SetLockoutEndDateAsync(user, Time.GetUtcNow().Add(Options.Lockout.DefaultLockoutTimeSpan), CancellationToken);
        await store.ResetAccessFailedCountAsync(user, CancellationToken);
        return await UpdateUserAsync(user);
    }
}
