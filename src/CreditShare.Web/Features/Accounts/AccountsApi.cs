using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Accounts;

public sealed record RolesRequest(IReadOnlyList<string> Roles);

public static class AccountsApi
{
    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/accounts").WithTags("账号与角色").RequireAuthorization(Policies.SecurityAdmin).ProducesProblems(401, 403);
        group.MapGet("/", async (string? q, AccountAdministration admin) => TypedResults.Ok(await admin.ListAsync(q)))
            .WithName("listAccounts").WithSummary("工作人员账号列表（用户名或姓名关键字）");
        group.MapGet("/{id}", GetAsync).WithName("getAccount").WithSummary("账号详情").ProducesProblems(404);
        group.MapPost("/", CreateAsync).WithName("createAccount").WithSummary("新建账号（需第二名安全管理员批准时返回 202 与待审批申请）").ProducesProblems(400, 404, 409);
        // Changes that need a second 安全管理员 answer 202 with the pending request; nothing secret comes back until approval.
        group.MapPut("/{id}/roles", async (string id, RolesRequest body, AccountRequests requests, HttpContext http) =>
            Submitted(await requests.SetRolesAsync(http.User, id, body.Roles)))
            .WithName("setAccountRoles").WithSummary("修改账号角色（待第二名安全管理员批准）").ProducesProblems(400, 404, 409);
        group.MapPost("/{id}/suspend", async Task<Results<Ok<AccountSummary>, ProblemHttpResult>> (string id, AccountAdministration admin, HttpContext http) =>
            (await admin.SetSuspendedAsync(http.User, id, suspend: true)).ToOk())
            .WithName("suspendAccount").WithSummary("停用账号").ProducesProblems(404);
        group.MapPost("/{id}/resume", async Task<Results<Ok<AccountSummary>, ProblemHttpResult>> (string id, AccountAdministration admin, HttpContext http) =>
            (await admin.SetSuspendedAsync(http.User, id, suspend: false)).ToOk())
            .WithName("resumeAccount").WithSummary("恢复账号").ProducesProblems(404);
        group.MapPost("/{id}/reset-second-factor", async (string id, AccountRequests requests, HttpContext http) =>
            Submitted(await requests.ResetSecondFactorAsync(http.User, id)))
            .WithName("resetAccountSecondFactor").WithSummary("重置账号的动态口令（待第二名安全管理员批准）").ProducesProblems(400, 404, 409);
        group.MapPost("/{id}/reset-password", async (string id, AccountRequests requests, HttpContext http) =>
            Submitted(await requests.ResetPasswordAsync(http.User, id)))
            .WithName("resetAccountPassword").WithSummary("重置账号密码（待第二名安全管理员批准）").ProducesProblems(400, 404, 409);

        group.MapGet("/actions", async (string? status, AccountRequests requests) =>
            TypedResults.Ok(await requests.ListAsync(status switch { "approved" => AccountActionStatus.Approved, "rejected" => AccountActionStatus.Rejected, "all" => null, _ => AccountActionStatus.Pending })))
            .WithName("listAccountActions").WithSummary("账号变更申请（默认待审批）")
            .DocumentQuery("status", "pending（默认）、approved、rejected 或 all");
        group.MapGet("/actions/{actionId:long}", async Task<Results<Ok<AccountActionView>, ProblemHttpResult>> (long actionId, AccountRequests requests) =>
            await requests.FindAsync(actionId) is { } action ? TypedResults.Ok(action) : Problems.NotFound("account_action.not_found", "没有该账号变更申请"))
            .WithName("getAccountAction").WithSummary("账号变更申请详情").ProducesProblems(404);
        group.MapPost("/actions/{actionId:long}/approve", async Task<Results<Ok<ApprovedAccountAction>, ProblemHttpResult>> (long actionId, AccountRequests requests, HttpContext http) =>
            (await requests.ApproveAsync(http.User, actionId)).ToOk())
            .WithName("approveAccountAction").WithSummary("批准账号变更申请（不能批准自己提出的）").ProducesProblems(400, 404, 409);
        group.MapPost("/actions/{actionId:long}/reject", async Task<Results<Ok<AccountActionView>, ProblemHttpResult>> (long actionId, RejectRequest body, AccountRequests requests, HttpContext http) =>
            (await requests.RejectAsync(http.User, actionId, body.Reason)).ToOk())
            .WithName("rejectAccountAction").WithSummary("驳回账号变更申请").ProducesProblems(400, 404);
        return group;
    }

    private static async Task<Results<Ok<AccountSummary>, ProblemHttpResult>> GetAsync(string id, AccountAdministration admin) =>
        await admin.FindAsync(id) is { } account ? TypedResults.Ok(account) : Problems.NotFound("account.not_found", "账号不存在");

    private static async Task<Results<Created<CreatedAccount>, Accepted<AccountActionView>, ProblemHttpResult>> CreateAsync(NewAccount body, AccountRequests requests, HttpContext http)
    {
        var outcome = await requests.CreateAsync(http.User, body);
        return outcome switch
        {
            { IsOk: false } => outcome.ToProblem(),
            { Value.Pending: { } pending } => TypedResults.Accepted($"/api/v1/accounts/actions/{pending.Id}", pending),
            _ => TypedResults.Created($"/api/v1/accounts/{outcome.Value!.Done!.Account.Id}", outcome.Value.Done),
        };
    }

    private static Results<Ok<T>, Accepted<AccountActionView>, ProblemHttpResult> Submitted<T>(Outcome<AccountSubmission<T>> outcome)
        where T : class => outcome switch
        {
            { IsOk: false } => outcome.ToProblem(),
            { Value.Pending: { } pending } => TypedResults.Accepted($"/api/v1/accounts/actions/{pending.Id}", pending),
            _ => TypedResults.Ok(outcome.Value!.Done!),
        };
}
