using CreditShare.Web.Attachments;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Credentials;
using CreditShare.Web.Features.Gateways;
using CreditShare.Web.Features.Public;
using CreditShare.Web.Features.Reporting;
using CreditShare.Web.Features.Schedules;
using CreditShare.Web.Features.Security;
using CreditShare.Web.Features.Sharing;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Features.Units;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scalar.AspNetCore;

namespace CreditShare.Web.Infrastructure;

public static class ApplicationSetup
{
    private static readonly string[] AnonymousSignInPages = ["/SignIn/Index", "/SignIn/SecondFactor", "/SignIn/Enrol", "/SignIn/Denied", "/SignIn/SignOut"];
    private static readonly string[] AnonymousFolders = ["/Public", "/Kiosk"];

    // A unit's agent applies for a U-key and follows the application without an account (art. 15).
    private static readonly string[] AnonymousApplicantPages = ["/Credentials/Apply", "/Credentials/Status"];

    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddAppDatabase(configuration);
        // Keys live in the database so that a cookie issued by one instance is read by the others; encrypted there.
        services.AddSharedDataProtection(configuration);
        services.AddSecurityHeaders();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Customize);
        services.AddExceptionHandler<RequestExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => Core.Contract.WireJson.Apply(o.SerializerOptions));
        // Chinese pages stay readable in their source: no &#x...; for every character.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddCreditShareOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

        services.AddStaffAccounts(configuration);
        services.AddMachineAccess(configuration);
        services.AddAuthorizationBuilder().AddCreditSharePolicies();
        services.Configure<CertificateAuthorityOptions>(configuration.GetSection("CertificateAuthority"));
        services.AddSingleton<CertificateAuthority>();
        services.AddScoped<CertificateService>();
        services.AddScoped<CredentialApplications>();
        services.AddScoped<UKeySignIn>();
        services.AddScoped<Renewals>();
        services.AddScoped<RenewalRegistrations>();
        services.AddSingleton<ExpiryReminderSender>();
        services.AddHostedService(s => s.GetRequiredService<ExpiryReminderSender>());
        services.Configure<CredentialOptions>(configuration.GetSection("Credentials"));
        services.AddScoped<OcspResponder>();
        services.AddSingleton<SupersededRevoker>();
        services.AddHostedService(s => s.GetRequiredService<SupersededRevoker>());
        services.AddSingleton<AuditWriter>();
        services.AddScoped<AuditVerifier>();
        services.AddScoped<AuditArchiver>();
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection("Audit"))
            .Validate(o => o.RetentionDays >= AuditOptions.MinimumRetentionDays, $"Audit:RetentionDays must be at least {AuditOptions.MinimumRetentionDays}.")
            .ValidateOnStart();
        services.AddAuditChain();
        services.AddScoped<UnitRegistry>();
        services.AddScoped<ReportingAssignments>();
        services.AddHostedService<StoredContactsProtection>();
        services.AddScoped<CatalogService>();
        services.AddSingleton<ParsedCatalogVersions>();
        services.AddOptions<PersonalDataOptions>().Bind(configuration.GetSection("PersonalData"))
            .Validate(o => o.IsComplete, "PersonalData:EncryptionKey and PersonalData:LookupKey must each be base64 of 32 random bytes.")
            .ValidateOnStart();
        services.AddSingleton<PersonalDataProtector>();
        services.Configure<ReportingOptions>(configuration.GetSection("Reporting"));
        services.AddScoped<ReportingService>();
        services.AddSingleton<ReportingWriteGate>();
        services.AddSingleton<ReceiptSigner>();
        services.AddScoped<BatchReceipts>();
        services.AddScoped<GatewayFleet>();
        services.AddScoped<Scorecards>();
        services.AddScoped<PublicRegister>();
        services.AddScoped<CreditReports>();
        services.AddPublicRateLimits(configuration);
        services.AddSecurityOperations(configuration);
        services.AddUnitApiRateLimits(configuration);
        services.Configure<Features.Backups.BackupOptions>(configuration.GetSection("Backup"));
        services.AddScoped<Features.Backups.Backups>();
        services.AddScoped<SharedData>();
        services.AddScoped<Grants>();
        services.AddScoped<SharedExports>();
        services.AddScoped<QueryRequests>();
        services.Configure<AttachmentOptions>(configuration.GetSection("Attachments"));
        services.AddScoped<AttachmentStore>();
        services.AddWebhookOptions(configuration);
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(s => s.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<ExpiryAnnouncer>();
        services.AddHostedService(s => s.GetRequiredService<ExpiryAnnouncer>());

        services.AddRazorPages(o =>
        {
            // Pages live in their feature folders: Features/Units/Index.cshtml answers /Units.
            o.RootDirectory = "/Features";
            o.Conventions.AuthorizeFolder("/", Policies.Staff);
            foreach (var page in AnonymousSignInPages)
            {
                o.Conventions.AllowAnonymousToPage(page);
            }
            o.Conventions.AuthorizeFolder("/Accounts", Policies.SecurityAdmin);
            o.Conventions.AuthorizeFolder("/Certificates", Policies.SecurityAdmin);
            o.Conventions.AuthorizeFolder("/Security", Policies.SecurityAdmin);
            o.Conventions.AuthorizeFolder("/Credentials", Policies.CredentialOffice);
            foreach (var page in AnonymousApplicantPages)
            {
                o.Conventions.AllowAnonymousToPage(page);
                o.Conventions.AddPageApplicationModelConvention(page,
                    m => m.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(PublicApi.RateLimitPolicy)));
            }
            o.Conventions.AuthorizeFolder("/Gateways", Policies.GatewayFleet);
            o.Conventions.AuthorizeFolder("/Audit", Policies.AuditAdmin);
            o.Conventions.AuthorizeFolder("/Reporting", Policies.Reporter);
            o.Conventions.AuthorizeFolder("/Abnormal", Policies.CenterData);
            o.Conventions.AuthorizeFolder("/Subjects", Policies.CenterData);
            o.Conventions.AuthorizeFolder("/Schedules", Policies.CenterData);
            o.Conventions.AuthorizeFolder("/Sharing", Policies.SharingStaff);
            o.Conventions.AuthorizePage("/Sharing/Query", Policies.DataUserQuerier);
            foreach (var folder in AnonymousFolders)
            {
                o.Conventions.AllowAnonymousToFolder(folder);
                o.Conventions.AddFolderApplicationModelConvention(folder,
                    m => m.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(PublicApi.RateLimitPolicy)));
            }
        });

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // ASP.NET Core applies forwarded headers from every peer when both lists are empty, so with no proxy
            // configured the middleware is switched off instead: a client's own X-Forwarded-For is never believed.
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            var proxies = (configuration.GetSection("ReverseProxy").Get<ReverseProxyOptions>() ?? new()).Networks();
            o.ForwardedHeaders = proxies.Count > 0 ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            foreach (var network in proxies)
            {
                o.KnownIPNetworks.Add(network);
            }
        });
        return builder;
    }

    public static WebApplication UseApplication(this WebApplication app)
    {
        // Before UseForwardedHeaders rewrites the peer address: the proxy itself must be the trusted peer.
        app.UseForwardedCertificatesFromTrustedProxies();
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        // Blacklisted addresses get nothing else, not even static files.
        app.UseMiddleware<AddressGate>();
        app.UseStatusCodePages();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        // The console speaks Chinese: numbers, percentages and dates format as in zh-CN whatever the server's locale.
        app.UseRequestLocalization("zh-CN");
        app.UseStaticFiles();
        app.UseRouting();
        app.UseServedSurfaces(Surfaces.Parse(app.Configuration["Surfaces"]));
        app.UseMiddleware<ServiceGate>();
        app.UseRateLimiter();
        app.UseMiddleware<SameOriginApiCalls>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<FirstSignInSteps>();

        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi();
        // No web fonts from Scalar's CDN: the console runs on intranets, and the CSP allows nothing from elsewhere.
        app.MapScalarApiReference("/api-docs", o => o.WithTitle("CreditShare 接口文档").DisableDefaultFonts());
        app.MapUnits();
        app.MapCatalog();
        app.MapAccounts();
        app.MapCertificates();
        app.MapCredentials();
        app.MapRenewals();
        app.MapGateways();
        app.MapAudit();
        app.MapReporting();
        app.MapPublicApi();
        app.MapSharing();
        app.MapSecurity();
        app.MapRazorPages();
        return app;
    }

    /// <summary>
    /// Applies migrations and loads what an empty platform needs (roles and the built-in catalog), then runs
    /// <paramref name="afterwards"/> (the demo seed), all under one lock across instances.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, Func<Task>? afterwards = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("CreditShare.Web.Data");
        await using var migrationLock = await MigrationLock.AcquireAsync(db, logger);
        // A database made by an older build would be migrated half-way: recreated in Development, refused elsewhere.
        await UnknownMigrations.CheckAsync(scope.ServiceProvider, db, logger);
        await db.Database.MigrateAsync();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Core.Accounts.StaffRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        await scope.ServiceProvider.GetRequiredService<CatalogService>().EnsureBuiltInAsync();
        // `migrate` may run without the personal-data keys; then the server's start does this (it cannot start without them).
        if (scope.ServiceProvider.GetRequiredService<IConfiguration>().GetSection("PersonalData").Get<PersonalDataOptions>() is { IsComplete: true })
        {
            await ProtectStoredContactsAsync(services);
        }

        if (afterwards is not null)
        {
            await afterwards();
        }
    }

    /// <summary>Contacts stored before they were encrypted are encrypted now: an upgrade leaves no clear phone number behind.</summary>
    public static async Task ProtectStoredContactsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UnitRegistry>().ProtectStoredContactsAsync();
    }
}

/// <summary>At every start (cheap: units are few), so rows written before contacts were encrypted do not stay in clear.</summary>
internal sealed class StoredContactsProtection(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ApplicationSetup.ProtectStoredContactsAsync(services);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class DatabaseHealthCheck(AppDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("数据库不可达");
}

/// <summary>
/// The steps of a first sign-in, in order: an account that still has its one-time password can do nothing but change it
/// (or sign out); then one that has not accepted the current terms of use (art. 4, 23) can do nothing but accept them.
/// A new version of the terms brings every account back to the second step.
/// </summary>
internal sealed class FirstSignInSteps(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/SignIn"))
        {
            if (context.Items.TryGetValue(StaffSessions.MustChangePasswordItem, out var must) && must is true)
            {
                await RefuseAsync(context, "/SignIn/ChangePassword", "account.must_change_password", "首次登录须先修改初始密码");
                return;
            }

            if (context.Items.TryGetValue(StaffSessions.MustAcceptTermsItem, out var terms) && terms is true)
            {
                await RefuseAsync(context, "/SignIn/Terms", "account.must_accept_terms", "须先阅读并接受平台使用条款（第四条、第二十三条）");
                return;
            }
        }

        await next(context);
    }

    private static async Task RefuseAsync(HttpContext context, string page, string code, string reason)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            await Problems.Forbidden(code, reason).ExecuteAsync(context);
            return;
        }

        context.Response.Redirect(page);
    }
}
