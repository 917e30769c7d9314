using System.ComponentModel.DataAnnotations.Schema;
using CreditShare.Core.Units;

namespace CreditShare.Web.Features.Units;

public enum UnitStatus
{
    Active = 0,
    Suspended = 1,
}

/// <summary>
/// A contact person a unit names under art. 6: the responsible person and the leader in charge. Personal data: every
/// value is stored encrypted by <see cref="UnitRegistry"/> and shown only to those <c>ContactAccess</c> lets see it.
/// </summary>
public sealed class UnitContact
{
    /// <summary>Column size for an encrypted value of up to 100 characters (see the unit configuration).</summary>
    public const int StoredMaxLength = 600;

    public string Name { get; set; } = "";

    public string? OfficePhone { get; set; }

    public string? Mobile { get; set; }

    public string? Email { get; set; }

    public bool SameAs(UnitContact other) =>
        Name == other.Name && OfficePhone == other.OfficePhone && Mobile == other.Mobile && Email == other.Email;
}

public sealed class Unit
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>统一社会信用代码, normalised.</summary>
    public string Uscc { get; set; } = "";

    /// <summary>GB/T 2260 administrative division code, e.g. 640100.</summary>
    public string RegionCode { get; set; } = "";

    public UnitRoles Roles { get; set; }

    public UnitStatus Status { get; set; }

    public UnitContact Responsible { get; set; } = new();

    public UnitContact Leader { get; set; } = new();

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    [NotMapped]
    public bool IsActive => Status == UnitStatus.Active;

    public static string RolesLabel(UnitRoles roles) => string.Join("、", RoleLabels.Where(r => roles.HasFlag(r.Role)).Select(r => r.Label));

    public static IReadOnlyList<(UnitRoles Role, string Label)> RoleLabels { get; } =
    [
        (UnitRoles.Center, "信用中心"),
        (UnitRoles.Source, "数据源单位"),
        (UnitRoles.User, "数据使用单位"),
        (UnitRoles.CreditAgency, "信用服务机构"),
        (UnitRoles.FinancialInstitution, "金融机构"),
    ];
}

/// <summary>History of a unit's contacts: art. 6 asks units to report changes, so old values are kept.</summary>
public sealed class UnitContactChange
{
    public long Id { get; set; }

    public int UnitId { get; set; }

    /// <summary><c>responsible</c> or <c>leader</c>.</summary>
    public string ContactRole { get; set; } = "";

    public UnitContact Previous { get; set; } = new();

    public UnitContact Current { get; set; } = new();

    public DateTimeOffset ChangedAt { get; set; }

    public string ChangedBy { get; set; } = "";
}
