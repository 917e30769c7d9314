using System.Globalization;
using CreditShare.Core;
using CreditShare.Core.Security;
using CreditShare.Web.Infrastructure;

namespace CreditShare.Web.Features.Security;

/// <summary>
/// Refuses blacklisted addresses before anything else runs (403, a Chinese page or problem+json saying how to ask for
/// review), and counts the 4xx answers everyone else gets. Health checks always answer. A refused request is not
/// counted: a block's own 403s must not extend it (crowdsecurity/crowdsec#2457).
/// </summary>
public sealed class AddressGate(RequestDelegate next, SecurityState state, TrafficCounter counter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/health"))
        {
            await next(context);
            return;
        }

        if (state.BlockOf(context.Connection.RemoteIpAddress) is { } block)
        {
            await RefuseAsync(context, block, state.ReviewContact);
            return;
        }

        await next(context);
        if (context.Response.StatusCode is >= 400 and < 500 && !state.IsAllowListed(context.Connection.RemoteIpAddress))
        {
            counter.Record(context, AccessSignal.ClientError);
        }
    }

    private static async Task RefuseAsync(HttpContext context, AddressBlock block, string reviewContact)
    {
        var until = ProvincialTime.Format(block.ExpiresAt);
        var detail = $"本地址（{block.Address}）因{block.AttackType}已被暂时限制访问，至 {until}（北京时间）。记录编号 {block.Id}。{reviewContact}";
        context.Response.Headers.CacheControl = "no-store";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            var problem = Problems.Create(StatusCodes.Status403Forbidden, "address.blocked", "访问已被限制", detail);
            problem.ProblemDetails.Extensions["blockId"] = block.Id;
            problem.ProblemDetails.Extensions["until"] = block.ExpiresAt;
            await problem.ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await PlainPage.WriteAsync(context, "访问已被限制", $"""
            <p id="blocked">{PlainPage.Html.Encode($"本地址（{block.Address}）因{block.AttackType}已被暂时限制访问，至 {until}（北京时间）。")}</p>
            <p>记录编号：<strong id="block-id">{block.Id.ToString(CultureInfo.InvariantCulture)}</strong></p>
            <p>{PlainPage.Html.Encode(reviewContact)}</p>
            """);
    }
}

/// <summary>
/// Enforces the kill switch: a closed service answers 503 with <c>Retry-After</c> (a maintenance page on the public
/// site, problem+json on the APIs); the console, audit, health and metrics stay up, so people can see and reopen.
/// </summary>
public sealed class ServiceGate(RequestDelegate next, SecurityState state)
{
    private const int RetryAfterSeconds = 600;

    public async Task InvokeAsync(HttpContext context)
    {
        if (state.Closed.Count > 0 && ServiceOf(context) is { } service && state.IsClosed(service))
        {
            await RefuseAsync(context, service);
            return;
        }

        await next(context);
    }

    /// <summary>Which switchable service a request belongs to, if any.</summary>
    public static SwitchedService? ServiceOf(HttpContext context)
    {
        var path = context.Request.Path;
        // The console's query, and a formal request's page (its fulfilment exports the subject's records, its documents
        // are shared data).
        if (path.StartsWithSegments("/api/v1/shared") || path.StartsWithSegments("/Sharing/Query") || path.StartsWithSegments("/Sharing/Request"))
        {
            return SwitchedService.Sharing;
        }

        if (path.StartsWithSegments("/public") || path.StartsWithSegments("/api/public") || path.StartsWithSegments("/kiosk"))
        {
            return SwitchedService.PublicQueries;
        }

        var intake = (path.StartsWithSegments("/api/v1/reports") || path.StartsWithSegments("/Reporting/Upload") || path.StartsWithSegments("/Reporting/Form"))
            && HttpMethods.IsPost(context.Request.Method);
        return intake ? SwitchedService.ReportingIntake : null;
    }

    private static async Task RefuseAsync(HttpContext context, SwitchedService service)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        var detail = $"{SwitchedServices.ShortLabel(service)}服务因安全原因暂停，恢复时间另行通知。";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            var problem = Problems.Create(StatusCodes.Status503ServiceUnavailable, "service.closed", "服务暂停", detail);
            problem.ProblemDetails.Extensions["service"] = service.ToString();
            await problem.ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        await PlainPage.WriteAsync(context, "系统维护中", $"""<p id="maintenance">{PlainPage.Html.Encode(detail)}</p><p>给您带来不便，敬请谅解。</p>""", styled: true);
    }
}
