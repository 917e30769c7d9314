using System.Globalization;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Gateways;

public static class GatewaysApi
{
    public static IEndpointRouteBuilder MapGateways(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/gateway/heartbeat", HeartbeatAsync)
            .WithTags("前置机").RequireAuthorization(Policies.UnitSystem)
            .WithName("sendGatewayHeartbeat").WithSummary("前置机上报运行状态（仅限前置机证书；平台时间见响应头 Date）")
            .ProducesProblems(400, 401, 403);

        // The fleet as JSON, for the same staff who see the console page.
        routes.MapGet("/api/v1/gateways", async (GatewayFleet fleet, HttpContext http) => TypedResults.Ok(await fleet.ListAsync(http.RequestAborted)))
            .WithTags("前置机").RequireAuthorization(Policies.GatewayFleet)
            .WithName("listGateways").WithSummary("各单位前置机的最新状态（静默、积压、证书即将到期）").ProducesProblems(401, 403);
        return routes;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> HeartbeatAsync(GatewayHeartbeat body, HttpContext http, GatewayFleet fleet)
    {
        // The unit's business system has a certificate too; only a gateway's shows up in the fleet.
        if (!http.User.IsGateway())
        {
            return Problems.Forbidden("gateway.certificate_required", "心跳只能由前置机上报：请使用平台签发的前置机证书（签发时勾选“前置机证书”）");
        }

        var unitId = int.Parse(http.User.FindFirst(CurrentUser.UnitIdClaim)!.Value, CultureInfo.InvariantCulture);
        var serial = http.User.FindFirst(CurrentUser.CertificateSerialClaim)!.Value;
        var remote = http.Connection.RemoteIpAddress is { } address ? ReverseProxyOptions.Unmapped(address).ToString() : null;
        var outcome = await fleet.RecordAsync(unitId, serial, body, remote, http.RequestAborted);
        return outcome.IsOk ? TypedResults.NoContent() : outcome.ToProblem();
    }
}
