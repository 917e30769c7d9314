using System.Net;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Schedules;

/// <summary>A schedule is set for an assigned category only, and goes when the assignment goes.</summary>
public class ScheduleAssignmentTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    [Fact]
    public async Task A_schedule_needs_the_category_assigned_and_ends_with_the_assignment()
    {
        var unitId = await app.CreateUnitAsync("测试中级人民法院", "11640100", ["source"], assignAll: false);
        var id = unitId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reviewer = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        var refused = await reviewer.PostFormAsync("/Schedules", ("Input.UnitId", id), ("Input.CategoryCode", "XZCF"), ("Input.Frequency", "Monthly"), ("Input.DeadlineDay", "10"));
        Assert.Contains("该单位未被分配报送此信息类别", await refused.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.ReportingSchedules.AnyAsync(s => s.UnitId == unitId)));

        Assert.Equal(HttpStatusCode.OK, (await reviewer.PutAsync($"/api/v1/units/{unitId}/reporting/categories/XZCF", null)).StatusCode);
        var saved = await reviewer.PostFormAsync("/Schedules", ("Input.UnitId", id), ("Input.CategoryCode", "XZCF"), ("Input.Frequency", "Monthly"), ("Input.DeadlineDay", "10"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.ReportingSchedules.AnyAsync(s => s.UnitId == unitId && s.CategoryCode == "XZCF")));

        Assert.Equal(HttpStatusCode.OK, (await reviewer.DeleteAsync($"/api/v1/units/{unitId}/reporting/categories/XZCF")).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.ReportingSchedules.AnyAsync(s => s.UnitId == unitId)));
    }

    [Fact]
    public async Task The_migration_turns_existing_schedules_into_assignments()
    {
        // A schedule from before assignments existed, as the migration finds it: its row, no assignment.
        var unitId = await app.CreateUnitAsync("测试税务局", "11640500", ["source"], assignAll: false);
        await app.WithDbAsync(async db =>
        {
            db.ReportingSchedules.Add(new CreditShare.Web.Features.Schedules.ReportingSchedule
            { UnitId = unitId, CategoryCode = "JYYC", Frequency = Core.Reporting.ReportingFrequency.Daily, UpdatedAt = app.Clock.GetUtcNow(), UpdatedBy = "earlier" });
            return await db.SaveChangesAsync();
        });
        var sql = MigrationSql();
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql));
        var assignment = await app.WithDbAsync(db => db.ReportingAssignments.SingleAsync(a => a.UnitId == unitId));
        Assert.Equal(("JYYC", "migration"), (assignment.CategoryCode, assignment.AssignedBy));
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Contains("JYYC", (await ReportingAssignments.ReporterAsync(scope.ServiceProvider.GetRequiredService<CreditShare.Web.Data.AppDbContext>(), unitId))!.Categories);
    }

    /// <summary>The back-fill statement of the HardeningUnits migration, read from the migration itself.</summary>
    private string MigrationSql()
    {
        var migration = app.Database.Provider == "Sqlite"
            ? (Microsoft.EntityFrameworkCore.Migrations.Migration)new CreditShare.Web.Data.Migrations.Sqlite.HardeningUnits()
            : new CreditShare.Web.Data.Migrations.Postgres.HardeningUnits();
        return migration.UpOperations.OfType<Microsoft.EntityFrameworkCore.Migrations.Operations.SqlOperation>().Single().Sql;
    }
}
