using CreditShare.Core.Catalog;
using CreditShare.Core.Units;

namespace CreditShare.Core.Sharing;

/// <summary>
/// A grant as asked for, with what the caller found for it: <see cref="UnitRoles"/> null when no such unit exists,
/// <see cref="Definition"/> null when the category is not in the catalog.
/// </summary>
public sealed record GrantTerms(UnitRoles? UnitRoles, CategoryDefinition? Definition, IReadOnlyList<string>? Fields, string? Purpose, DateOnly? ValidFrom, DateOnly? ValidTo);

/// <summary>
/// The ceiling on a grant (art. 9, 11): the catalog's sharing scope per field, the kind of unit, and how long it may
/// run. Checked when a grant is asked for and again when it is approved (the catalog may have narrowed since).
/// </summary>
public static class GrantCeiling
{
    /// <summary>The longest a purpose may be.</summary>
    public const int MaxPurposeLength = 500;

    /// <summary>
    /// Every reason the grant may not be given, none when it may. <paramref name="today"/> is the provincial day a new
    /// request is judged on (a period already over is refused); null at approval, where only the ceiling is checked
    /// again — a request approved on its last day is not refused for the day having come.
    /// </summary>
    public static IReadOnlyList<FieldError> Check(GrantTerms terms, DateOnly? today)
    {
        var errors = new List<FieldError>();
        if (terms.UnitRoles is not { } roles || !UnitKinds.IsDataUser(roles))
        {
            errors.Add(new FieldError("unitId", "grant.not_data_user", "只能向数据使用单位、信用服务机构或金融机构授权"));
        }

        var definition = terms.Definition;
        if (definition is null)
        {
            errors.Add(new FieldError("category", "grant.category", "请选择目录中的信息类别"));
        }

        if (terms.Fields is not { Count: > 0 })
        {
            errors.Add(new FieldError("fields", "grant.fields_required", "请选择授权的字段"));
        }
        else if (definition is not null && terms.UnitRoles is { } known)
        {
            errors.AddRange(terms.Fields.Distinct().Select(code => FieldProblem(definition, code, known)).OfType<FieldError>());
        }

        if (string.IsNullOrWhiteSpace(terms.Purpose) || terms.Purpose.Trim().Length > MaxPurposeLength)
        {
            errors.Add(new FieldError("purpose", "grant.purpose_required", "请写明使用目的（不超过500字）"));
        }

        if (PeriodProblem(terms.UnitRoles, terms.ValidFrom, terms.ValidTo, today) is { } period)
        {
            errors.Add(period);
        }

        return errors;
    }

    /// <summary>Why one field of the category may not be granted to this kind of unit, or null if it may.</summary>
    public static FieldError? FieldProblem(CategoryDefinition definition, string code, UnitRoles roles)
    {
        var field = definition.Field(code);
        if (field is null)
        {
            return new FieldError("fields", "grant.field_unknown", $"字段“{code}”不在“{definition.Name}”中");
        }

        return definition.ScopeOf(field) switch
        {
            SharingScope.NotShared => new FieldError("fields", "grant.field_not_shared", $"“{field.Label}”在目录中为不予共享，不能授权"),
            SharingScope.OnRequest => new FieldError("fields", "grant.field_on_request", $"“{field.Label}”在目录中为依申请共享，只能通过书面查询申请获取"),
            var scope when scope > UnitKinds.Ceiling(roles) => new FieldError("fields", "grant.field_beyond_unit_type", $"“{field.Label}”仅向政务部门共享，信用服务机构、金融机构只能获授权公开字段"),
            _ => null,
        };
    }

    /// <summary>The last day a grant from <paramref name="from"/> may run to for this kind of unit (the day itself included).</summary>
    public static DateOnly LatestEnd(UnitRoles roles, DateOnly from) => from.AddMonths(UnitKinds.MaxGrantMonths(roles));

    /// <summary>Why the period may not be granted, or null; the first problem only, in the order a person would fix them.</summary>
    public static FieldError? PeriodProblem(UnitRoles? roles, DateOnly? validFrom, DateOnly? validTo, DateOnly? today)
    {
        if (validFrom is not { } from || validTo is not { } to)
        {
            return new FieldError("validTo", "grant.period_required", "请填写授权起止日期");
        }

        if (to < from)
        {
            return new FieldError("validTo", "grant.period_order", "截止日期不能早于起始日期");
        }

        if (today is { } day && to < day)
        {
            return new FieldError("validTo", "grant.period_past", "截止日期已过");
        }

        return roles is { } kind && to > LatestEnd(kind, from)
            ? new FieldError("validTo", "grant.period_too_long", $"该类单位的授权期限最长 {UnitKinds.MaxGrantMonths(kind)} 个月")
            : null;
    }
}
