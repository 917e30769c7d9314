namespace CreditShare.Web.Infrastructure;

/// <summary>
/// Cross-site request forgery on the staff APIs. Pages carry antiforgery tokens; API calls made with the session
/// cookie carry none, and SameSite alone does not cover every browser or a same-site attacker. So an unsafe call
/// (POST, PUT, PATCH, DELETE) to <c>/api</c> that brings the session cookie must say where it comes from — an
/// <c>Origin</c> (or, failing that, <c>Referer</c>) of this very site — or it is refused before any handler runs.
/// Browsers send <c>Origin</c> on every such request; a script with a copied cookie adds it itself. Units' systems
/// authenticate by certificate and send no cookie, so they are not affected.
/// </summary>
public sealed class SameOriginApiCalls(RequestDelegate next)
{
    public const string SessionCookie = "creditshare.session";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || !request.Path.StartsWithSegments("/api") || !request.Cookies.ContainsKey(SessionCookie) || IsSameOrigin(request))
        {
            await next(context);
            return;
        }

        await Problems.Forbidden("csrf.cross_origin", "跨站请求被拒绝：使用登录会话调用接口时，请求来源（Origin）须为本站").ExecuteAsync(context);
    }

    private static bool IsSameOrigin(HttpRequest request)
    {
        var claimed = request.Headers.Origin.FirstOrDefault() is { Length: > 0 } origin && origin != "null"
            ? origin
            : request.Headers.Referer.FirstOrDefault();
        if (claimed is null || !Uri.TryCreate(claimed, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
