using System.Security.Claims;
using CreditShare.Core;
using CreditShare.Core.Security;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Security;

public sealed record SwitchView(string Service, string Label, bool Closed, string? Reason, DateTimeOffset? ChangedAt, string? ChangedBy, string? ClosedBy);

public sealed record SwitchChange(string? Reason, string? Code);

/// <summary>
/// The kill switch (art. 20): a 安全管理员 closes a service at once, re-confirming the second factor; a different one
/// reopens it. The change is committed with its audit entry and announced; every instance obeys at its next
/// synchronisation (at once on PostgreSQL, within the polling interval elsewhere).
/// </summary>
public sealed class ServiceSwitches(AppDbContext db, UserManager<StaffUser> users, SecurityState state, AuditWriter audit, TimeProvider time, SecurityNotifications notifications)
{
    public async Task<IReadOnlyList<SwitchView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rows = await db.ServiceSwitches.AsNoTracking().ToDictionaryAsync(s => s.Service, cancellationToken);
        return [.. SwitchedServices.All.Select(service => rows.TryGetValue(service.ToString(), out var row)
            ? new SwitchView(row.Service, SwitchedServices.Label(service), row.Closed, row.Reason, row.ChangedAt, row.ChangedBy, row.ClosedBy)
            : new SwitchView(service.ToString(), SwitchedServices.Label(service), false, null, null, null, null))];
    }

    public Task<Outcome<SwitchView>> CloseAsync(ClaimsPrincipal user, string service, SwitchChange change, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, service, change, close: true, cancellationToken);

    public Task<Outcome<SwitchView>> ReopenAsync(ClaimsPrincipal user, string service, SwitchChange change, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, service, change, close: false, cancellationToken);

    private async Task<Outcome<SwitchView>> ChangeAsync(ClaimsPrincipal user, string serviceName, SwitchChange change, bool close, CancellationToken cancellationToken)
    {
        if (!SwitchedServices.TryParse(serviceName, out var service))
        {
            return Outcome<SwitchView>.NotFound("switch.unknown_service", "没有这项服务（可选：Sharing、PublicQueries、ReportingIntake）");
        }

        var reason = change.Reason?.Trim() ?? "";
        if (reason.Length is < 4 or > 500)
        {
            return Outcome<SwitchView>.Invalid(new FieldError("reason", "switch.reason_required", close ? "请写明关闭原因（4 至 500 个字）" : "请写明重新开放的依据（4 至 500 个字）"));
        }

        // A person, not a certificate or a script, and the person's second factor now: a stolen session alone cannot do this.
        var account = user.UserId() is { } id && user.SessionId() is not null ? await users.FindByIdAsync(id) : null;
        if (account is null)
        {
            return await RefuseAsync(service, close, "switch.not_human", "须由安全管理员本人登录后操作", cancellationToken);
        }

        // Wrong codes count towards the account's lockout, as at sign-in: a stolen session cannot guess its way through.
        if (await users.IsLockedOutAsync(account))
        {
            return await RefuseAsync(service, close, "switch.locked_out", "账号因多次输入错误已被锁定，请稍后再试或联系另一名安全管理员", cancellationToken);
        }

        var code = change.Code?.Replace(" ", "", StringComparison.Ordinal) ?? "";
        if (code.Length == 0 || !await users.VerifyTwoFactorTokenAsync(account, ReplayProtectedAuthenticator.ProviderName, code))
        {
            await users.AccessFailedAsync(account);
            await RefuseAsync(service, close, "switch.second_factor", "动态口令不正确或已使用", cancellationToken);
            return Outcome<SwitchView>.Invalid(new FieldError("code", "switch.second_factor", "动态口令不正确或已使用，请输入当前的动态口令"));
        }

        await users.ResetAccessFailedCountAsync(account);

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.ServiceSwitches.SingleOrDefaultAsync(s => s.Service == service.ToString(), cancellationToken);
        if (close && row is { Closed: true })
        {
            return Outcome<SwitchView>.Conflict("switch.already_closed", "该服务已关闭");
        }

        if (!close)
        {
            if (row is not { Closed: true })
            {
                return Outcome<SwitchView>.Conflict("switch.already_open", "该服务未关闭");
            }

            if (SwitchedServices.ReopenRefusal(row.ClosedBy, user.Actor(), isHuman: true) is { } refusal)
            {
                await transaction.RollbackAsync(cancellationToken);
                return await RefuseAsync(service, close, "switch.same_person", refusal, cancellationToken);
            }
        }

        if (row is null)
        {
            row = new ServiceSwitchState { Service = service.ToString() };
            db.ServiceSwitches.Add(row);
        }

        row.Closed = close;
        row.Reason = reason;
        row.ChangedAt = now;
        row.ChangedBy = user.Actor();
        row.ClosedBy = close ? user.Actor() : row.ClosedBy;
        row.Version++;
        audit.Stage(db, new AuditRecord(close ? AuditEvent.Security_ServiceClosed : AuditEvent.Security_ServiceReopened, AuditOutcome.Success)
        {
            Target = service.ToString(),
            Detail = $"{SwitchedServices.ShortLabel(service)}；{(close ? "原因" : "依据")}：{reason}",
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance changed it at the same moment (the row was inserted or its version moved).
            return Outcome<SwitchView>.Conflict("switch.changed_meanwhile", "该服务的状态刚被他人修改，请刷新后重试");
        }

        await notifications.AnnounceAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.ChainPendingAsync();
        await state.RefreshAsync(db, cancellationToken);
        return Outcome<SwitchView>.Ok(new SwitchView(row.Service, SwitchedServices.Label(service), row.Closed, row.Reason, row.ChangedAt, row.ChangedBy, row.ClosedBy));
    }

    private async Task<Outcome<SwitchView>> RefuseAsync(SwitchedService service, bool close, string code, string message, CancellationToken cancellationToken)
    {
        await audit.WriteAsync(new AuditRecord(AuditEvent.Security_SwitchRefused, AuditOutcome.Refused)
        {
            Target = service.ToString(),
            Detail = $"{(close ? "关闭" : "重新开放")}{SwitchedServices.ShortLabel(service)}：{message}",
        }, cancellationToken);
        return Outcome<SwitchView>.Forbidden(code, message);
    }
}
