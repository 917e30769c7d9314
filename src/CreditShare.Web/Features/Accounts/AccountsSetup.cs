using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace CreditShare.Web.Features.Accounts;

public static class AccountsSetup
{
    public static IServiceCollection AddStaffAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SessionOptions>(configuration.GetSection("Sessions"));
        services.AddIdentity<StaffUser, IdentityRole>(o =>
            {
                // PasswordRules does the class counting; Identity's own switches would demand all four classes.
                o.Password.RequiredLength = PasswordRules.MinimumLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Accounts:MaxFailedAttempts", 5);
                o.Lockout.DefaultLockoutTimeSpan = configuration.GetValue("Accounts:LockoutDuration", TimeSpan.FromMinutes(30));
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
                o.Tokens.AuthenticatorTokenProvider = ReplayProtectedAuthenticator.ProviderName;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddUserManager<StaffUserManager>()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>()
            .AddPasswordValidator<PasswordRules>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<ReplayProtectedAuthenticator>(ReplayProtectedAuthenticator.ProviderName);

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "creditshare.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure by default: the session cookie travels only over HTTPS (behind a trusted proxy, X-Forwarded-Proto
            // counts). Development and the test host serve plain HTTP on localhost and switch this off in their settings.
            o.Cookie.SecurePolicy = configuration.GetValue("Accounts:HttpsOnlyCookies", true) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/SignIn";
            o.LogoutPath = "/SignIn/SignOut";
            o.AccessDeniedPath = "/SignIn/Denied";
            // The server-side session decides idle and absolute timeouts; the cookie only must not outlive the latter.
            o.ExpireTimeSpan = configuration.GetValue("Sessions:AbsoluteTimeout", TimeSpan.FromHours(8));
            o.SlidingExpiration = false;
            o.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = StaffSessions.ValidateAsync,
                OnRedirectToLogin = context => ApiAwareAsync(context, StatusCodes.Status401Unauthorized, "unauthenticated", "需要登录", "请先登录"),
                OnRedirectToAccessDenied = context => ApiAwareAsync(context, StatusCodes.Status403Forbidden, "forbidden", "无权访问", "当前账号的角色不允许此操作"),
            };
        });
        services.ConfigureExternalCookie(o => o.Cookie.Name = "creditshare.external");
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o =>
        {
            o.Cookie.Name = "creditshare.2fa";
            o.Cookie.SecurePolicy = configuration.GetValue("Accounts:HttpsOnlyCookies", true) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });

        services.AddScoped<StaffSessions>();
        services.AddScoped<SignInFlow>();
        services.AddScoped<AccountAdministration>();
        services.AddScoped<AccountRequests>();
        services.AddSignInRateLimits(configuration);
        return services;
    }

    /// <summary>APIs answer 401/403 with problem+json; pages redirect to the sign-in or denied page.</summary>
    private static Task ApiAwareAsync(RedirectContext<CookieAuthenticationOptions> context, int status, string code, string title, string detail)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            return Problems.Create(status, code, title, detail).ExecuteAsync(context.HttpContext);
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
