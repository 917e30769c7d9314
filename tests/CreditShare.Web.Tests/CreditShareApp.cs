using System.Security.Claims;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Demo;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace CreditShare.Web.Tests;

public sealed record TestStaff(string Id, string UserName, string Password, string? TotpKey, int UnitId);

/// <summary>
/// The whole web host on a fresh database of the provider under test, with a clock the tests move. Certificates for
/// the CA and the TLS server are made for each app in a temporary folder.
/// </summary>
public class CreditShareApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string pki = Directory.CreateTempSubdirectory("creditshare-pki-").FullName;
    private int counter;

    private FakeTimeProvider? clock;

    /// <summary>The app's clock. It starts at <see cref="ClockStart"/>; tests move it forward.</summary>
    public FakeTimeProvider Clock => clock ??= new(ClockStart);

    /// <summary>
    /// Where every test app's clock starts unless it overrides <see cref="ClockStart"/>: a fixed instant, so that a test
    /// gives the same answer on any day. 2026-06-15 02:00 UTC is 10:00 Beijing time on a Monday in the middle of a month
    /// and of a year: UTC and Beijing agree on the date, and moving the clock by hours, days or a few weeks crosses no
    /// month, quarter or year boundary by accident (a test that means to cross one moves the clock there itself). It
    /// lies between the fixtures' decision dates (2026-03-01) and their ends (2027-03-01), so their records are current.
    /// <para>
    /// Real TLS handshakes (Kestrel, the test clients, the gateway, ASP.NET Core's certificate handler, whose X509Chain
    /// in .NET 10 takes no verification time and no TimeProvider) check certificates against the machine's clock, not
    /// this one. So the test CA is valid from this instant for 20 years, the TLS server certificate is made at the real
    /// time, and a unit's client certificate (issued at this instant minus 5 minutes, for 24 or 48 months) is valid at
    /// the real time until 2028-06-15 (<see cref="RealTlsValidUntil"/>): after that, move this date forward.
    /// </para>
    /// </summary>
    public static readonly DateTimeOffset FixedStart = new(2026, 6, 15, 2, 0, 0, TimeSpan.Zero);

    /// <summary>The last real day on which 24-month client certificates issued at <see cref="FixedStart"/> pass a real handshake.</summary>
    public static DateTimeOffset RealTlsValidUntil => FixedStart.AddMonths(24).AddDays(-1);

    /// <summary>Where the clock starts; an app whose tests need another day overrides this with another fixed date.</summary>
    protected virtual DateTimeOffset ClockStart => FixedStart;

    /// <summary>Whether the app's database starts empty (and is migrated by the app) rather than as a copy of a migrated template.</summary>
    protected virtual bool StartsFromEmptyDatabase => false;

    public TestDatabase Database { get; } = TestDatabase.Create();

    public Dictionary<string, int> UnitIds { get; } = [];

    /// <summary>Settings a derived app adds before the host is built.</summary>
    protected Dictionary<string, string?> ExtraSettings { get; } = [];

    public string ArchiveDirectory => Path.Combine(pki, "audit-archive");

    /// <summary>This app's personal-data keys, so that a real server process on the same database can share them.</summary>
    public (string Encryption, string Lookup) PersonalDataKeys { get; } =
        (Convert.ToBase64String(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
         Convert.ToBase64String(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    /// <summary>This app's audit chain key (Audit:ChainKey), shared with real server processes on the same database.</summary>
    public string AuditChainKey { get; } = Convert.ToBase64String(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public IReadOnlyDictionary<string, string?> PkiPaths => new Dictionary<string, string?>
    {
        ["CertificateAuthority:CertificatePath"] = Path.Combine(pki, "ca.crt"),
        ["CertificateAuthority:KeyPath"] = Path.Combine(pki, "ca.key"),
        ["Tls:CertificatePath"] = Path.Combine(pki, "server.crt"),
        ["Tls:KeyPath"] = Path.Combine(pki, "server.key"),
        ["DataProtection:CertificatePath"] = Path.Combine(pki, "dataprotection.crt"),
        ["DataProtection:KeyPath"] = Path.Combine(pki, "dataprotection.key"),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        CreatePki();
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting("ConnectionStrings:CreditShare", Database.ConnectionString);
        builder.UseSetting("Audit:ArchiveDirectory", ArchiveDirectory);
        // The test host speaks plain HTTP; production keeps session cookies HTTPS-only.
        builder.UseSetting("Accounts:HttpsOnlyCookies", "false");
        builder.UseSetting("PersonalData:EncryptionKey", PersonalDataKeys.Encryption);
        builder.UseSetting("PersonalData:LookupKey", PersonalDataKeys.Lookup);
        // Tests sign in hundreds of times from one address; SignInRateLimitTests keeps the production limits.
        builder.UseSetting("Accounts:SignInAttemptsPerMinute", "100000");
        builder.UseSetting("Accounts:SignInAttemptsPerMinuteTotal", "100000");
        builder.UseSetting("Audit:ChainKey", AuditChainKey);
        // Every test sends from one address with a clock that hardly moves: detection would block the test runner
        // itself. The blacklist's own tests switch it on.
        builder.UseSetting("Security:Mode", "Off");
        builder.UseSetting("UnitApi:RequestsPerMinute", "100000");
        // Dozens of test apps run at once: each reads decisions and switches every 2 s instead of every 500 ms (a test
        // that needs them sooner synchronises itself; a change made by the app itself applies at once).
        builder.UseSetting("Security:SyncIntervalMilliseconds", "2000");
        foreach (var (key, value) in ExtraSettings)
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in PkiPaths)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            // Migrate before any other hosted service (data protection reads its key ring from the database).
            services.Insert(0, ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, MigrateFirst>());
        });
    }

    /// <summary>
    /// The CA from the app's clock start (receipts are signed at the app's time, by a signer whose validity starts with the
    /// CA's, and verified at the receipt's time) for 20 years, so it is valid at the real time too; the TLS server
    /// certificate (and the data-protection one) at the real time, the only clock a real handshake knows. The wall clock
    /// is read here for that and nothing else.
    /// </summary>
    private void CreatePki()
    {
        var realNow = DateTimeOffset.UtcNow;
        if (realNow > RealTlsValidUntil)
        {
            throw new InvalidOperationException(
                $"CreditShareApp.FixedStart ({FixedStart:yyyy-MM-dd}) is too long ago: client certificates issued at it no longer pass a real TLS handshake today. Move it forward.");
        }

        var caCertificate = PkiPaths["CertificateAuthority:CertificatePath"]!;
        var caKey = PkiPaths["CertificateAuthority:KeyPath"]!;
        if (!File.Exists(caCertificate) || !File.Exists(caKey))
        {
            var start = Clock.GetUtcNow();
            CertificateAuthority.CreateCa(caCertificate, caKey, "CreditShare Test CA", start < realNow ? start : realNow);
        }

        TlsSetup.EnsureDevelopmentCertificates(PkiPaths, realNow);
    }

    public virtual async Task InitializeAsync()
    {
        // The database first: starting the host migrates it (a copy of the template has nothing left to migrate).
        await (StartsFromEmptyDatabase ? Database.CreateAsync() : Database.CreateMigratedAsync());
        StartHost();
        await ApplicationSetup.MigrateAsync(Services);
        UnitIds["center"] = await CreateUnitAsync("测试信用中心", "12640000", ["center"]);
        UnitIds["source"] = await CreateUnitAsync("测试市场监督管理局", "11640100", ["source"]);
        UnitIds["user"] = await CreateUnitAsync("测试发展和改革委员会", "11640200", ["user"]);
    }

    /// <summary>Starts the in-memory test server; <see cref="KestrelApp"/> starts a real one instead.</summary>
    protected virtual void StartHost() => _ = Services;

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DropAsync();
        Directory.Delete(pki, recursive: true);
    }

    public static ClaimsPrincipal System { get; } = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "test-setup")], "test"));

    /// <summary>The 处罚机关 and 数据来源单位 that the fixtures' records name (TestRecords.Penalty and friends).</summary>
    public static string FixtureAuthority { get; } = DemoSeed.MakeUscc("11640100", "01350012");

    /// <summary>A 业务审核员 as the fixtures' set-up acts for one: assignments need that role.</summary>
    public static ClaimsPrincipal SetupReviewer { get; } = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "test-setup"), new Claim(ClaimTypes.Role, Core.Accounts.StaffRoles.Reviewer)], "test", ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>
    /// A unit with a valid, unique USCC under the given 8-character prefix. A source unit is assigned every built-in
    /// category and may report for <see cref="FixtureAuthority"/>, as the tests' records expect, unless
    /// <paramref name="assignAll"/> is false.
    /// </summary>
    public async Task<int> CreateUnitAsync(string name, string prefix8, string[] roles, bool assignAll = true)
    {
        await using var scope = Services.CreateAsyncScope();
        var org = $"{Interlocked.Increment(ref counter) + (Random.Shared.Next(1000, 9999) * 1000):D8}";
        var contact = new ContactInput("联系人", "0951-1234567", "13912345678", null);
        var outcome = await scope.ServiceProvider.GetRequiredService<UnitRegistry>()
            .CreateAsync(System, new UnitInput(name, DemoSeed.MakeUscc(prefix8, org[..8]), "640100", roles, contact, contact));
        Assert.True(outcome.IsOk, string.Join("; ", outcome.Errors.Select(e => e.Message)));
        if (assignAll && roles.Contains("source"))
        {
            var assignments = scope.ServiceProvider.GetRequiredService<ReportingAssignments>();
            foreach (var category in Core.Catalog.BuiltInCatalog.All)
            {
                Assert.True((await assignments.AssignAsync(SetupReviewer, outcome.Value!.Id, category.Code)).IsOk);
            }

            Assert.True((await assignments.AddOnBehalfAsync(SetupReviewer, outcome.Value!.Id, FixtureAuthority, "银川市市场监督管理局")).IsOk);
        }

        return outcome.Value!.Id;
    }

    /// <summary>
    /// A staff account ready to sign in: its password changed from the one-time one, (by default) TOTP bound and the
    /// current terms of use accepted.
    /// </summary>
    public async Task<TestStaff> CreateStaffAsync(string role, string unit = "center", bool enrolled = true, string? userName = null, bool acceptedTerms = true)
    {
        await using var scope = Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<AccountAdministration>();
        var users = scope.ServiceProvider.GetRequiredService<StaffUserManager>();
        userName ??= $"u{Guid.NewGuid():N}"[..12];
        var created = await admin.CreateAsync(System, new NewAccount(userName, "测试人员", UnitIds[unit], [role]));
        Assert.True(created.IsOk, string.Join("; ", created.Errors.Select(e => e.Message)));
        var user = (await users.FindByNameAsync(userName))!;
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        string? key = null;
        if (enrolled)
        {
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        if (acceptedTerms)
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.TermsAcceptances.Add(new Web.Features.Credentials.TermsAcceptance
            { Version = Web.Features.Credentials.TermsOfUse.Version, UserId = user.Id, UnitCode = "test-setup", AcceptedAt = Clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        return new TestStaff(user.Id, userName, created.Value!.InitialPassword, key, user.UnitId);
    }

    /// <summary>The code an authenticator shows at the app's current (fake) time.</summary>
    public string TotpNow(TestStaff staff) => ReplayProtectedAuthenticator.CurrentCode(staff.TotpKey!, Clock.GetUtcNow());

    /// <summary>A client that keeps cookies and, like a browser, says which site its requests come from.</summary>
    public HttpClient Browser()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }
}

/// <summary>Applies migrations when the test host starts, as Development and `migrate` do for the real host.</summary>
internal sealed class MigrateFirst(IServiceProvider services) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ApplicationSetup.MigrateAsync(services);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
