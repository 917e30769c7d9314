using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Units;

public static class UnitsApi
{
    public static RouteGroupBuilder MapUnits(this IEndpointRouteBuilder routes)
    {
        // Every staff member reads the registry; contacts only the 系统管理员 and the unit's own staff (UnitRegistry).
        var read = routes.MapGroup("/api/v1/units").WithTags("单位").RequireAuthorization(Policies.Staff).ProducesProblems(401, 403);
        read.MapGet("/", async (string? q, int? page, UnitRegistry units, HttpContext http) => TypedResults.Ok(await units.SearchAsync(http.User, q, page ?? 1)))
            .WithName("searchUnits").WithSummary("查询单位名录（名称或代码关键字，分页）");
        read.MapGet("/{id:int}", async Task<Results<Ok<UnitView>, ProblemHttpResult>> (int id, UnitRegistry units, HttpContext http) =>
            await units.FindAsync(http.User, id) is { } unit ? TypedResults.Ok(unit) : Problems.NotFound("unit.not_found", "单位不存在"))
            .WithName("getUnit").WithSummary("单位详情（联系人仅对系统管理员和本单位人员可见）").ProducesProblems(404);
        read.MapGet("/{id:int}/contact-history", async Task<Results<Ok<List<UnitContactChange>>, ProblemHttpResult>> (int id, UnitRegistry units, HttpContext http) =>
            (await units.HistoryAsync(http.User, id)).ToOk())
            .WithName("getUnitContactHistory").WithSummary("单位联系人变更历史");
        read.MapGet("/{id:int}/reporting", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, ReportingAssignments assignments) =>
            await assignments.ForUnitAsync(id) is { } view ? TypedResults.Ok(view) : Problems.NotFound("unit.not_found", "单位不存在"))
            .WithName("getUnitReporting").WithSummary("单位的报送分配：报送类别与代报机关").ProducesProblems(404);

        // What a source unit reports and for whom: set by the center's 业务审核员.
        var assign = routes.MapGroup("/api/v1/units/{id:int}/reporting").WithTags("单位").RequireAuthorization(Policies.Reviewer).ProducesProblems(401, 403);
        assign.MapPut("/categories/{categoryCode}", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, string categoryCode, ReportingAssignments assignments, HttpContext http) =>
            (await assignments.AssignAsync(http.User, id, categoryCode)).ToOk())
            .WithName("assignUnitCategory").WithSummary("分配单位报送的信息类别").ProducesProblems(400, 404);
        assign.MapDelete("/categories/{categoryCode}", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, string categoryCode, ReportingAssignments assignments, HttpContext http) =>
            (await assignments.UnassignAsync(http.User, id, categoryCode)).ToOk())
            .WithName("unassignUnitCategory").WithSummary("取消单位报送的信息类别").ProducesProblems(400, 404);
        assign.MapPut("/on-behalf/{uscc}", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, string uscc, OnBehalfInput body, ReportingAssignments assignments, HttpContext http) =>
            (await assignments.AddOnBehalfAsync(http.User, id, uscc, body.Name)).ToOk())
            .WithName("addUnitOnBehalf").WithSummary("登记单位可代为报送的机关").ProducesProblems(400, 404, 409);
        assign.MapDelete("/on-behalf/{uscc}", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, string uscc, ReportingAssignments assignments, HttpContext http) =>
            (await assignments.RemoveOnBehalfAsync(http.User, id, uscc)).ToOk())
            .WithName("removeUnitOnBehalf").WithSummary("取消单位的代报机关").ProducesProblems(400, 404);

        var write = routes.MapGroup("/api/v1/units").WithTags("单位").RequireAuthorization(Policies.SystemAdmin).ProducesProblems(401, 403);
        write.MapPost("/", CreateAsync).WithName("createUnit").WithSummary("登记单位").ProducesProblems(400);
        write.MapPut("/{id:int}", async Task<Results<Ok<UnitView>, ProblemHttpResult>> (int id, UnitInput body, UnitRegistry units, HttpContext http) =>
            (await units.UpdateAsync(http.User, id, body)).ToOk())
            .WithName("updateUnit").WithSummary("修改单位信息").ProducesProblems(400, 404);
        write.MapPost("/{id:int}/suspend", async Task<Results<Ok<UnitView>, ProblemHttpResult>> (int id, UnitRegistry units, HttpContext http) =>
            (await units.SetStatusAsync(http.User, id, UnitStatus.Suspended)).ToOk())
            .WithName("suspendUnit").WithSummary("暂停单位（其证书随即不能接入）").ProducesProblems(404);
        write.MapPost("/{id:int}/resume", async Task<Results<Ok<UnitView>, ProblemHttpResult>> (int id, UnitRegistry units, HttpContext http) =>
            (await units.SetStatusAsync(http.User, id, UnitStatus.Active)).ToOk())
            .WithName("resumeUnit").WithSummary("恢复单位").ProducesProblems(404);
        return write;
    }

    private static async Task<Results<Created<UnitView>, ProblemHttpResult>> CreateAsync(UnitInput body, UnitRegistry units, HttpContext http)
    {
        var outcome = await units.CreateAsync(http.User, body);
        return outcome.IsOk ? TypedResults.Created($"/api/v1/units/{outcome.Value!.Id}", outcome.Value) : outcome.ToProblem();
    }

}
