using System.Security.Claims;
using System.Text.RegularExpressions;
using CreditShare.Core;
using CreditShare.Core.Codes;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Units;

public sealed record ContactInput(string? Name, string? OfficePhone, string? Mobile, string? Email);

public sealed record UnitInput(string? Name, string? Uscc, string? RegionCode, IReadOnlyList<string>? Roles, ContactInput? Responsible, ContactInput? Leader);

public sealed record UnitView(int Id, string Name, string Uscc, string RegionCode, IReadOnlyList<string> Roles, string RolesLabel, string Status,
    UnitContact Responsible, UnitContact Leader, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<FieldError> Warnings)
{
    public static UnitView From(Unit u, IReadOnlyList<FieldError>? warnings = null) =>
        new(u.Id, u.Name, u.Uscc, u.RegionCode, UnitRegistry.RoleNames(u.Roles), Unit.RolesLabel(u.Roles), u.Status == UnitStatus.Active ? "active" : "suspended",
            u.Responsible, u.Leader, u.CreatedAt, u.UpdatedAt, warnings ?? []);
}

public sealed record UnitPage(IReadOnlyList<UnitView> Items, int Page, int PageSize, int Total);

/// <summary>The registry of units (art. 1, 2, 6): validation, contact history, suspension.</summary>
public sealed partial class UnitRegistry(AppDbContext db, AuditWriter audit, TimeProvider time)
{
    private static readonly Dictionary<string, UnitRoles> RoleCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["center"] = UnitRoles.Center,
        ["source"] = UnitRoles.Source,
        ["user"] = UnitRoles.User,
        ["credit_agency"] = UnitRoles.CreditAgency,
        ["financial_institution"] = UnitRoles.FinancialInstitution,
    };

    public static IReadOnlyList<string> RoleNames(UnitRoles roles) => [.. RoleCodes.Where(r => roles.HasFlag(r.Value)).Select(r => r.Key)];

    public static string RoleCode(UnitRoles role) => RoleCodes.First(r => r.Value == role).Key;

    [GeneratedRegex(@"^[0-9]{6}$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^[0-9\-]{7,20}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^1[3-9][0-9]{9}$")]
    private static partial Regex MobilePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    public async Task<UnitPage> SearchAsync(string? q, int page, int pageSize = 20)
    {
        page = Math.Max(page, 1);
        var query = db.Units.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            var code = CodeText.Normalize(term);
            query = query.Where(u => u.Name.Contains(term) || u.Uscc.Contains(code) || u.RegionCode.StartsWith(term));
        }

        var total = await query.CountAsync();
        var items = await query.OrderBy(u => u.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync();
        return new UnitPage([.. items.Select(u => UnitView.From(u))], page, pageSize, total);
    }

    public async Task<UnitView?> FindAsync(int id) => await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id) is { } u ? UnitView.From(u) : null;

    public Task<List<UnitContactChange>> HistoryAsync(int id) =>
        db.UnitContactChanges.AsNoTracking().Where(c => c.UnitId == id).OrderByDescending(c => c.Id).ToListAsync();

    public async Task<Outcome<UnitView>> CreateAsync(ClaimsPrincipal actor, UnitInput input)
    {
        var (unit, errors, warnings) = Check(input, new Unit());
        if (errors.Count == 0 && await db.Units.AnyAsync(u => u.Uscc == unit.Uscc))
        {
            errors.Add(new FieldError("uscc", "unit.uscc_taken", "该统一社会信用代码的单位已登记"));
        }

        if (errors.Count > 0)
        {
            return Outcome<UnitView>.Invalid(errors);
        }

        unit.CreatedAt = unit.UpdatedAt = time.GetUtcNow();
        db.Units.Add(unit);
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_Created, AuditOutcome.Success) { Target = $"unit:{unit.Uscc}", Detail = unit.Name });
        return Outcome<UnitView>.Ok(UnitView.From(unit, warnings));
    }

    public async Task<Outcome<UnitView>> UpdateAsync(ClaimsPrincipal actor, int id, UnitInput input)
    {
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Id == id);
        if (unit is null)
        {
            return Outcome<UnitView>.NotFound("unit.not_found", "单位不存在");
        }

        var previousResponsible = unit.Responsible.Copy();
        var previousLeader = unit.Leader.Copy();
        var (_, errors, warnings) = Check(input, unit);
        if (errors.Count == 0 && await db.Units.AnyAsync(u => u.Uscc == unit.Uscc && u.Id != id))
        {
            errors.Add(new FieldError("uscc", "unit.uscc_taken", "该统一社会信用代码的单位已登记"));
        }

        if (errors.Count > 0)
        {
            return Outcome<UnitView>.Invalid(errors);
        }

        var now = time.GetUtcNow();
        unit.UpdatedAt = now;
        var changes = new List<UnitContactChange>();
        if (!previousResponsible.SameAs(unit.Responsible))
        {
            changes.Add(new UnitContactChange { UnitId = id, ContactRole = "responsible", Previous = previousResponsible, Current = unit.Responsible.Copy(), ChangedAt = now, ChangedBy = actor.Actor() });
        }

        if (!previousLeader.SameAs(unit.Leader))
        {
            changes.Add(new UnitContactChange { UnitId = id, ContactRole = "leader", Previous = previousLeader, Current = unit.Leader.Copy(), ChangedAt = now, ChangedBy = actor.Actor() });
        }

        db.UnitContactChanges.AddRange(changes);
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_Updated, AuditOutcome.Success) { Target = $"unit:{unit.Uscc}" });
        foreach (var change in changes)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_ContactChanged, AuditOutcome.Success) { Target = $"unit:{unit.Uscc}", Detail = change.ContactRole });
        }

        return Outcome<UnitView>.Ok(UnitView.From(unit, warnings));
    }

    public async Task<Outcome<UnitView>> SetStatusAsync(ClaimsPrincipal actor, int id, UnitStatus status)
    {
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Id == id);
        if (unit is null)
        {
            return Outcome<UnitView>.NotFound("unit.not_found", "单位不存在");
        }

        if (unit.Roles.HasFlag(UnitRoles.Center) && status == UnitStatus.Suspended)
        {
            return Outcome<UnitView>.Forbidden("unit.center_suspend", "信用中心自身不能被暂停");
        }

        unit.Status = status;
        unit.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(status == UnitStatus.Suspended ? AuditEvent.Unit_Suspended : AuditEvent.Unit_Resumed, AuditOutcome.Success) { Target = $"unit:{unit.Uscc}" });
        return Outcome<UnitView>.Ok(UnitView.From(unit));
    }

    /// <summary>Validates input and copies it onto the unit; every problem is reported, not only the first.</summary>
    private static (Unit Unit, List<FieldError> Errors, List<FieldError> Warnings) Check(UnitInput input, Unit unit)
    {
        var errors = new List<FieldError>();
        var warnings = new List<FieldError>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            errors.Add(new FieldError("name", "unit.name", "单位名称不能为空，且不超过100个字符"));
        }

        var uscc = UnifiedSocialCreditCode.Check(input.Uscc);
        errors.AddRange(uscc.Errors);
        warnings.AddRange(uscc.Warnings);

        var region = input.RegionCode?.Trim() ?? "";
        if (!RegionPattern().IsMatch(region))
        {
            errors.Add(new FieldError("regionCode", "unit.region_code", "行政区划代码应为6位数字（GB/T 2260），如 640100"));
        }

        var roles = UnitRoles.None;
        foreach (var role in input.Roles ?? [])
        {
            if (RoleCodes.TryGetValue(role, out var flag))
            {
                roles |= flag;
            }
            else
            {
                errors.Add(new FieldError("roles", "unit.role_unknown", $"“{role}”不是单位类型（可选：{string.Join("、", RoleCodes.Keys)}）"));
            }
        }

        if (roles == UnitRoles.None && !errors.Any(e => e.Field == "roles"))
        {
            errors.Add(new FieldError("roles", "unit.roles_required", "至少选择一种单位类型"));
        }

        var responsible = CheckContact(input.Responsible, "responsible", "负责人", errors);
        var leader = CheckContact(input.Leader, "leader", "分管领导", errors);
        if (errors.Count == 0)
        {
            unit.Name = name;
            unit.Uscc = uscc.Value;
            unit.RegionCode = region;
            unit.Roles = roles;
            unit.Responsible = responsible;
            unit.Leader = leader;
        }

        return (unit, errors, warnings);
    }

    private static UnitContact CheckContact(ContactInput? input, string prefix, string label, List<FieldError> errors)
    {
        var contact = new UnitContact
        {
            Name = input?.Name?.Trim() ?? "",
            OfficePhone = Blank(input?.OfficePhone),
            Mobile = Blank(input?.Mobile),
            Email = Blank(input?.Email),
        };
        if (contact.Name.Length is 0 or > 50)
        {
            errors.Add(new FieldError($"{prefix}.name", "contact.name", $"{label}姓名不能为空，且不超过50个字符"));
        }

        if (contact.OfficePhone is { } phone && !PhonePattern().IsMatch(phone))
        {
            errors.Add(new FieldError($"{prefix}.officePhone", "contact.office_phone", $"{label}办公电话格式不正确（数字和连字符，7–20位）"));
        }

        if (contact.Mobile is { } mobile && !MobilePattern().IsMatch(mobile))
        {
            errors.Add(new FieldError($"{prefix}.mobile", "contact.mobile", $"{label}手机号码应为11位，以1开头"));
        }

        if (contact.Email is { } email && (email.Length > 100 || !EmailPattern().IsMatch(email)))
        {
            errors.Add(new FieldError($"{prefix}.email", "contact.email", $"{label}电子邮箱格式不正确"));
        }

        if (contact.OfficePhone is null && contact.Mobile is null)
        {
            errors.Add(new FieldError($"{prefix}.mobile", "contact.phone_required", $"{label}至少填写办公电话或手机号码之一"));
        }

        return contact;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
