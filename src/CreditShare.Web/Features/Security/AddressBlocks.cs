using System.Security.Claims;
using CreditShare.Core;
using CreditShare.Core.Security;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Security;

/// <summary>A decision as the console and the API show it.</summary>
public sealed record BlockView(
    long Id, string Address, string Source, string AttackType, string Target, string Evidence, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset ExpiresAt, bool Simulated, string Review, string? ReviewedBy, DateTimeOffset? ReviewedAt, string? ReviewReason, DateTimeOffset? AllowedUntil, bool InForce)
{
    public static BlockView Of(AddressBlock b, DateTimeOffset now) => new(
        b.Id, b.Address, b.Source, b.AttackType, b.Target, b.Evidence, b.CreatedAt, b.CreatedBy, b.ExpiresAt, b.Simulated, b.Review, b.ReviewedBy,
        b.ReviewedAt, b.ReviewReason, b.AllowedUntil, b.Review != BlockReviews.Lifted && b.ExpiresAt > now && !b.Simulated);
}

public sealed record ManualBlockInput(string? Address, string? Reason, int? Hours);

public sealed record ReviewInput(string? Reason);

/// <summary>
/// The blacklist (art. 19): automatic decisions from the detection windows, the review queue (深入核查) where a
/// 安全管理员 confirms or lifts them, manual entries, and the allow-list's clearing. Every decision and review is
/// audited in the transaction that records it; every change is announced to the other instances.
/// </summary>
public sealed class AddressBlocks(
    AppDbContext db, TrafficCounter counter, SecurityState state, AuditWriter audit, TimeProvider time, IOptions<SecurityOptions> options, SecurityNotifications notifications)
{
    private const long DetectionLockKey = 0x43726564_426C6F63; // "CredBloc"

    private SecurityOptions Options => options.Value;

    /// <summary>Runs the windows over the addresses seen since the last synchronisation; returns the decisions made.</summary>
    public async Task<IReadOnlyList<AddressBlock>> DetectAsync(IReadOnlyCollection<string> addresses, CancellationToken cancellationToken)
    {
        if (Options.Mode == BlacklistMode.Off || addresses.Count == 0)
        {
            return [];
        }

        var rules = Options.Rules();
        var now = time.GetUtcNow();
        List<(string Address, Detection Detection)> detected = [];
        foreach (var address in addresses)
        {
            if (state.IsAllowListed(address))
            {
                continue;
            }

            long? distinct = null;
            var subjectRule = rules.Rules.FirstOrDefault(r => r.Signal == AccessSignal.DistinctSubject);
            if (subjectRule is not null)
            {
                distinct = await counter.DistinctSubjectsAsync(db, address, subjectRule.WindowSeconds, cancellationToken);
            }

            var detection = rules.Evaluate((signal, window) => signal == AccessSignal.DistinctSubject ? distinct ?? 0 : counter.CountWithin(address, signal, window));
            if (detection is not null)
            {
                detected.Add((address, detection));
            }
        }

        if (detected.Count == 0)
        {
            return [];
        }

        List<AddressBlock> made = [];
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!db.IsSqlite)
        {
            // Two instances seeing the same burst decide once.
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [DetectionLockKey], cancellationToken);
        }

        var lookBack = now.AddDays(-Options.Blocks.RepeatLookBackDays);
        foreach (var (address, detection) in detected)
        {
            var history = await db.AddressBlocks.Where(b => b.Address == address && b.CreatedAt >= lookBack).ToListAsync(cancellationToken);
            // A decision recorded in simulation does not stand in for a real one once the blacklist is enforced.
            var inForce = history.Any(b => b.Review != BlockReviews.Lifted && b.ExpiresAt > now && (!b.Simulated || Options.Mode == BlacklistMode.Simulate));
            var allowed = history.Any(b => b.AllowedUntil > now);
            if (inForce || allowed)
            {
                continue;
            }

            var earlier = history.Count(b => b.Source == BlockSources.Automatic && !b.Simulated);
            var block = new AddressBlock
            {
                Address = address,
                Source = BlockSources.Automatic,
                AttackType = detection.AttackType,
                Target = detection.Target,
                Evidence = detection.Evidence + (earlier > 0 ? $"；{Options.Blocks.RepeatLookBackDays} 天内第 {earlier + 1} 次" : ""),
                CreatedAt = now,
                ExpiresAt = now + Options.Blocks.AutomaticBlockFor(earlier),
                Simulated = Options.Mode == BlacklistMode.Simulate,
            };
            db.AddressBlocks.Add(block);
            made.Add(block);
            audit.Stage(db, new AuditRecord(AuditEvent.Security_AddressBlocked, AuditOutcome.Success)
            {
                Account = "system",
                Target = address,
                Detail = $"攻击类型：{block.AttackType}；目标：{block.Target}；证据：{block.Evidence}；至 {ProvincialTime.Format(block.ExpiresAt)}{(block.Simulated ? "；模拟模式，未执行" : "")}",
            });
        }

        // Nothing new (already decided, or within an allowance): no commit, no announcement — announcing would wake
        // every instance's synchronisation at once, round after round, while the client keeps sending.
        if (made.Count == 0)
        {
            return [];
        }

        await db.SaveChangesAsync(cancellationToken);
        await notifications.AnnounceAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.ChainPendingAsync();
        return made;
    }

    /// <summary>
    /// Lifts decisions in force against allow-listed addresses (an allow-list entry added later clears what was decided
    /// before), as of the last read of the decisions in force.
    /// </summary>
    public async Task<int> ClearAllowListedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cleared = 0;
        foreach (var block in state.AllowListedInForce())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var changed = await db.AddressBlocks.Where(b => b.Id == block.Id && b.Review != BlockReviews.Lifted).ExecuteUpdateAsync(u => u
                .SetProperty(b => b.Review, BlockReviews.Lifted).SetProperty(b => b.ReviewedBy, "system").SetProperty(b => b.ReviewedAt, now)
                .SetProperty(b => b.ReviewReason, "地址在白名单内"), cancellationToken);
            if (changed == 1)
            {
                audit.Stage(db, new AuditRecord(AuditEvent.Security_BlockClearedByAllowList, AuditOutcome.Success) { Account = "system", Target = block.Address, Detail = $"黑名单记录 {block.Id}" });
                await db.SaveChangesAsync(cancellationToken);
                cleared++;
            }

            await notifications.AnnounceAsync(db, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (cleared > 0)
        {
            await audit.ChainPendingAsync();
        }

        return cleared;
    }

    public async Task<IReadOnlyList<BlockView>> ListAsync(ClaimsPrincipal reader, string? filter, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var query = db.AddressBlocks.AsNoTracking();
        query = filter switch
        {
            "pending" => query.Where(b => b.Review == BlockReviews.Pending && b.ExpiresAt > now),
            "active" => query.Where(b => b.Review != BlockReviews.Lifted && b.ExpiresAt > now),
            _ => query,
        };
        var rows = await query.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).Take(500).ToListAsync(cancellationToken);
        await audit.WriteAsync(new AuditRecord(AuditEvent.Security_BlocksViewed, AuditOutcome.Success) { Account = reader.Actor(), Detail = $"filter={filter ?? "all"}", ResultCount = rows.Count }, cancellationToken);
        return [.. rows.Select(b => BlockView.Of(b, now))];
    }

    /// <summary>Automatic decisions in the last minutes: the console suggests closing services when there are many (a person decides).</summary>
    public async Task<int> RecentAutomaticAsync(CancellationToken cancellationToken = default)
    {
        var since = time.GetUtcNow().AddMinutes(-Options.AttackSignalMinutes);
        return await db.AddressBlocks.CountAsync(b => b.Source == BlockSources.Automatic && b.CreatedAt >= since, cancellationToken);
    }

    public async Task<Outcome<BlockView>> AddManualAsync(ClaimsPrincipal user, ManualBlockInput input, CancellationToken cancellationToken = default)
    {
        List<FieldError> errors = [];
        if (!AddressRange.TryParse(input.Address, out var range, out var error))
        {
            errors.Add(new FieldError("address", "block.address_invalid", error!));
        }
        else if (state.IsAllowListed(range.Network.BaseAddress))
        {
            errors.Add(new FieldError("address", "block.allow_listed", "该地址在白名单内（代理、前置机、自助机或中心内网），不能列入黑名单；如确需封禁请先调整白名单配置"));
        }

        var reason = input.Reason?.Trim() ?? "";
        if (reason.Length is < 4 or > 500)
        {
            errors.Add(new FieldError("reason", "block.reason_required", "请写明列入黑名单的原因（4 至 500 个字）"));
        }

        if (input.Hours is not { } hours || hours < 1 || hours > 24 * 365)
        {
            errors.Add(new FieldError("hours", "block.hours_invalid", "封禁时长须为 1 至 8760 小时"));
        }

        if (errors.Count > 0)
        {
            return Outcome<BlockView>.Invalid([.. errors]);
        }

        var now = time.GetUtcNow();
        var block = new AddressBlock
        {
            Address = range.ToString(),
            Source = BlockSources.Manual,
            AttackType = "人工判定",
            Target = "平台全部接口",
            Evidence = reason,
            CreatedAt = now,
            CreatedBy = user.Actor(),
            ExpiresAt = now.AddHours(input.Hours!.Value),
            Review = BlockReviews.Confirmed,
            ReviewedBy = user.Actor(),
            ReviewedAt = now,
            ReviewReason = reason,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.AddressBlocks.Add(block);
        audit.Stage(db, new AuditRecord(AuditEvent.Security_ManualBlockAdded, AuditOutcome.Success)
        {
            Target = block.Address,
            Detail = $"原因：{reason}；至 {ProvincialTime.Format(block.ExpiresAt)}",
        });
        await db.SaveChangesAsync(cancellationToken);
        await notifications.AnnounceAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.ChainPendingAsync();
        await state.RefreshAsync(db, cancellationToken);
        return Outcome<BlockView>.Ok(BlockView.Of(block, now));
    }

    /// <summary>深入核查 found an attack: the decision stands and is extended.</summary>
    public Task<Outcome<BlockView>> ConfirmAsync(ClaimsPrincipal user, long id, ReviewInput input, CancellationToken cancellationToken = default) =>
        ReviewAsync(user, id, input, confirm: true, cancellationToken);

    /// <summary>深入核查 found none: the decision is lifted, and the address gets an allowance so the same burst does not block it again.</summary>
    public Task<Outcome<BlockView>> LiftAsync(ClaimsPrincipal user, long id, ReviewInput input, CancellationToken cancellationToken = default) =>
        ReviewAsync(user, id, input, confirm: false, cancellationToken);

    private async Task<Outcome<BlockView>> ReviewAsync(ClaimsPrincipal user, long id, ReviewInput input, bool confirm, CancellationToken cancellationToken)
    {
        var reason = input.Reason?.Trim() ?? "";
        if (reason.Length is < 4 or > 500)
        {
            return Outcome<BlockView>.Invalid(new FieldError("reason", "block.reason_required", "请写明核查结论（4 至 500 个字）"));
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var block = await db.AddressBlocks.SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (block is null)
        {
            return Outcome<BlockView>.NotFound("block.not_found", "没有这条黑名单记录");
        }

        if (block.Review == BlockReviews.Lifted)
        {
            return Outcome<BlockView>.Conflict("block.already_lifted", "该记录已解除");
        }

        if (confirm && block.ExpiresAt <= now)
        {
            return Outcome<BlockView>.Conflict("block.expired", "该记录已到期；如仍需封禁请手工列入黑名单");
        }

        block.Review = confirm ? BlockReviews.Confirmed : BlockReviews.Lifted;
        block.ReviewedBy = user.Actor();
        block.ReviewedAt = now;
        block.ReviewReason = reason;
        if (confirm)
        {
            block.ExpiresAt = Options.Blocks.ConfirmedUntil(now, block.ExpiresAt);
        }
        else
        {
            block.AllowedUntil = now.AddMinutes(Options.Blocks.AllowanceAfterLiftMinutes);
        }

        audit.Stage(db, new AuditRecord(confirm ? AuditEvent.Security_BlockConfirmed : AuditEvent.Security_BlockLifted, AuditOutcome.Success)
        {
            Target = block.Address,
            Detail = confirm
                ? $"黑名单记录 {block.Id}；结论：{reason}；延长至 {ProvincialTime.Format(block.ExpiresAt)}"
                : $"黑名单记录 {block.Id}；结论：{reason}；{Options.Blocks.AllowanceAfterLiftMinutes} 分钟内不再自动列入",
        });
        await db.SaveChangesAsync(cancellationToken);
        await notifications.AnnounceAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.ChainPendingAsync();
        await state.RefreshAsync(db, cancellationToken);
        return Outcome<BlockView>.Ok(BlockView.Of(block, now));
    }
}
