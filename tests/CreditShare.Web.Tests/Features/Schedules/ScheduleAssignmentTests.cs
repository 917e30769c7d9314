using System.Net;
using CreditShare.Core.Accounts;
using Microsoft.EntityFrameworkCore;

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
}
