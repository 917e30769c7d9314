using System.Security.Claims;
using CreditShare.Core;
using CreditShare.Core.Accounts;
using CreditShare.Core.Catalog;
using CreditShare.Core.Sharing;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

public sealed record GrantInput(int UnitId, string? Category, IReadOnlyList<string>? Fields, string? Purpose, DateOnly? ValidFrom, DateOnly? ValidTo);

/// <summary>
/// Grants (art. 9, 11): asked for by center staff or by the data-user unit's own querier, decided by a 业务审核员 who
/// did not ask. The catalog's sharing scope is the ceiling, checked when asked and again when approved.
/// </summary>
public sealed class Grants(AppDbContext db, CatalogService catalog, AuditWriter audit, TimeProvider time)
{
    public static string StatusName(GrantStatus status) => status switch
    {
        GrantStatus.Pending => "pending",
        GrantStatus.Approved => "approved",
        GrantStatus.Rejected => "rejected",
        _ => "revoked",
    };

    public static string StatusLabel(GrantStatus status) => status switch
    {
        GrantStatus.Pending => "待审核",
        GrantStatus.Approved => "已批准",
        GrantStatus.Rejected => "已驳回",
        _ => "已撤销",
    };

    public async Task<Outcome<SharingGrant>> RequestAsync(ClaimsPrincipal who, GrantInput input)
    {
        // A data-user unit's querier asks only for the own unit; center staff for any.
        if (who.IsInRole(StaffRoles.UserUnitQuerier) && !who.IsInRole(StaffRoles.Reviewer) && !who.IsInRole(StaffRoles.Querier) && input.UnitId != who.UnitId())
        {
            return await RefusedAsync<SharingGrant>("grant.other_unit", "只能为本单位申请共享授权", $"unit:{input.UnitId}");
        }

        var (unit, definition, errors) = await CheckAsync(input);
        if (errors.Count > 0)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Grant_Refused, AuditOutcome.Refused)
            { Target = $"unit:{input.UnitId}", Detail = string.Join(",", errors.Select(e => e.Code).Distinct()) });
            return Outcome<SharingGrant>.Invalid(errors);
        }

        var grant = new SharingGrant
        {
            UnitId = unit!.Id,
            CategoryCode = definition!.Code,
            Fields = [.. input.Fields!.Distinct()],
            Purpose = input.Purpose!.Trim(),
            ValidFrom = input.ValidFrom!.Value,
            ValidTo = input.ValidTo!.Value,
            Status = GrantStatus.Pending,
            RequestedBy = who.Actor(),
            RequestedAt = time.GetUtcNow(),
        };
        db.SharingGrants.Add(grant);
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Grant_Requested, AuditOutcome.Success)
        { Target = $"grant:{grant.Id}", Detail = $"unit={unit.Uscc};category={grant.CategoryCode};fields={string.Join(',', grant.Fields)};{grant.ValidFrom}..{grant.ValidTo}", Purpose = grant.Purpose });
        return Outcome<SharingGrant>.Ok(grant);
    }

    public async Task<Outcome<SharingGrant>> ReviewAsync(ClaimsPrincipal who, long id, bool approve, string? note)
    {
        var grant = await db.SharingGrants.FirstOrDefaultAsync(g => g.Id == id);
        if (grant is null)
        {
            return Outcome<SharingGrant>.NotFound("grant.not_found", "没有该授权申请");
        }

        if (!who.IsInRole(StaffRoles.Reviewer))
        {
            return await RefusedAsync<SharingGrant>("grant.reviewer_required", "只有业务审核员可以审核共享授权", $"grant:{id}");
        }

        if (!TwoPersonRule.IsDistinct(who.Actor(), grant.RequestedBy))
        {
            return await RefusedAsync<SharingGrant>("grant.self_review", "不能审核本人提出的授权申请（申请与审核须由不同人员办理）", $"grant:{id}");
        }

        if (grant.Status != GrantStatus.Pending)
        {
            return Outcome<SharingGrant>.Conflict("grant.not_pending", $"该申请已是“{StatusLabel(grant.Status)}”状态");
        }

        if (!approve && string.IsNullOrWhiteSpace(note))
        {
            return Outcome<SharingGrant>.Invalid(new FieldError("note", "grant.reason_required", "驳回须说明理由"));
        }

        if (approve)
        {
            // The catalog may have narrowed since the request.
            var (_, _, errors) = await CheckAsync(new GrantInput(grant.UnitId, grant.CategoryCode, grant.Fields, grant.Purpose, grant.ValidFrom, grant.ValidTo), forApproval: true);
            if (errors.Count > 0)
            {
                return Outcome<SharingGrant>.Invalid(errors);
            }
        }

        grant.Status = approve ? GrantStatus.Approved : GrantStatus.Rejected;
        grant.ReviewedBy = who.Actor();
        grant.ReviewedAt = time.GetUtcNow();
        grant.ReviewNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, 500)];
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(approve ? AuditEvent.Grant_Approved : AuditEvent.Grant_Rejected, AuditOutcome.Success)
        { Target = $"grant:{grant.Id}", Detail = grant.ReviewNote });
        return Outcome<SharingGrant>.Ok(grant);
    }

    public async Task<Outcome<SharingGrant>> RevokeAsync(ClaimsPrincipal who, long id, string? reason)
    {
        var grant = await db.SharingGrants.FirstOrDefaultAsync(g => g.Id == id);
        if (grant is null || grant.Status != GrantStatus.Approved)
        {
            return Outcome<SharingGrant>.NotFound("grant.not_found", "没有该有效授权");
        }

        if (!who.IsInRole(StaffRoles.Reviewer))
        {
            return await RefusedAsync<SharingGrant>("grant.reviewer_required", "只有业务审核员可以撤销共享授权", $"grant:{id}");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return Outcome<SharingGrant>.Invalid(new FieldError("note", "grant.reason_required", "撤销须说明理由"));
        }

        grant.Status = GrantStatus.Revoked;
        grant.ReviewNote = reason.Trim()[..Math.Min(reason.Trim().Length, 500)];
        grant.ReviewedBy = who.Actor();
        grant.ReviewedAt = time.GetUtcNow();
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Grant_Revoked, AuditOutcome.Success) { Target = $"grant:{grant.Id}", Detail = grant.ReviewNote });
        return Outcome<SharingGrant>.Ok(grant);
    }

    /// <summary>
    /// A source unit keeps its own records of one category to the units it names (art. 9), or, with
    /// <paramref name="onlyUnits"/> null, lets them follow the catalog and the grants again.
    /// </summary>
    public async Task<Outcome<SharingRestriction?>> RestrictAsync(ClaimsPrincipal who, string category, IReadOnlyList<int>? onlyUnits)
    {
        var sourceUnitId = who.UnitId();
        if (!who.IsInRole(StaffRoles.Reporter) || !await db.Units.AnyAsync(u => u.Id == sourceUnitId && (u.Roles & UnitRoles.Source) != 0))
        {
            return Outcome<SharingRestriction?>.Forbidden("restriction.not_source_unit", "只有数据源单位的报送员可以调整本单位数据的共享范围");
        }

        if (await catalog.GetAsync(category) is null)
        {
            return Outcome<SharingRestriction?>.Invalid(new FieldError("category", "restriction.category", "信息类别不存在"));
        }

        var existing = await db.SharingRestrictions.FirstOrDefaultAsync(r => r.SourceUnitId == sourceUnitId && r.CategoryCode == category);
        if (onlyUnits is null)
        {
            if (existing is not null)
            {
                db.SharingRestrictions.Remove(existing);
            }
        }
        else
        {
            var ids = onlyUnits.Distinct().ToList();
            var known = await db.Units.Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.Roles }).ToListAsync();
            if (known.Count != ids.Count || known.Any(u => !UnitKinds.IsDataUser(u.Roles)))
            {
                return Outcome<SharingRestriction?>.Invalid(new FieldError("units", "restriction.units", "只能指定数据使用单位"));
            }

            existing ??= db.SharingRestrictions.Add(new SharingRestriction { SourceUnitId = sourceUnitId, CategoryCode = category }).Entity;
            existing.AllowedUnitIds = ids;
            existing.UpdatedAt = time.GetUtcNow();
            existing.UpdatedBy = who.Actor();
        }

        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Restriction_Changed, AuditOutcome.Success)
        { Target = $"restriction:{category}", Detail = onlyUnits is null ? "lifted" : $"only={string.Join(',', onlyUnits)}" });
        return Outcome<SharingRestriction?>.Ok(onlyUnits is null ? null : existing);
    }

    /// <summary>Loads the unit and the category's current definition, and asks the ceiling (<see cref="GrantCeiling"/>).</summary>
    private async Task<(Unit? Unit, CategoryDefinition? Definition, IReadOnlyList<FieldError> Errors)> CheckAsync(GrantInput input, bool forApproval = false)
    {
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == input.UnitId);
        var definition = string.IsNullOrWhiteSpace(input.Category) ? null : await catalog.GetAsync(input.Category.Trim());
        var terms = new GrantTerms(unit?.Roles, definition, input.Fields, input.Purpose, input.ValidFrom, input.ValidTo);
        return (unit, definition, GrantCeiling.Check(terms, forApproval ? null : ProvincialTime.Today(time)));
    }

    private async Task<Outcome<T>> RefusedAsync<T>(string code, string message, string target)
    {
        await audit.WriteAsync(new AuditRecord(AuditEvent.Grant_Refused, AuditOutcome.Refused) { Target = target, Detail = code });
        return Outcome<T>.Forbidden(code, message);
    }
}
