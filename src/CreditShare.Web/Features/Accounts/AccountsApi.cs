using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Accounts;

public sealed record RolesRequest(IReadOnlyList<string> Roles);

public static class AccountsApi
{
    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/accounts").WithTags("账号与角色").RequireAuthorization(Policies.SecurityAdmin);
        group.MapGet("/", async (string? q, AccountAdministration admin) => TypedResults.Ok(await admin.ListAsync(q)));
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id}/roles", async Task<Results<Ok<AccountSummary>, ProblemHttpResult>> (string id, RolesRequest body, AccountAdministration admin, HttpContext http) =>
            (await admin.SetRolesAsync(http.User, id, body.Roles)).ToOk());
        group.MapPost("/{id}/suspend", async Task<Results<Ok<AccountSummary>, ProblemHttpResult>> (string id, AccountAdministration admin, HttpContext http) =>
            (await admin.SetSuspendedAsync(http.User, id, suspend: true)).ToOk());
        group.MapPost("/{id}/resume", async Task<Results<Ok<AccountSummary>, ProblemHttpResult>> (string id, AccountAdministration admin, HttpContext http) =>
            (await admin.SetSuspendedAsync(http.User, id, suspend: false)).ToOk());
        group.MapPost("/{id}/reset-second-factor", async Task<Results<Ok<AccountSummary>, ProblemHttpResult>> (string id, AccountAdministration admin, HttpContext http) =>
            (await admin.ResetSecondFactorAsync(http.User, id)).ToOk());
        group.MapPost("/{id}/reset-password", async Task<Results<Ok<CreatedAccount>, ProblemHttpResult>> (string id, AccountAdministration admin, HttpContext http) =>
            (await admin.ResetPasswordAsync(http.User, id)).ToOk());
        return group;
    }

    private static async Task<Results<Ok<AccountSummary>, ProblemHttpResult>> GetAsync(string id, AccountAdministration admin) =>
        await admin.FindAsync(id) is { } account ? TypedResults.Ok(account) : Problems.NotFound("account.not_found", "账号不存在");

    private static async Task<Results<Created<CreatedAccount>, ProblemHttpResult>> CreateAsync(NewAccount body, AccountAdministration admin, HttpContext http)
    {
        var outcome = await admin.CreateAsync(http.User, body);
        return outcome.IsOk ? TypedResults.Created($"/api/v1/accounts/{outcome.Value!.Account.Id}", outcome.Value) : outcome.ToProblem();
    }

}
