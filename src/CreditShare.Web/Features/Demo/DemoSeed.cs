using System.Globalization;
using System.Security.Claims;
using System.Text;
using CreditShare.Core.Accounts;
using CreditShare.Core.Codes;
using CreditShare.Core.Synthetic;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Reporting;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Demo;

/// <summary>
/// Development only: a living demo platform on first start — units, one account per role with its authenticator
/// already bound, and client certificates for two units. Everything goes through the same services as the console.
/// Credentials are random per machine and written to data/demo-credentials.txt, never to the repository.
/// </summary>
public static class DemoSeed
{
    public const string CredentialsFile = "data/demo-credentials.txt";

    private sealed record DemoUnit(string Key, string Name, string Prefix8, string Org8, string Region, string[] Roles, string Contact, string Mobile);

    private sealed record DemoAccount(string UserName, string DisplayName, string UnitKey, string Role);

    private static readonly DemoUnit[] Units =
    [
        new("center", "宁夏回族自治区社会信用服务中心", "12640000", "45500003", "640000", ["center"], "马建国", "13995000001"),
        new("scjg", "宁夏回族自治区市场监督管理厅", "11640000", "01350012", "640000", ["source"], "李明", "13995000002"),
        new("sw", "国家税务总局宁夏回族自治区税务局", "11640000", "01350567", "640000", ["source"], "王芳", "13995000003"),
        new("fy", "银川市中级人民法院", "11640100", "01350890", "640100", ["source"], "张伟", "13995000004"),
        new("fgw", "宁夏回族自治区发展和改革委员会", "11640000", "01350234", "640000", ["source", "user"], "刘洋", "13995000005"),
        new("bank", "宁夏银行股份有限公司", "91640000", "71064543", "640000", ["financial_institution"], "陈静", "13995000006"),
        new("agency", "宁夏诚信信用服务有限公司", "91640100", "MA76LK12", "640100", ["credit_agency"], "赵磊", "13995000007"),
    ];

    private static readonly DemoAccount[] Accounts =
    [
        new("sysadmin", "系统管理员（演示）", "center", StaffRoles.SystemAdmin),
        new("secadmin", "安全管理员（演示）", "center", StaffRoles.SecurityAdmin),
        // The second 安全管理员 approves what the first asks for (account changes follow the two-person rule).
        new("secadmin2", "安全管理员二（演示）", "center", StaffRoles.SecurityAdmin),
        new("auditor", "审计管理员（演示）", "center", StaffRoles.AuditAdmin),
        // 受理 of a U-key application is the operator's; 审核 is then a 安全管理员's (a different person).
        new("certop", "证书业务操作员（演示）", "center", StaffRoles.CertificateOperator),
        new("reviewer", "业务审核员（演示）", "center", StaffRoles.Reviewer),
        new("querier", "查询员（演示）", "center", StaffRoles.Querier),
        new("reporter", "市场监管报送员（演示）", "scjg", StaffRoles.Reporter),
        new("userquery", "发改委查询员（演示）", "fgw", StaffRoles.UserUnitQuerier),
    ];

    /// <summary>A valid USCC from an 8-character prefix and an 8-character organisation code (both check characters computed).</summary>
    public static string MakeUscc(string prefix8, string org8) => UnifiedSocialCreditCode.Compose(prefix8, org8);

    public static async Task RunAsync(IServiceProvider root, ILogger logger)
    {
        await using var scope = root.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Units.AnyAsync())
        {
            // A demo database from before categories were assigned: its source units keep reporting what they did.
            if (!await db.ReportingAssignments.AnyAsync())
            {
                await AssignDemoCategoriesAsync(services, await db.Units.ToDictionaryAsync(u => u.Uscc, u => u.Id));
            }

            return;
        }

        var system = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "demo-seed")], "seed"));
        var registry = services.GetRequiredService<UnitRegistry>();
        var unitIds = new Dictionary<string, int>();
        var unitCodes = new Dictionary<string, string>();
        foreach (var unit in Units)
        {
            var contact = new ContactInput(unit.Contact, "0951-6000000", unit.Mobile, null);
            var leader = new ContactInput("分管领导" + unit.Contact[..1], "0951-6000001", null, null);
            var created = await registry.CreateAsync(system, new UnitInput(unit.Name, MakeUscc(unit.Prefix8, unit.Org8), unit.Region, unit.Roles, contact, leader));
            if (!created.IsOk)
            {
                throw new InvalidOperationException($"Demo unit {unit.Name}: {string.Join("; ", created.Errors.Select(e => e.Message))}");
            }

            unitIds[unit.Key] = created.Value!.Id;
            unitCodes[unit.Key] = created.Value.Uscc;
        }

        var admin = services.GetRequiredService<AccountAdministration>();
        var users = services.GetRequiredService<StaffUserManager>();
        var report = new StringBuilder();
        report.AppendLine("CreditShare 演示账号（仅开发环境；每台机器随机生成）");
        report.AppendLine("账号\t角色\t密码\t动态口令密钥（Base32，可导入任何 TOTP 应用）");
        foreach (var account in Accounts)
        {
            var created = await admin.CreateAsync(system, new NewAccount(account.UserName, account.DisplayName, unitIds[account.UnitKey], [account.Role]));
            if (!created.IsOk)
            {
                throw new InvalidOperationException($"Demo account {account.UserName}: {string.Join("; ", created.Errors.Select(e => e.Message))}");
            }

            // Demo accounts are ready to use: password kept, authenticator bound (real accounts do both at first sign-in).
            var user = (await users.FindByNameAsync(account.UserName))!;
            user.MustChangePassword = false;
            await users.UpdateAsync(user);
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            var key = await users.GetAuthenticatorKeyAsync(user);
            report.AppendLine(CultureInfo.InvariantCulture, $"{account.UserName}\t{account.Role}\t{created.Value!.InitialPassword}\t{key}");
        }

        await RequestDemoAccountAsync(services, users);
        report.AppendLine();
        report.AppendLine("演示待审批：secadmin 申请新建查询员 zhao.liu，由 secadmin2 在“账号与角色 → 待审批”中批准（批准时显示一次性密码）。");

        var certificates = services.GetRequiredService<CertificateService>();
        var directory = Path.GetFullPath(Path.Combine("data", "demo-certs"));
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"演示客户端证书（{directory}）：");
        foreach (var key in new[] { "scjg", "fgw" })
        {
            var issued = await certificates.IssueAsync(system, new IssueRequest(unitIds[key], 24));
            var paths = Cli.WriteCredential(issued.Value!, directory, unitCodes[key]);
            report.AppendLine(CultureInfo.InvariantCulture, $"{Units.First(u => u.Key == key).Name}\t{paths.Certificate}\t{paths.Key}\t{paths.Pkcs12}（口令 {issued.Value!.Pkcs12Password}）");
        }

        await AssignDemoCategoriesAsync(services, unitCodes.ToDictionary(u => u.Value, u => unitIds[u.Key]));
        var reported = await ReportDemoRecordsAsync(services, unitIds, unitCodes);
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"演示报送：{reported.Accepted} 条已接收，{reported.Rejected} 条进入异常数据（均经由与接口相同的报送流程）。");
        await GrantDemoSharingAsync(services, unitIds);
        report.AppendLine("演示共享授权：发改委（行政处罚、行政许可，含政务共享字段）、宁夏银行（行政处罚公开字段），由 querier 申请、reviewer 批准。");

        Infrastructure.Crypto.KeyFiles.WritePrivate(CredentialsFile, report.ToString());
        logger.LogInformation("Demo data created; credentials in {File}", Path.GetFullPath(CredentialsFile));
    }

    /// <summary>One account request waiting in 待审批, filed by secadmin as the console would, for secadmin2 to decide.</summary>
    private static async Task RequestDemoAccountAsync(IServiceProvider services, StaffUserManager users)
    {
        var secadmin = (await users.FindByNameAsync("secadmin"))!;
        var asking = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, secadmin.Id), new Claim(ClaimTypes.Name, "secadmin"), new Claim(ClaimTypes.Role, StaffRoles.SecurityAdmin)],
            "seed", ClaimTypes.Name, ClaimTypes.Role));
        var requested = await services.GetRequiredService<AccountRequests>()
            .CreateAsync(asking, new NewAccount("zhao.liu", "赵六（演示）", secadmin.UnitId, [StaffRoles.Querier]));
        if (requested.Value?.Pending is null)
        {
            throw new InvalidOperationException($"Demo account request: {requested.Message}{string.Join("; ", requested.Errors.Select(e => e.Message))}");
        }
    }

    /// <summary>Grants asked for by the demo querier and approved by the demo reviewer, as in the console.</summary>
    private static async Task GrantDemoSharingAsync(IServiceProvider services, Dictionary<string, int> unitIds)
    {
        static ClaimsPrincipal Staff(string name, string role, int unitId) => new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), new Claim(CurrentUser.UnitIdClaim, unitId.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            "seed", ClaimTypes.Name, ClaimTypes.Role));
        var grants = services.GetRequiredService<Features.Sharing.Grants>();
        var catalog = services.GetRequiredService<Features.Catalog.CatalogService>();
        var querier = Staff("querier", StaffRoles.Querier, unitIds["center"]);
        var reviewer = Staff("reviewer", StaffRoles.Reviewer, unitIds["center"]);
        var today = services.GetRequiredService<ReportingService>().Today;
        var plans = new (string Unit, string Category, Core.Catalog.SharingScope Ceiling, string Purpose, int Months)[]
        {
            ("fgw", "XZCF", Core.Catalog.SharingScope.Government, "行政审批、评优评先中核查申请人信用状况", 36),
            ("fgw", "XZXK", Core.Catalog.SharingScope.Government, "行政审批、评优评先中核查申请人信用状况", 36),
            ("bank", "XZCF", Core.Catalog.SharingScope.Public, "授信审查", 12),
        };
        foreach (var (unit, category, ceiling, purpose, months) in plans)
        {
            var definition = (await catalog.GetAsync(category))!;
            var fields = definition.Fields.Where(f => definition.ScopeOf(f) <= ceiling).Select(f => f.Code).ToList();
            var asked = await grants.RequestAsync(querier, new Features.Sharing.GrantInput(unitIds[unit], category, fields, purpose, today, today.AddMonths(months)));
            var approved = asked.IsOk ? await grants.ReviewAsync(reviewer, asked.Value!.Id, true, "演示授权") : asked;
            if (!approved.IsOk)
            {
                throw new InvalidOperationException($"Demo grant {unit}/{category}: {approved.Message}{string.Join("; ", approved.Errors.Select(e => e.Message))}");
            }
        }
    }

    /// <summary>What each demo source unit reports (the court and the commission nothing yet), as a 业务审核员 assigns it.</summary>
    private static readonly (string Unit, string[] Categories)[] DemoAssignments =
    [
        ("scjg", ["XZCF", "XZXK"]),
        ("sw", ["XZCF"]),
    ];

    /// <summary>Assigns the demo categories to those demo units found in <paramref name="unitIdsByCode"/> (registered units by USCC).</summary>
    private static async Task AssignDemoCategoriesAsync(IServiceProvider services, Dictionary<string, int> unitIdsByCode)
    {
        var reviewer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "demo-seed"), new Claim(ClaimTypes.Role, StaffRoles.Reviewer)],
            "seed", ClaimTypes.Name, ClaimTypes.Role));
        var assignments = services.GetRequiredService<ReportingAssignments>();
        foreach (var (key, categories) in DemoAssignments)
        {
            var unit = Units.First(u => u.Key == key);
            if (!unitIdsByCode.TryGetValue(MakeUscc(unit.Prefix8, unit.Org8), out var unitId))
            {
                continue;
            }

            foreach (var category in categories)
            {
                var assigned = await assignments.AssignAsync(reviewer, unitId, category);
                if (!assigned.IsOk)
                {
                    throw new InvalidOperationException($"Demo assignment {key}/{category}: {assigned.Message}{string.Join("; ", assigned.Errors.Select(e => e.Message))}");
                }
            }
        }
    }

    /// <summary>
    /// A few thousand realistic records, reported through <see cref="ReportingService"/> in batches exactly as a unit's
    /// system would: the same validation, subjects, versions, abnormal queue and audit.
    /// </summary>
    private static async Task<(int Accepted, int Rejected)> ReportDemoRecordsAsync(IServiceProvider services, Dictionary<string, int> unitIds, Dictionary<string, string> unitCodes)
    {
        var reporting = services.GetRequiredService<ReportingService>();
        var generator = new RecordGenerator(20261127, reporting.Today);
        var companies = Enumerable.Range(0, 700).Select(_ => (generator.CompanyName(), generator.CompanyCode())).ToList();
        (string Name, string Code)? SomeCompany() => generator.Chance(0.7) ? generator.Pick(companies) : null;

        var plans = new (string Unit, string Category, int Count, Func<int, Dictionary<string, string?>> Make)[]
        {
            ("scjg", "XZCF", 1500, n => generator.Penalty(n, Units[1].Name, unitCodes["scjg"], SomeCompany())),
            ("scjg", "XZXK", 1200, n => generator.Licence(n, Units[1].Name, unitCodes["scjg"], SomeCompany())),
            ("sw", "XZCF", 400, n => generator.Penalty(100_000 + n, Units[2].Name, unitCodes["sw"], SomeCompany())),
        };
        int accepted = 0, rejected = 0;
        foreach (var (unit, category, count, make) in plans)
        {
            var submitter = new Submitter(unitIds[unit], unitCodes[unit], "api", "demo-seed");
            for (var start = 0; start < count; start += 500)
            {
                var rows = Enumerable.Range(start, Math.Min(500, count - start))
                    .Select(n => (IReadOnlyDictionary<string, string?>)(generator.Chance(0.03) ? generator.Spoil(make(n)) : make(n))).ToList();
                var outcome = await reporting.SubmitAsync(submitter, category, rows, $"demo-{unit}-{category}-{start}", $"demo-{unit}-{category}-{start}");
                accepted += outcome.Value!.Accepted;
                rejected += outcome.Value.Rejected;
            }
        }

        return (accepted, rejected);
    }
}
