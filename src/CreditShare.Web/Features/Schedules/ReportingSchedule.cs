using CreditShare.Core.Reporting;

namespace CreditShare.Web.Features.Schedules;

/// <summary>What a unit agreed with the center for one category (art. 5): real time, or a frequency with a deadline day.</summary>
public sealed class ReportingSchedule
{
    public long Id { get; set; }

    public int UnitId { get; set; }

    public string CategoryCode { get; set; } = "";

    public ReportingFrequency Frequency { get; set; }

    public int DeadlineDay { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}
