using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Codes;
using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Units;

/// <summary>The center's list of what each source unit reports and for whom: set by a 业务审核员, audited, listed by API.</summary>
public class ReportingAssignmentsTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private async Task<int> NewSourceAsync() => await app.CreateUnitAsync("测试中级人民法院", "11640100", ["source"], assignAll: false);

    [Fact]
    public async Task A_reviewer_assigns_and_removes_categories_and_every_change_is_audited()
    {
        var unitId = await NewSourceAsync();
        var reviewerAccount = await app.CreateStaffAsync(StaffRoles.Reviewer);
        var reviewer = await app.SignInAsync(reviewerAccount);
        var assigned = await reviewer.PutAsync($"/api/v1/units/{unitId}/reporting/categories/XZCF", null);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var view = await assigned.Content.ReadFromJsonAsync<JsonElement>();
        var category = Assert.Single(view.GetProperty("categories").EnumerateArray());
        Assert.Equal(("XZCF", "行政处罚", reviewerAccount.UserName), (category.GetProperty("categoryCode").GetString(), category.GetProperty("categoryName").GetString(), category.GetProperty("assignedBy").GetString()));
        // Assigning twice is the same assignment.
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PutAsync($"/api/v1/units/{unitId}/reporting/categories/XZCF", null)).StatusCode);

        // Any staff member reads the list.
        var querier = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Querier));
        var listed = await querier.GetFromJsonAsync<JsonElement>($"/api/v1/units/{unitId}/reporting");
        Assert.Equal(["XZCF"], listed.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("categoryCode").GetString()!).ToArray());

        Assert.Equal(HttpStatusCode.OK, (await reviewer.DeleteAsync($"/api/v1/units/{unitId}/reporting/categories/XZCF")).StatusCode);
        Assert.Equal("assignment.not_found", (await (await reviewer.DeleteAsync($"/api/v1/units/{unitId}/reporting/categories/XZCF")).ProblemAsync(HttpStatusCode.NotFound)).Code);

        var uscc = await app.WithDbAsync(db => db.Units.Where(u => u.Id == unitId).Select(u => u.Uscc).SingleAsync());
        var trail = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.Target == $"unit:{uscc}" && a.EventCode >= 1205).OrderBy(a => a.Sequence)
            .Select(a => new { a.EventCode, a.Account, a.Detail }).ToListAsync());
        Assert.Equal([(int)AuditEvent.Unit_CategoryAssigned, (int)AuditEvent.Unit_CategoryUnassigned], trail.Select(t => t.EventCode));
        Assert.All(trail, t => Assert.Equal((reviewerAccount.UserName, "category=XZCF"), (t.Account, t.Detail)));
    }

    [Fact]
    public async Task Only_a_reviewer_changes_assignments_and_only_for_source_units_and_known_categories()
    {
        var unitId = await NewSourceAsync();
        foreach (var role in new[] { StaffRoles.Querier, StaffRoles.SystemAdmin })
        {
            var other = await app.SignInAsync(await app.CreateStaffAsync(role));
            Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsync($"/api/v1/units/{unitId}/reporting/categories/XZCF", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync($"/api/v1/units/{unitId}/reporting/on-behalf/{CreditShareApp.FixtureAuthority}", new { name = "某局" })).StatusCode);
        }

        var source = await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source");
        var reporter = await app.SignInAsync(source);
        Assert.Equal(HttpStatusCode.Forbidden, (await reporter.PutAsync($"/api/v1/units/{app.UnitIds["source"]}/reporting/categories/YZSX", null)).StatusCode);

        var reviewer = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        var unknown = await (await reviewer.PutAsync($"/api/v1/units/{unitId}/reporting/categories/NOPE", null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(("categoryCode", "assignment.category"), unknown.FieldErrors());
        var user = await (await reviewer.PutAsync($"/api/v1/units/{app.UnitIds["user"]}/reporting/categories/XZCF", null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(("unitId", "assignment.not_source_unit"), user.FieldErrors());
        Assert.False(await app.WithDbAsync(db => db.ReportingAssignments.AnyAsync(a => a.UnitId == unitId)));
    }

    [Fact]
    public async Task Units_reported_for_are_checked_listed_and_audited()
    {
        var unitId = await NewSourceAsync();
        var uscc = await app.WithDbAsync(db => db.Units.Where(u => u.Id == unitId).Select(u => u.Uscc).SingleAsync());
        var reviewer = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        var bad = await (await reviewer.PutAsJsonAsync($"/api/v1/units/{unitId}/reporting/on-behalf/91440300708461136U", new { name = "" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Superset(new HashSet<(string, string)> { ("uscc", "uscc.check_digit"), ("name", "on_behalf.name") }, bad.FieldErrors().ToHashSet());
        var self = await (await reviewer.PutAsJsonAsync($"/api/v1/units/{unitId}/reporting/on-behalf/{uscc}", new { name = "本院" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(("uscc", "on_behalf.self"), self.FieldErrors());

        var district = UnifiedSocialCreditCode.Compose("11640104", "01350891");
        var added = await reviewer.PutAsJsonAsync($"/api/v1/units/{unitId}/reporting/on-behalf/{district.ToLowerInvariant()}", new { name = "兴庆区人民法院" });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var entry = Assert.Single((await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("onBehalfOf").EnumerateArray());
        Assert.Equal((district, "兴庆区人民法院"), (entry.GetProperty("uscc").GetString(), entry.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await reviewer.DeleteAsync($"/api/v1/units/{unitId}/reporting/on-behalf/{district}")).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.OnBehalfUnits.AnyAsync(o => o.UnitId == unitId)));
        var codes = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.Target == $"unit:{uscc}").Select(a => a.EventCode).ToListAsync());
        Assert.Contains((int)AuditEvent.Unit_OnBehalfAdded, codes);
        Assert.Contains((int)AuditEvent.Unit_OnBehalfRemoved, codes);
    }

    [Fact]
    public async Task The_assignments_page_changes_them_for_a_reviewer_shows_reasons_beside_fields_and_is_read_only_for_a_querier()
    {
        var unitId = await NewSourceAsync();
        var page = $"/Schedules/Assignments?unitId={unitId}";
        var reviewer = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        Assert.Contains("尚未分配任何信息类别", await reviewer.GetStringAsync(page));
        var assigned = await reviewer.PostFormAsync(page + "&handler=Assign", ("CategoryCode", "XZXK"));
        Assert.Equal(HttpStatusCode.Redirect, assigned.StatusCode);
        Assert.Matches("id=\"assigned\".*行政许可", (await reviewer.GetStringAsync(page)).ReplaceLineEndings(""));

        var bad = await (await reviewer.PostFormAsync(page + "&handler=AddOnBehalf", ("OnBehalf.Uscc", "91440300708461136U"), ("OnBehalf.Name", "某区局"))).Content.ReadAsStringAsync();
        Assert.Contains("field-validation-error\" data-valmsg-for=\"OnBehalf.Uscc\"", bad);
        Assert.Contains("统一社会信用代码校验位错误", bad);
        Assert.False(await app.WithDbAsync(db => db.OnBehalfUnits.AnyAsync(o => o.UnitId == unitId)));

        var querier = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Querier));
        var readOnly = await querier.GetStringAsync(page);
        Assert.Contains("行政许可", readOnly);
        Assert.DoesNotContain("id=\"assign-category\"", readOnly);
        var refused = await querier.PostFormAsync(page + "&handler=Assign", ("CategoryCode", "YZSX"));
        Assert.Contains("/SignIn/Denied", refused.Headers.Location?.OriginalString ?? "");
        Assert.False(await app.WithDbAsync(db => db.ReportingAssignments.AnyAsync(a => a.UnitId == unitId && a.CategoryCode == "YZSX")));
    }
}
