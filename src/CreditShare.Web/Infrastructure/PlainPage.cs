using System.Text.Encodings.Web;

namespace CreditShare.Web.Infrastructure;

/// <summary>
/// A self-contained Chinese page for answers given before (or instead of) the application: a blocked address, a closed
/// service, a database outage. A blocked client gets it without the stylesheet (it could not fetch it, and the CSP
/// allows no inline style); the others with it.
/// </summary>
public static class PlainPage
{
    // Chinese stays Chinese in the page source (the default encoder writes every character as &#x…;).
    public static HtmlEncoder Html { get; } = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    /// <summary>
    /// Writes the page; <paramref name="body"/> is HTML whose text the caller has encoded with <see cref="Html"/>. With
    /// <paramref name="styled"/> it links the site's stylesheet (a static file, served whatever is down).
    /// </summary>
    public static Task WriteAsync(HttpContext context, string title, string body, bool styled = false)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        var stylesheet = styled ? "<link rel=\"stylesheet\" href=\"/css/site.css\" />" : "";
        return context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>{Html.Encode(title)} · 公共信用信息共享平台</title>{stylesheet}</head>
            <body><header class="topbar"><span class="brand">公共信用信息共享平台</span></header><main class="content"><div class="panel narrow" role="alert">
            <h1>{Html.Encode(title)}</h1>
            {body}
            </div></main></body>
            </html>
            """, context.RequestAborted);
    }
}
