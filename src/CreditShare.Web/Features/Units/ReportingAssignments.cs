using System.Security.Claims;
using CreditShare.Core;
using CreditShare.Core.Accounts;
using CreditShare.Core.Codes;
using CreditShare.Core.Reporting;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Units;

public sealed record AssignmentView(string CategoryCode, string CategoryName, DateTimeOffset AssignedAt, string AssignedBy);

public sealed record OnBehalfView(string Uscc, string Name, DateTimeOffset AddedAt, string AddedBy);

/// <summary>What a unit may report and in whose name, as the center set it.</summary>
public sealed record UnitReportingView(int UnitId, string UnitName, string Uscc, IReadOnlyList<AssignmentView> Categories, IReadOnlyList<OnBehalfView> OnBehalfOf);

public sealed record OnBehalfInput(string? Name);

/// <summary>
/// The center's list of the categories each source unit reports, and of the units each one reports for (art. 5, 6).
/// Set by a 业务审核员; every change is audited. Reporting reads it through <see cref="ReporterAsync"/>.
/// </summary>
public sealed class ReportingAssignments(AppDbContext db, AuditWriter audit, TimeProvider time)
{
    /// <summary>The reporting unit as the rules of <see cref="ReportingAuthority"/> need it; null for an unknown unit.</summary>
    public static async Task<ReportingUnit?> ReporterAsync(AppDbContext db, int unitId, CancellationToken cancellationToken = default)
    {
        var unit = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => new { u.Uscc, u.Name }).FirstOrDefaultAsync(cancellationToken);
        if (unit is null)
        {
            return null;
        }

        var categories = await db.ReportingAssignments.AsNoTracking().Where(a => a.UnitId == unitId).Select(a => a.CategoryCode).ToListAsync(cancellationToken);
        var onBehalf = await db.OnBehalfUnits.AsNoTracking().Where(o => o.UnitId == unitId).Select(o => new { o.Uscc, o.Name }).ToListAsync(cancellationToken);
        return new ReportingUnit(unit.Uscc, unit.Name, categories.ToHashSet(StringComparer.Ordinal),
            onBehalf.ToDictionary(o => o.Uscc, o => o.Name, StringComparer.Ordinal));
    }

    public async Task<UnitReportingView?> ForUnitAsync(int unitId)
    {
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unitId);
        if (unit is null)
        {
            return null;
        }

        var names = await db.CatalogVersions.AsNoTracking().Where(c => c.IsCurrent).ToDictionaryAsync(c => c.Code, c => c.Name);
        var categories = await db.ReportingAssignments.AsNoTracking().Where(a => a.UnitId == unitId).OrderBy(a => a.CategoryCode).ToListAsync();
        var onBehalf = await db.OnBehalfUnits.AsNoTracking().Where(o => o.UnitId == unitId).OrderBy(o => o.Uscc).ToListAsync();
        return new UnitReportingView(unit.Id, unit.Name, unit.Uscc,
            [.. categories.Select(a => new AssignmentView(a.CategoryCode, names.GetValueOrDefault(a.CategoryCode) ?? a.CategoryCode, a.AssignedAt, a.AssignedBy))],
            [.. onBehalf.Select(o => new OnBehalfView(o.Uscc, o.Name, o.AddedAt, o.AddedBy))]);
    }

    public async Task<Outcome<UnitReportingView>> AssignAsync(ClaimsPrincipal actor, int unitId, string? categoryCode)
    {
        var code = categoryCode?.Trim() ?? "";
        if (await RefuseAsync(actor, unitId) is { } refused)
        {
            return refused;
        }

        if (!await db.CatalogVersions.AnyAsync(c => c.Code == code && c.IsCurrent))
        {
            return Outcome<UnitReportingView>.Invalid(new FieldError("categoryCode", "assignment.category", $"信息类别“{code}”不存在"));
        }

        if (!await db.ReportingAssignments.AnyAsync(a => a.UnitId == unitId && a.CategoryCode == code))
        {
            db.ReportingAssignments.Add(new ReportingAssignment { UnitId = unitId, CategoryCode = code, AssignedAt = time.GetUtcNow(), AssignedBy = actor.Actor() });
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException)
            {
                // Assigned by someone else at the same moment: the unique index kept it to one row, which is what was asked.
                db.ChangeTracker.Clear();
                return Outcome<UnitReportingView>.Ok((await ForUnitAsync(unitId))!);
            }

            await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_CategoryAssigned, AuditOutcome.Success) { Target = await TargetAsync(unitId), Detail = $"category={code}" });
        }

        return Outcome<UnitReportingView>.Ok((await ForUnitAsync(unitId))!);
    }

    /// <summary>Ends an assignment; the unit's schedule for the category goes with it (nothing is due that may not be sent).</summary>
    public async Task<Outcome<UnitReportingView>> UnassignAsync(ClaimsPrincipal actor, int unitId, string? categoryCode)
    {
        var code = categoryCode?.Trim() ?? "";
        if (await RefuseAsync(actor, unitId) is { } refused)
        {
            return refused;
        }

        int removed;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            removed = await db.ReportingAssignments.Where(a => a.UnitId == unitId && a.CategoryCode == code).ExecuteDeleteAsync();
            await db.ReportingSchedules.Where(s => s.UnitId == unitId && s.CategoryCode == code).ExecuteDeleteAsync();
            await transaction.CommitAsync();
        }

        if (removed == 0)
        {
            return Outcome<UnitReportingView>.NotFound("assignment.not_found", $"该单位未被分配信息类别“{code}”");
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_CategoryUnassigned, AuditOutcome.Success) { Target = await TargetAsync(unitId), Detail = $"category={code}" });
        return Outcome<UnitReportingView>.Ok((await ForUnitAsync(unitId))!);
    }

    public async Task<Outcome<UnitReportingView>> AddOnBehalfAsync(ClaimsPrincipal actor, int unitId, string? uscc, string? name)
    {
        if (await RefuseAsync(actor, unitId) is { } refused)
        {
            return refused;
        }

        var errors = new List<FieldError>();
        var code = UnifiedSocialCreditCode.Check(uscc);
        errors.AddRange(code.Errors);
        var label = name?.Trim() ?? "";
        if (label.Length is 0 or > 100)
        {
            errors.Add(new FieldError("name", "on_behalf.name", "被代报单位名称不能为空，且不超过100个字符"));
        }

        if (code.IsValid && await db.Units.AnyAsync(u => u.Id == unitId && u.Uscc == code.Value))
        {
            errors.Add(new FieldError("uscc", "on_behalf.self", "这是本单位自己的统一社会信用代码，无需登记为代报单位"));
        }

        if (errors.Count > 0)
        {
            return Outcome<UnitReportingView>.Invalid(errors);
        }

        var existing = await db.OnBehalfUnits.FirstOrDefaultAsync(o => o.UnitId == unitId && o.Uscc == code.Value);
        if (existing is not null && existing.Name == label)
        {
            return Outcome<UnitReportingView>.Ok((await ForUnitAsync(unitId))!);
        }

        if (existing is null)
        {
            db.OnBehalfUnits.Add(new OnBehalfUnit { UnitId = unitId, Uscc = code.Value, Name = label, AddedAt = time.GetUtcNow(), AddedBy = actor.Actor() });
        }
        else
        {
            existing.Name = label;
        }

        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Outcome<UnitReportingView>.Conflict("on_behalf.concurrent", "该代报单位刚被他人登记，请刷新后查看");
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_OnBehalfAdded, AuditOutcome.Success) { Target = await TargetAsync(unitId), Detail = $"uscc={code.Value};name={label}" });
        return Outcome<UnitReportingView>.Ok((await ForUnitAsync(unitId))!);
    }

    public async Task<Outcome<UnitReportingView>> RemoveOnBehalfAsync(ClaimsPrincipal actor, int unitId, string? uscc)
    {
        if (await RefuseAsync(actor, unitId) is { } refused)
        {
            return refused;
        }

        var code = CodeText.Normalize(uscc);
        if (await db.OnBehalfUnits.Where(o => o.UnitId == unitId && o.Uscc == code).ExecuteDeleteAsync() == 0)
        {
            return Outcome<UnitReportingView>.NotFound("on_behalf.not_found", "该单位没有登记这个代报单位");
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_OnBehalfRemoved, AuditOutcome.Success) { Target = await TargetAsync(unitId), Detail = $"uscc={code}" });
        return Outcome<UnitReportingView>.Ok((await ForUnitAsync(unitId))!);
    }

    /// <summary>Only a 业务审核员 sets what units report, and only for source units.</summary>
    private async Task<Outcome<UnitReportingView>?> RefuseAsync(ClaimsPrincipal actor, int unitId)
    {
        if (!actor.IsInRole(StaffRoles.Reviewer))
        {
            return Outcome<UnitReportingView>.Forbidden("assignment.reviewer_only", "报送类别和代报单位由信用中心的业务审核员设定");
        }

        var unit = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => new { u.Roles }).FirstOrDefaultAsync();
        if (unit is null)
        {
            return Outcome<UnitReportingView>.NotFound("unit.not_found", "单位不存在");
        }

        return (unit.Roles & UnitRoles.Source) == 0
            ? Outcome<UnitReportingView>.Invalid(new FieldError("unitId", "assignment.not_source_unit", "只能为数据源单位分配报送类别和代报单位"))
            : null;
    }

    private async Task<string> TargetAsync(int unitId) => $"unit:{await db.Units.Where(u => u.Id == unitId).Select(u => u.Uscc).FirstAsync()}";
}
