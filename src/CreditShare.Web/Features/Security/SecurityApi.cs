using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Security;

public static class SecurityApi
{
    public static RouteGroupBuilder MapSecurity(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/security").WithTags("安全运维").RequireAuthorization(Policies.SecurityAdmin).ProducesProblems(401, 403);
        group.MapGet("/blocks", async (string? filter, AddressBlocks blocks, HttpContext http) => TypedResults.Ok(await blocks.ListAsync(http.User, filter)))
            .WithName("listAddressBlocks").WithSummary("黑名单：filter=pending（待核查）、active（生效中）或全部");
        group.MapPost("/blocks", async Task<Results<Created<BlockView>, ProblemHttpResult>> (ManualBlockInput body, AddressBlocks blocks, HttpContext http) =>
        {
            var outcome = await blocks.AddManualAsync(http.User, body);
            return outcome.IsOk ? TypedResults.Created($"/api/v1/security/blocks/{outcome.Value!.Id}", outcome.Value) : outcome.ToProblem();
        }).WithName("addAddressBlock").WithSummary("手工列入黑名单：IP地址或网段、原因、时长（小时）").ProducesProblems(400);
        group.MapPost("/blocks/{id:long}/confirmation", async Task<Results<Ok<BlockView>, ProblemHttpResult>> (long id, ReviewInput body, AddressBlocks blocks, HttpContext http) =>
            (await blocks.ConfirmAsync(http.User, id, body)).ToOk())
            .WithName("confirmAddressBlock").WithSummary("深入核查：确认为异常访问，延长封禁").ProducesProblems(400, 404, 409);
        group.MapPost("/blocks/{id:long}/lift", async Task<Results<Ok<BlockView>, ProblemHttpResult>> (long id, ReviewInput body, AddressBlocks blocks, HttpContext http) =>
            (await blocks.LiftAsync(http.User, id, body)).ToOk())
            .WithName("liftAddressBlock").WithSummary("深入核查：解除封禁（随后一段时间内不再自动列入）").ProducesProblems(400, 404, 409);

        group.MapGet("/switches", async (ServiceSwitches switches) => TypedResults.Ok(await switches.ListAsync()))
            .WithName("listServiceSwitches").WithSummary("服务开关：信息共享、公共查询、数据报送");
        group.MapPost("/switches/{service}/close", async Task<Results<Ok<SwitchView>, ProblemHttpResult>> (string service, SwitchChange body, ServiceSwitches switches, HttpContext http) =>
            (await switches.CloseAsync(http.User, service, body)).ToOk())
            .WithName("closeService").WithSummary("关闭服务（第二十条）：须填写原因并输入当前动态口令").ProducesProblems(400, 404, 409);
        group.MapPost("/switches/{service}/reopen", async Task<Results<Ok<SwitchView>, ProblemHttpResult>> (string service, SwitchChange body, ServiceSwitches switches, HttpContext http) =>
            (await switches.ReopenAsync(http.User, service, body)).ToOk())
            .WithName("reopenService").WithSummary("重新开放服务：须由关闭者以外的另一名安全管理员操作，并输入动态口令").ProducesProblems(400, 404, 409);
        group.MapGet("/self-check", async (SelfCheckReport report, HttpContext http) => TypedResults.Ok(await report.RunAsync(http.User)))
            .WithName("runSelfCheck").WithSummary("等保三级自查（GB/T 22239-2019 应用部分）：逐项结论与现场证据");
        return group;
    }
}
