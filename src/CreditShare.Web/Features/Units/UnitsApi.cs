using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Units;

public static class UnitsApi
{
    public static RouteGroupBuilder MapUnits(this IEndpointRouteBuilder routes)
    {
        var read = routes.MapGroup("/api/v1/units").WithTags("单位").RequireAuthorization(Policies.Staff);
        read.MapGet("/", async (string? q, int? page, UnitRegistry units) => TypedResults.Ok(await units.SearchAsync(q, page ?? 1)));
        read.MapGet("/{id:int}", async Task<Results<Ok<UnitView>, ProblemHttpResult>> (int id, UnitRegistry units) =>
            await units.FindAsync(id) is { } unit ? TypedResults.Ok(unit) : Problems.NotFound("unit.not_found", "单位不存在"));
        read.MapGet("/{id:int}/contact-history", async (int id, UnitRegistry units) => TypedResults.Ok(await units.HistoryAsync(id)));

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
