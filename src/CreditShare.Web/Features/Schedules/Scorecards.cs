using System.Security.Claims;
using CreditShare.Core;
using CreditShare.Core.Reporting;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Schedules;

public sealed record ScheduleStatus(ReportingSchedule Schedule, string UnitName, ReportingPeriod? LastClosed, DateTimeOffset? LastReceived, bool Overdue, double? OnTimeRate);

public sealed record Scorecard(int UnitId, string UnitName, int Batches, int RecordsReceived, int Rejected, double RejectionRate, double? OnTimeRate,
    TimeSpan? MeanTimeToCorrect, int OpenAbnormal);

/// <summary>Schedules, overdue detection and data-quality scorecards per source unit (art. 5).</summary>
public sealed class Scorecards(AppDbContext db, TimeProvider time)
{
    private const int PeriodsForRate = 12;

    private DateOnly Today => ChinaDay(time.GetUtcNow());

    private static DateOnly ChinaDay(DateTimeOffset at) => ProvincialTime.DateOf(at);

    // In UTC: PostgreSQL stores timestamptz and Npgsql accepts only offset 0.
    private static DateTimeOffset StartOfDay(DateOnly day) => ProvincialTime.StartOfDayUtc(day);

    public async Task<Outcome<ReportingSchedule>> SaveAsync(ClaimsPrincipal actor, int unitId, string categoryCode, ReportingFrequency frequency, int deadlineDay)
    {
        var errors = ReportingPeriods.Check(frequency, deadlineDay).ToList();
        if (!await db.Units.AnyAsync(u => u.Id == unitId && (u.Roles & UnitRoles.Source) != 0))
        {
            errors.Add(new FieldError("unitId", "schedule.unit", "只能为数据源单位设定报送频次"));
        }

        if (!await db.CatalogVersions.AnyAsync(c => c.Code == categoryCode && c.IsCurrent))
        {
            errors.Add(new FieldError("categoryCode", "schedule.category", "信息类别不存在"));
        }
        else if (errors.All(e => e.Field != "unitId") && !await db.ReportingAssignments.AnyAsync(a => a.UnitId == unitId && a.CategoryCode == categoryCode))
        {
            // A schedule is what an assigned category is due at; an unassigned one would be refused when sent.
            errors.Add(new FieldError("categoryCode", "schedule.not_assigned", "该单位未被分配报送此信息类别，请先在“报送类别分配”中分配"));
        }

        if (errors.Count > 0)
        {
            return Outcome<ReportingSchedule>.Invalid(errors);
        }

        var schedule = await db.ReportingSchedules.FirstOrDefaultAsync(s => s.UnitId == unitId && s.CategoryCode == categoryCode);
        if (schedule is null)
        {
            schedule = new ReportingSchedule { UnitId = unitId, CategoryCode = categoryCode };
            db.ReportingSchedules.Add(schedule);
        }

        schedule.Frequency = frequency;
        schedule.DeadlineDay = frequency is ReportingFrequency.Weekly or ReportingFrequency.Monthly ? deadlineDay : 0;
        schedule.UpdatedAt = time.GetUtcNow();
        schedule.UpdatedBy = actor.Actor();
        await db.SaveChangesAsync();
        return Outcome<ReportingSchedule>.Ok(schedule);
    }

    /// <summary>Every schedule with the last closed period, whether it was met, and the on-time rate over twelve periods.</summary>
    public async Task<IReadOnlyList<ScheduleStatus>> StatusesAsync()
    {
        var schedules = await db.ReportingSchedules.AsNoTracking().OrderBy(s => s.UnitId).ThenBy(s => s.CategoryCode).ToListAsync();
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name);
        var result = new List<ScheduleStatus>();
        foreach (var schedule in schedules)
        {
            var closed = ReportingPeriods.Closed(schedule.Frequency, schedule.DeadlineDay, Today, PeriodsForRate).ToList();
            var since = closed.Count > 0 ? StartOfDay(closed[^1].Start) : DateTimeOffset.MinValue;
            var received = await db.ReportBatches.AsNoTracking()
                .Where(b => b.UnitId == schedule.UnitId && b.CategoryCode == schedule.CategoryCode && b.ReceivedAt >= since)
                .Select(b => b.ReceivedAt).ToListAsync();
            var last = await db.ReportBatches.AsNoTracking().Where(b => b.UnitId == schedule.UnitId && b.CategoryCode == schedule.CategoryCode)
                .OrderByDescending(b => b.ReceivedAt).Select(b => (DateTimeOffset?)b.ReceivedAt).FirstOrDefaultAsync();

            var met = ReportingPeriods.Met(closed, received.Select(ChinaDay));
            var lastClosed = closed.Count > 0 ? closed[0] : (ReportingPeriod?)null;
            result.Add(new ScheduleStatus(schedule, units.GetValueOrDefault(schedule.UnitId) ?? "", lastClosed, last,
                lastClosed is { } p && !met.Contains(p), closed.Count > 0 ? met.Count / (double)closed.Count : null));
        }

        return result;
    }

    public async Task<IReadOnlyList<Scorecard>> ScorecardsAsync()
    {
        var units = await db.Units.AsNoTracking().Where(u => (u.Roles & UnitRoles.Source) != 0).OrderBy(u => u.Id).ToListAsync();
        var batches = await db.ReportBatches.AsNoTracking().GroupBy(b => b.UnitId)
            .Select(g => new { UnitId = g.Key, Batches = g.Count(), Total = g.Sum(b => b.Total), Accepted = g.Sum(b => b.Accepted), Rejected = g.Sum(b => b.Rejected) })
            .ToDictionaryAsync(x => x.UnitId);
        var closed = await db.AbnormalEntries.AsNoTracking().Where(a => a.ClosedAt != null).Select(a => new { a.UnitId, a.CreatedAt, a.ClosedAt }).ToListAsync();
        var open = await db.AbnormalEntries.AsNoTracking().Where(a => a.ClosedAt == null).GroupBy(a => a.UnitId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count);
        var rates = (await StatusesAsync()).Where(s => s.OnTimeRate is not null).GroupBy(s => s.Schedule.UnitId)
            .ToDictionary(g => g.Key, g => g.Average(s => s.OnTimeRate!.Value));

        return [.. units.Select(u =>
        {
            batches.TryGetValue(u.Id, out var b);
            var corrections = closed.Where(c => c.UnitId == u.Id).Select(c => c.ClosedAt!.Value - c.CreatedAt).ToList();
            return new Scorecard(u.Id, u.Name, b?.Batches ?? 0, b?.Accepted ?? 0, b?.Rejected ?? 0,
                b is { Total: > 0 } ? b.Rejected / (double)b.Total : 0, rates.TryGetValue(u.Id, out var rate) ? rate : null,
                corrections.Count > 0 ? TimeSpan.FromTicks((long)corrections.Average(c => c.Ticks)) : null, open.GetValueOrDefault(u.Id));
        })];
    }
}
