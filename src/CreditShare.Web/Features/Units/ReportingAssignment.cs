namespace CreditShare.Web.Features.Units;

/// <summary>
/// A category the center assigned a source unit to report (art. 5: the catalog says what, the center says who). A
/// unit reports nothing it was not assigned; a reporting schedule needs an assignment.
/// </summary>
public sealed class ReportingAssignment
{
    public long Id { get; set; }

    public int UnitId { get; set; }

    public string CategoryCode { get; set; } = "";

    public DateTimeOffset AssignedAt { get; set; }

    public string AssignedBy { get; set; } = "";
}

/// <summary>
/// A unit another unit reports for (a city bureau for its district bureaus, a gateway for the departments behind
/// it): records from <see cref="UnitId"/> may name <see cref="Uscc"/> as their source unit or deciding authority.
/// </summary>
public sealed class OnBehalfUnit
{
    public long Id { get; set; }

    /// <summary>The reporting unit.</summary>
    public int UnitId { get; set; }

    /// <summary>The unit it reports for, normalised; it need not be registered on the platform.</summary>
    public string Uscc { get; set; } = "";

    public string Name { get; set; } = "";

    public DateTimeOffset AddedAt { get; set; }

    public string AddedBy { get; set; } = "";
}
