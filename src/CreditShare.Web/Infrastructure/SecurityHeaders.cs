using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CreditShare.Web.Infrastructure;

/// <summary>
/// The same protective headers on every answer — pages, APIs, files, errors. The pages run with no inline script or
/// style and load nothing from elsewhere (the console runs on intranets), so the policy can be strict. The one exception
/// is the API reference page, whose third-party viewer injects inline script and styles.
/// </summary>
public static class SecurityHeaders
{
    private const string Strict =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private const string ApiReference =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services)
    {
        services.Configure<KestrelServerOptions>(o => o.AddServerHeader = false);
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
            // Browsers ignore HSTS for IP addresses and localhost anyway; not excluding them lets a test see the header.
            o.ExcludedHosts.Clear();
        });
        return services;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // When the answer starts, not now: the exception handler clears headers before writing an error page, and
        // antiforgery adds a weaker X-Frame-Options on pages with forms.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api-docs") ? ApiReference : Strict;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            // The platform's own clock, not the server socket's: gateways set their clock check and "today" by it, and
            // a test platform runs on a fixed clock.
            headers.Date = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return next(context);
    });
}
