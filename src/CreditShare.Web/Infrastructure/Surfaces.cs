using Microsoft.AspNetCore.Authorization;

namespace CreditShare.Web.Infrastructure;

/// <summary>The parts of the platform an instance can serve.</summary>
[Flags]
public enum Surface
{
    None = 0,

    /// <summary>The public portal, its JSON API and the kiosk: anonymous, internet-facing.</summary>
    Public = 1,

    /// <summary>The staff console and the staff APIs.</summary>
    Console = 2,

    /// <summary>The APIs source and data-user units' systems call over mutual TLS.</summary>
    UnitApi = 4,

    All = Public | Console | UnitApi,
}

/// <summary>
/// Which surfaces this instance serves (setting <c>Surfaces</c>, e.g. <c>public</c> or <c>console,unit-api</c>; all by
/// default). The internet-facing instance runs with <c>public</c> only: console and unit API routes answer 404 there,
/// as if they did not exist — not a sign-in page that would tell an attacker where to knock.
/// </summary>
public static class Surfaces
{
    public static Surface Parse(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return Surface.All;
        }

        var served = Surface.None;
        foreach (var part in setting.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            served |= part.ToLowerInvariant() switch
            {
                "public" => Surface.Public,
                "console" => Surface.Console,
                "unit-api" or "unitapi" => Surface.UnitApi,
                "all" => Surface.All,
                _ => throw new InvalidOperationException($"Surfaces: unknown surface “{part}” (use public, console, unit-api)."),
            };
        }

        return served;
    }

    /// <summary>What a request belongs to, from its path and its endpoint's authorization policy.</summary>
    public static Surface Of(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/public") || path.StartsWithSegments("/api/public") || path.StartsWithSegments("/kiosk"))
        {
            return Surface.Public;
        }

        // Shared by every surface: health checks, static files, the API description.
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/css") || path.StartsWithSegments("/js")
            || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/api-docs"))
        {
            return Surface.None;
        }

        var policies = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy) ?? [];
        return policies.Contains(Policies.UnitSystem) ? Surface.UnitApi : Surface.Console;
    }

    public static IApplicationBuilder UseServedSurfaces(this IApplicationBuilder app, Surface served) => app.Use(async (context, next) =>
    {
        if (served == Surface.All)
        {
            await next(context);
            return;
        }

        if (context.Request.Path == "/" && !served.HasFlag(Surface.Console) && served.HasFlag(Surface.Public))
        {
            context.Response.Redirect("/public");
            return;
        }

        var surface = Of(context);
        if (surface != Surface.None && !served.HasFlag(surface))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await next(context);
    });
}
