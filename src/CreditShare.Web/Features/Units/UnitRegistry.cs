using System.Security.Claims;
using System.Text.RegularExpressions;
using CreditShare.Core;
using CreditShare.Core.Accounts;
using CreditShare.Core.Codes;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Units;

public sealed record ContactInput(string? Name, string? OfficePhone, string? Mobile, string? Email);

public sealed record UnitInput(string? Name, string? Uscc, string? RegionCode, IReadOnlyList<string>? Roles, ContactInput? Responsible, ContactInput? Leader);

/// <summary>A unit as one viewer sees it: contacts (decrypted) only for those <see cref="ContactAccess"/> allows, otherwise null.</summary>
public sealed record UnitView(int Id, string Name, string Uscc, string RegionCode, IReadOnlyList<string> Roles, string RolesLabel, string Status,
    bool ContactsVisible, UnitContact? Responsible, UnitContact? Leader, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<FieldError> Warnings);

public sealed record UnitPage(IReadOnlyList<UnitView> Items, int Page, int PageSize, int Total);

/// <summary>The registry of units (art. 1, 2, 6): validation, contact history, suspension.</summary>
public sealed partial class UnitRegistry(AppDbContext db, AuditWriter audit, TimeProvider time, PersonalDataProtector protector)
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

    /// <summary>Whether <paramref name="viewer"/> may read the contacts of unit <paramref name="unitId"/>.</summary>
    public static bool MaySeeContacts(ClaimsPrincipal viewer, int unitId) =>
        ContactAccess.MaySee([.. StaffRoles.All.Where(viewer.IsInRole)], viewer.UnitId(), unitId);

    public async Task<UnitPage> SearchAsync(ClaimsPrincipal viewer, string? q, int page, int pageSize = 20)
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
        return new UnitPage([.. items.Select(u => View(u, MaySeeContacts(viewer, u.Id)))], page, pageSize, total);
    }

    public async Task<UnitView?> FindAsync(ClaimsPrincipal viewer, int id) =>
        await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id) is { } u ? View(u, MaySeeContacts(viewer, id)) : null;

    /// <summary>The contact history, decrypted, for those who may see the contacts; refused to everyone else.</summary>
    public async Task<Outcome<List<UnitContactChange>>> HistoryAsync(ClaimsPrincipal viewer, int id)
    {
        if (!MaySeeContacts(viewer, id))
        {
            return Outcome<List<UnitContactChange>>.Forbidden("unit.contacts_restricted", "单位联系人信息仅限系统管理员和本单位人员查看");
        }

        var changes = await db.UnitContactChanges.AsNoTracking().Where(c => c.UnitId == id).OrderByDescending(c => c.Id).ToListAsync();
        foreach (var change in changes)
        {
            change.Previous = Open(change.Previous);
            change.Current = Open(change.Current);
        }

        return Outcome<List<UnitContactChange>>.Ok(changes);
    }

    /// <summary>
    /// Encrypts contact values still stored in clear (rows from before contacts were encrypted). Runs with the
    /// migrations and at every start, so no clear value stays behind after an upgrade; returns how many rows it changed.
    /// A contact is always encrypted as a whole, so a clear name finds every such row (the name is never empty).
    /// </summary>
    public async Task<int> ProtectStoredContactsAsync()
    {
        const string Sealed = "enc:v1:";
        var changed = 0;
        foreach (var unit in await db.Units.Where(u => !u.Responsible.Name.StartsWith(Sealed) || !u.Leader.Name.StartsWith(Sealed)).ToListAsync())
        {
            changed += Reseal(unit.Responsible, c => unit.Responsible = c) | Reseal(unit.Leader, c => unit.Leader = c);
        }

        foreach (var change in await db.UnitContactChanges.Where(c => !c.Previous.Name.StartsWith(Sealed) || !c.Current.Name.StartsWith(Sealed)).ToListAsync())
        {
            changed += Reseal(change.Previous, c => change.Previous = c) | Reseal(change.Current, c => change.Current = c);
        }

        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return changed;
    }

    private int Reseal(UnitContact stored, Action<UnitContact> replace)
    {
        if (Stored(stored).All(v => v is null || PersonalDataProtector.IsProtected(v)))
        {
            return 0;
        }

        replace(Seal(Open(stored)));
        return 1;
    }

    private static IEnumerable<string?> Stored(UnitContact c) => [c.Name, c.OfficePhone, c.Mobile, c.Email];

    private UnitContact Seal(UnitContact plain) => new()
    {
        Name = Protect(plain.Name)!,
        OfficePhone = Protect(plain.OfficePhone),
        Mobile = Protect(plain.Mobile),
        Email = Protect(plain.Email),
    };

    private UnitContact Open(UnitContact stored) => new()
    {
        Name = Unprotect(stored.Name) ?? "",
        OfficePhone = Unprotect(stored.OfficePhone),
        Mobile = Unprotect(stored.Mobile),
        Email = Unprotect(stored.Email),
    };

    private string? Protect(string? plain) => plain is null ? null : PersonalDataProtector.IsProtected(plain) ? plain : protector.Protect(plain);

    private string? Unprotect(string? stored) => stored is null ? null : protector.Unprotect(stored);

    private UnitView View(Unit u, bool contacts, IReadOnlyList<FieldError>? warnings = null) =>
        new(u.Id, u.Name, u.Uscc, u.RegionCode, RoleNames(u.Roles), Unit.RolesLabel(u.Roles), u.Status == UnitStatus.Active ? "active" : "suspended",
            contacts, contacts ? Open(u.Responsible) : null, contacts ? Open(u.Leader) : null, u.CreatedAt, u.UpdatedAt, warnings ?? []);

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
        unit.Responsible = Seal(unit.Responsible);
        unit.Leader = Seal(unit.Leader);
        db.Units.Add(unit);
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_Created, AuditOutcome.Success) { Target = $"unit:{unit.Uscc}", Detail = unit.Name });
        return Outcome<UnitView>.Ok(View(unit, MaySeeContacts(actor, unit.Id), warnings));
    }

    public async Task<Outcome<UnitView>> UpdateAsync(ClaimsPrincipal actor, int id, UnitInput input)
    {
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Id == id);
        if (unit is null)
        {
            return Outcome<UnitView>.NotFound("unit.not_found", "单位不存在");
        }

        var storedResponsible = unit.Responsible;
        var storedLeader = unit.Leader;
        var previousResponsible = Open(storedResponsible);
        var previousLeader = Open(storedLeader);
        var (_, errors, warnings) = Check(input, unit);
        if (errors.Count == 0 && await db.Units.AnyAsync(u => u.Uscc == unit.Uscc && u.Id != id))
        {
            errors.Add(new FieldError("uscc", "unit.uscc_taken", "该统一社会信用代码的单位已登记"));
        }

        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear();
            return Outcome<UnitView>.Invalid(errors);
        }

        var now = time.GetUtcNow();
        unit.UpdatedAt = now;
        var changes = new List<UnitContactChange>();
        // Compared in clear; an unchanged contact keeps its stored cipher text (a fresh nonce would make every save a change).
        if (!previousResponsible.SameAs(unit.Responsible))
        {
            changes.Add(new UnitContactChange { UnitId = id, ContactRole = "responsible", Previous = Seal(previousResponsible), Current = Seal(unit.Responsible), ChangedAt = now, ChangedBy = actor.Actor() });
            unit.Responsible = Seal(unit.Responsible);
        }
        else
        {
            unit.Responsible = storedResponsible;
        }

        if (!previousLeader.SameAs(unit.Leader))
        {
            changes.Add(new UnitContactChange { UnitId = id, ContactRole = "leader", Previous = Seal(previousLeader), Current = Seal(unit.Leader), ChangedAt = now, ChangedBy = actor.Actor() });
            unit.Leader = Seal(unit.Leader);
        }
        else
        {
            unit.Leader = storedLeader;
        }

        db.UnitContactChanges.AddRange(changes);
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_Updated, AuditOutcome.Success) { Target = $"unit:{unit.Uscc}" });
        foreach (var change in changes)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Unit_ContactChanged, AuditOutcome.Success) { Target = $"unit:{unit.Uscc}", Detail = change.ContactRole });
        }

        return Outcome<UnitView>.Ok(View(unit, MaySeeContacts(actor, id), warnings));
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
        return Outcome<UnitView>.Ok(View(unit, MaySeeContacts(actor, id)));
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
