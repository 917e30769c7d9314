using System.Net;
using System.Text.RegularExpressions;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Reporting;
using CreditShare.Web.Features.Schedules;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Schedules;

/// <summary>Mid-month, so the batches fall in one monthly window whatever day the tests run.</summary>
public sealed class SchedulesApp : CreditShareApp
{
    // 10:00 in Beijing; in UTC, as a real clock gives it (PostgreSQL takes offset 0 only).
    protected override DateTimeOffset ClockStart => new(2026, 3, 17, 2, 0, 0, TimeSpan.Zero);
}

public class SchedulesTests(SchedulesApp app) : IClassFixture<SchedulesApp>
{
    [Fact]
    public async Task A_unit_that_misses_its_monthly_deadline_is_overdue_until_it_reports_in_time_and_its_scorecard_shows_it()
    {
        var reviewer = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        var unitId = app.UnitIds["source"].ToString(System.Globalization.CultureInfo.InvariantCulture);

        var bad = await reviewer.PostFormAsync("/Schedules", ("Input.UnitId", unitId), ("Input.CategoryCode", "XZCF"), ("Input.Frequency", "Monthly"), ("Input.DeadlineDay", "31"));
        Assert.Contains("每月1–28日", await bad.Content.ReadAsStringAsync());
        var notSource = await reviewer.PostFormAsync("/Schedules", ("Input.UnitId", app.UnitIds["user"].ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Input.CategoryCode", "XZCF"), ("Input.Frequency", "Monthly"), ("Input.DeadlineDay", "10"));
        Assert.Contains("只能为数据源单位设定报送频次", await notSource.Content.ReadAsStringAsync());
        var saved = await reviewer.PostFormAsync("/Schedules", ("Input.UnitId", unitId), ("Input.CategoryCode", "XZCF"), ("Input.Frequency", "Monthly"), ("Input.DeadlineDay", "10"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        // Nothing reported: the last closed month is overdue.
        var page = await reviewer.GetStringAsync("/Schedules");
        Assert.Matches(new Regex("id=\"overdue\".*测试市场监督管理局.*XZCF", RegexOptions.Singleline), page);

        // One batch with one good and one bad row, the bad one fixed a day later.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var reporting = scope.ServiceProvider.GetRequiredService<ReportingService>();
            var who = new Submitter(app.UnitIds["source"], "", "api", "test");
            var bad1 = TestRecords.Penalty(TestRecords.Next());
            bad1["CF_NR_FK"] = null;
            await reporting.SubmitAsync(who, "XZCF", [TestRecords.Penalty(TestRecords.Next()), bad1], null, "a");
            app.Clock.Advance(TimeSpan.FromHours(24));
            bad1["CF_NR_FK"] = "1";
            await reporting.SubmitAsync(who, "XZCF", [bad1], null, "b");
        }

        // After March's deadline (10 April) passes, March counts as met: both batches fell in its window only.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 11, 1, 0, 0, TimeSpan.Zero));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var statuses = await scope.ServiceProvider.GetRequiredService<Scorecards>().StatusesAsync();
            var status = Assert.Single(statuses, s => s.Schedule.UnitId == app.UnitIds["source"]);
            Assert.False(status.Overdue);
            Assert.Equal(new DateOnly(2026, 3, 1), status.LastClosed!.Value.Start);
            Assert.Equal(1 / 12.0, status.OnTimeRate!.Value, 3);
            var card = Assert.Single(await scope.ServiceProvider.GetRequiredService<Scorecards>().ScorecardsAsync(), c => c.UnitId == app.UnitIds["source"]);
            Assert.Equal(2, card.RecordsReceived);
            Assert.Equal(1 / 3.0, card.RejectionRate, 3);
            Assert.Equal(24, card.MeanTimeToCorrect!.Value.TotalHours, 1);
        }

        // The earlier session has long been idle; a fresh sign-in sees the scorecard.
        var later = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        Assert.Matches(new Regex("id=\"scorecards\".*测试市场监督管理局</td><td>2</td><td>2</td><td>1</td>", RegexOptions.Singleline), await later.GetStringAsync("/Schedules"));
    }
}
