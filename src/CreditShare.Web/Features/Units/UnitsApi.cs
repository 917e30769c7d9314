using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Units;

public static class UnitsApi
{
    public static RouteGroupBuilder MapUnits(this IEndpointRouteBuilder routes)
    {
        // Every staff member reads the registry; contacts only the 系统管理员 and the unit's own staff (UnitRegistry).
        var read = routes.MapGroup("/api/v1/units").WithTags("单位").RequireAuthorization(Policies.Staff);
        read.MapGet("/", async (string? q, int? page, UnitRegistry units, HttpContext http) => TypedResults.Ok(await units.SearchAsync(http.User, q, page ?? 1)));
        read.MapGet("/{id:int}", async Task<Results<Ok<UnitView>, ProblemHttpResult>> (int id, UnitRegistry units, HttpContext http) =>
            await units.FindAsync(http.User, id) is { } unit ? TypedResults.Ok(unit) : Problems.NotFound("unit.not_found", "单位不存在"));
        read.MapGet("/{id:int}/contact-history", async Task<Results<Ok<List<UnitContactChange>>, ProblemHttpResult>> (int id, UnitRegistry units, HttpContext http) =>
            (await units.HistoryAsync(http.User, id)).ToOk());
        read.MapGet("/{id:int}/reporting", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, ReportingAssignments assignments) =>
            await assignments.ForUnitAsync(id) is { } view ? TypedResults.Ok(view) : Problems.NotFound("unit.not_found", "单位不存在"));

        // What a source unit reports and for whom: set by the center's 业务审核员.
        var assign = routes.MapGroup("/api/v1/units/{id:int}/reporting").WithTags("单位").RequireAuthorization(Policies.Reviewer);
        assign.MapPut("/categories/{categoryCode}", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, string categoryCode, ReportingAssignments assignments, HttpContext http) =>
            (await assignments.AssignAsync(http.User, id, categoryCode)).ToOk());
        assign.MapDelete("/categories/{categoryCode}", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, string categoryCode, ReportingAssignments assignments, HttpContext http) =>
            (await assignments.UnassignAsync(http.User, id, categoryCode)).ToOk());
        assign.MapPut("/on-behalf/{uscc}", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, string uscc, OnBehalfInput body, ReportingAssignments assignments, HttpContext http) =>
            (await assignments.AddOnBehalfAsync(http.User, id, uscc, body.Name)).ToOk());
        assign.MapDelete("/on-behalf/{uscc}", async Task<Results<Ok<UnitReportingView>, ProblemHttpResult>> (int id, string uscc, ReportingAssignments assignments, HttpContext http) =>
            (await assignments.RemoveOnBehalfAsync(http.User, id, uscc)).ToOk());

        var write = routes.MapGroup("/api/v1/units").WithTags("单位").RequireAuthorization(Policies.SystemAdmin);
        write.MapPost("/", CreateAsync);
        write.MapPut("/{id:int}", async Task<Results<Ok<UnitView>, ProblemHttpResult>> (int id, UnitInput body, UnitRegistry units, HttpContext http) =>
            (await units.UpdateAsync(http.User, id, body)).ToOk());
        write.MapPost("/{id:int}/suspend", async Task<Results<Ok<UnitView>, ProblemHttpResult>> (int id, UnitRegistry units, HttpContext http) =>
            (await units.SetStatusAsync(http.User, id, UnitStatus.Suspended)).ToOk());
        write.MapPost("/{id:int}/resume", async Task<Results<Ok<UnitView>, ProblemHttpResult>> (int id, UnitRegistry units, HttpContext http) =>
            (await units.SetStatusAsync(http.User, id, UnitStatus.Active)).ToOk());
        return write;
    }

    private static async Task<Results<Created<UnitView>, ProblemHttpResult>> CreateAsync(UnitInput body, UnitRegistry units, HttpContext http)
    {
        var outcome = await units.CreateAsync(http.User, body);
        return outcome.IsOk ? TypedResults.Created($"/api/v1/units/{outcome.Value!.Id}", outcome.Value) : outcome.ToProblem();
    }

}
