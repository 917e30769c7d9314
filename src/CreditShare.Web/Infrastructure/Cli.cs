using System.Security.Claims;
using CreditShare.Core.Accounts;
using CreditShare.Core.Codes;
using CreditShare.Core.Units;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Infrastructure;

/// <summary>
/// One-shot operator commands, run as <c>dotnet run --project src/CreditShare.Web -- COMMAND [--option value]</c>.
/// They use the same services (and so the same checks and audit) as the web console.
/// </summary>
public static class Cli
{
    public static readonly IReadOnlyList<string> Commands = ["migrate", "create-admin", "create-unit", "issue-cert", "verify-audit", "archive-audit", "create-ca", "totp", "backup", "restore", "restore-drill", "self-check"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    /// <summary>create-ca needs no database or host, so it runs before the host is built.</summary>
    public static int? RunBeforeHost(string[] args)
    {
        if (args.Length == 0 || args[0] != "create-ca")
        {
            return null;
        }

        var options = Options(args);
        var directory = options.GetValueOrDefault("out") ?? "ca";
        var name = options.GetValueOrDefault("name") ?? "CreditShare Platform CA";
        var certificate = Path.Combine(directory, "ca.crt");
        var key = Path.Combine(directory, "ca.key");
        if (File.Exists(certificate) || File.Exists(key))
        {
            Console.Error.WriteLine($"{certificate} or {key} exists already; refusing to overwrite a CA.");
            return 1;
        }

        CertificateAuthority.CreateCa(certificate, key, name, DateTimeOffset.UtcNow);
        Console.WriteLine($"CA written: {certificate} (public), {key} (private, mode 600). Set CertificateAuthority:CertificatePath and :KeyPath to them.");
        return 0;
    }

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var options = Options(args);
        switch (args[0])
        {
            case "migrate":
                await ApplicationSetup.MigrateAsync(app.Services);
                Console.WriteLine("数据库迁移完成 / migrations applied.");
                return 0;
            case "verify-audit":
                return await VerifyAuditAsync(app);
            case "archive-audit":
                return await ArchiveAuditAsync(app);
            case "create-admin":
                await ApplicationSetup.MigrateAsync(app.Services);
                return await CreateAdminAsync(app, Options([.. args.Where(a => a != "--second")]), second: args.Contains("--second"));
            case "create-unit":
                return await CreateUnitAsync(app, options);
            case "issue-cert":
                return await IssueCertificateAsync(app, Options([.. args.Where(a => a != "--gateway")]), gateway: args.Contains("--gateway"));
            case "backup":
            case "restore":
            case "restore-drill":
                return await BackupCommandAsync(app, args[0], options);
            case "self-check":
                return await SelfCheckAsync(app);
            case "totp" when app.Environment.IsDevelopment():
                return await PrintTotpAsync(app, args.Length > 1 ? args[1] : "");
            default:
                Console.Error.WriteLine($"Unknown or unavailable command: {args[0]}");
                return 1;
        }
    }

    /// <summary>
    /// <c>backup --out FILE</c> (and FILE.manifest.json beside it), <c>restore --from FILE</c> into the configured (empty)
    /// database, <c>restore-drill --from FILE</c>: restored into a scratch database and checked; exit 2 when it fails.
    /// </summary>
    private static async Task<int> BackupCommandAsync(WebApplication app, string command, Dictionary<string, string> options)
    {
        var file = options.GetValueOrDefault(command == "backup" ? "out" : "from");
        if (string.IsNullOrWhiteSpace(file))
        {
            Console.Error.WriteLine(command == "backup" ? "用法 / usage: backup --out FILE" : $"用法 / usage: {command} --from FILE");
            return 1;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var backups = scope.ServiceProvider.GetRequiredService<Features.Backups.Backups>();
        try
        {
            switch (command)
            {
                case "backup":
                    var manifest = await backups.BackupAsync(file);
                    Console.WriteLine($"备份完成：{Path.GetFullPath(file)}（{manifest.Bytes:N0} 字节，{manifest.Rows.Values.Sum():N0} 行，审计链末条第 {manifest.AuditHead} 条）"
                        + $" / backup written with its manifest {Features.Backups.Backups.ManifestPath(file)}.");
                    return 0;
                case "restore":
                    await backups.RestoreAsync(file);
                    Console.WriteLine("恢复完成；启动平台前请先运行 verify-audit / restored; run verify-audit before starting the platform.");
                    return 0;
                default:
                    var drill = await backups.DrillAsync(file);
                    Console.WriteLine(drill.Succeeded
                        ? $"恢复演练通过：{drill.Detail} / restore drill passed."
                        : $"恢复演练失败：{drill.Detail} / restore drill failed.");
                    return drill.Succeeded ? 0 : 2;
            }
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>The 等保 self-check as text, one line per test unit; exit 0 when every item is met, 3 otherwise.</summary>
    private static async Task<int> SelfCheckAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var operatorIdentity = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "cli:self-check")], "cli"));
        var result = await scope.ServiceProvider.GetRequiredService<Features.Security.SelfCheckReport>().RunAsync(operatorIdentity);
        foreach (var item in result.Items)
        {
            Console.WriteLine($"{item.Key}\t{item.VerdictLabel}\t{item.ControlPoint}：{item.Evidence}");
        }

        Console.WriteLine($"{result.Met}/{result.Items.Count} 项符合 / {result.Met} of {result.Items.Count} items met.");
        return result.AllMet ? 0 : 3;
    }

    /// <summary>Exit 0 when intact; 2 with the first broken position (Chinese reason, then the English reason code).</summary>
    private static async Task<int> VerifyAuditAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
        var checkpoint = result.LatestCheckpoint is { } c ? $"最新校验点第 {c.Sequence} 条" : "尚无校验点";
        var checkpointEnglish = result.LatestCheckpoint is { } e ? $"latest checkpoint at entry {e.Sequence}" : "no checkpoint yet";
        if (result.Intact)
        {
            Console.WriteLine($"审计链完整：已校验 {result.EntriesChecked} 条（其中启用密钥前的旧记录 {result.LegacyEntries} 条），{checkpoint}"
                + $" / audit chain intact: {result.EntriesChecked} entries ({result.LegacyEntries} legacy unkeyed), {checkpointEnglish}.");
            if (result.UnsignedArchives > 0)
            {
                Console.WriteLine($"注意：{result.UnsignedArchives} 条归档记录没有签名，不作为校验起点 / {result.UnsignedArchives} unsigned archive rows are not trusted as anchors.");
            }

            return 0;
        }

        Console.WriteLine($"审计链断裂于第 {result.FirstBreak!.Sequence} 条：{result.FirstBreak.Message} / audit chain broken at entry {result.FirstBreak.Sequence} ({result.FirstBreak.Reason}).");
        return 2;
    }

    private static async Task<int> ArchiveAuditAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditArchiver>().ArchiveAsync();
        Console.WriteLine(result.Entries == 0
            ? "没有超过保留期、尚未归档的审计记录 / nothing to archive."
            : $"已归档 {result.Entries} 条（第 {result.FromSequence}–{result.ToSequence} 条）到 {result.FileName} / archived.");
        if (result.Checkpoint is { } checkpoint)
        {
            Console.WriteLine($"已写入校验点：第 {checkpoint.Sequence} 条 / checkpoint written at entry {checkpoint.Sequence}: {AuditCheckpoints.FileName(checkpoint.Sequence)}");
        }

        return 0;
    }

    /// <summary>
    /// Creates the first 安全管理员 with a one-time password, and with <c>--second</c> the second one: account changes
    /// need two (one asks, the other approves), and one alone may not create the other. Refuses beyond that.
    /// </summary>
    private static async Task<int> CreateAdminAsync(WebApplication app, Dictionary<string, string> options, bool second)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<AppDbContext>();
        var users = services.GetRequiredService<StaffUserManager>();
        var existing = (await users.GetUsersInRoleAsync(StaffRoles.SecurityAdmin)).Count;
        if (existing > (second ? 1 : 0))
        {
            Console.Error.WriteLine(existing == 1
                ? "A 安全管理员 exists already: create the second one with --second; further accounts are requested and approved in the console."
                : "Two 安全管理员 exist already: further accounts are requested and approved in the console.");
            return 1;
        }

        var center = await db.Units.FirstOrDefaultAsync(u => (u.Roles & UnitRoles.Center) != 0);
        if (center is null)
        {
            var uscc = UnifiedSocialCreditCode.Check(options.GetValueOrDefault("center-uscc"));
            if (!uscc.IsValid || !options.TryGetValue("center-name", out var centerName))
            {
                Console.Error.WriteLine("No center unit yet: pass --center-name NAME --center-uscc USCC --region CODE (and --contact NAME --mobile NUMBER).");
                foreach (var error in uscc.Errors)
                {
                    Console.Error.WriteLine($"  {error.Field}: {error.Message}");
                }

                return 1;
            }

            var contact = new ContactInput(options.GetValueOrDefault("contact") ?? "未填写", null, options.GetValueOrDefault("mobile") ?? "13800000000", null);
            var created = await services.GetRequiredService<UnitRegistry>().CreateAsync(System(), new UnitInput(
                centerName, uscc.Value, options.GetValueOrDefault("region") ?? "640000", ["center"], contact, contact));
            if (!created.IsOk)
            {
                foreach (var error in created.Errors)
                {
                    Console.Error.WriteLine($"  {error.Field}: {error.Message}");
                }

                return 1;
            }

            center = await db.Units.FirstAsync(u => u.Id == created.Value!.Id);
        }

        var userName = options.GetValueOrDefault("user") ?? "secadmin";
        var outcome = await services.GetRequiredService<AccountAdministration>().CreateAsync(System(),
            new NewAccount(userName, options.GetValueOrDefault("name") ?? "安全管理员", center.Id, [StaffRoles.SecurityAdmin]));
        if (!outcome.IsOk)
        {
            foreach (var error in outcome.Errors)
            {
                Console.Error.WriteLine($"  {error.Field}: {error.Message}");
            }

            return 1;
        }

        Console.WriteLine($"安全管理员已创建：{userName}");
        Console.WriteLine($"一次性初始密码（仅显示这一次，首次登录须修改并绑定动态口令）：{outcome.Value!.InitialPassword}");
        return 0;
    }

    /// <summary>Registers a unit from the command line (bootstrapping a registry, scripted set-ups, benchmarks).</summary>
    private static async Task<int> CreateUnitAsync(WebApplication app, Dictionary<string, string> options)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var contact = new ContactInput(options.GetValueOrDefault("contact") ?? "未填写", null, options.GetValueOrDefault("mobile") ?? "13800000000", null);
        var outcome = await scope.ServiceProvider.GetRequiredService<UnitRegistry>().CreateAsync(System(), new UnitInput(
            options.GetValueOrDefault("name"), options.GetValueOrDefault("uscc"), options.GetValueOrDefault("region") ?? "640000",
            (options.GetValueOrDefault("roles") ?? "source").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), contact, contact));
        if (!outcome.IsOk)
        {
            Console.Error.WriteLine("Pass --name NAME --uscc USCC [--region CODE] [--roles source,user] [--categories XZCF,XZXK] [--contact NAME --mobile NUMBER].");
            foreach (var error in outcome.Errors)
            {
                Console.Error.WriteLine($"  {error.Field}: {error.Message}");
            }

            return 1;
        }

        Console.WriteLine($"单位已登记：{outcome.Value!.Name}（{outcome.Value.Uscc}），编号 {outcome.Value.Id}");
        // A source unit reports only what it is assigned; scripted set-ups assign here what a 业务审核员 would in the console.
        var reviewer = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "cli"), new Claim(ClaimTypes.Role, StaffRoles.Reviewer)], "cli", ClaimTypes.Name, ClaimTypes.Role));
        foreach (var category in (options.GetValueOrDefault("categories") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var assigned = await scope.ServiceProvider.GetRequiredService<ReportingAssignments>().AssignAsync(reviewer, outcome.Value.Id, category);
            if (!assigned.IsOk)
            {
                Console.Error.WriteLine($"  {category}: {assigned.Message}{string.Join("; ", assigned.Errors.Select(e => e.Message))}");
                return 1;
            }

            Console.WriteLine($"已分配报送类别：{category}");
        }

        return 0;
    }

    /// <summary>With <c>--gateway</c>, a gateway (前置机) certificate.</summary>
    private static async Task<int> IssueCertificateAsync(WebApplication app, Dictionary<string, string> options, bool gateway)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<AppDbContext>();
        var code = CodeText.Normalize(options.GetValueOrDefault("unit"));
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Uscc == code);
        if (unit is null)
        {
            Console.Error.WriteLine("Pass --unit USCC of a registered unit (and optionally --months 24|48 --out DIRECTORY, --gateway for a gateway's certificate).");
            return 1;
        }

        var months = int.TryParse(options.GetValueOrDefault("months"), out var m) ? m : 24;
        var outcome = await services.GetRequiredService<CertificateService>().IssueAsync(System(), new IssueRequest(unit.Id, months, gateway));
        if (!outcome.IsOk)
        {
            foreach (var error in outcome.Errors)
            {
                Console.Error.WriteLine($"  {error.Field}: {error.Message}");
            }

            return 1;
        }

        var paths = WriteCredential(outcome.Value!, options.GetValueOrDefault("out") ?? Path.Combine("data", "certs"), unit.Uscc);
        Console.WriteLine($"{(gateway ? "前置机证书" : "证书")}已签发：序列号 {outcome.Value!.Certificate.SerialNumber}，有效期至 {outcome.Value.Certificate.NotAfter:yyyy-MM-dd}");
        Console.WriteLine($"  {paths.Certificate}\n  {paths.Key}\n  {paths.Pkcs12}（口令：{outcome.Value.Pkcs12Password}）");
        return 0;
    }

    public static (string Certificate, string Key, string Pkcs12) WriteCredential(IssuedCredential credential, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var certificate = Path.Combine(directory, $"{name}.crt");
        var key = Path.Combine(directory, $"{name}.key");
        var pkcs12 = Path.Combine(directory, $"{name}.pfx");
        File.WriteAllText(certificate, credential.CertificatePem);
        Crypto.KeyFiles.WritePrivate(key, credential.PrivateKeyPem);
        File.WriteAllBytes(pkcs12, credential.Pkcs12);
        return (certificate, key, pkcs12);
    }

    private static async Task<int> PrintTotpAsync(WebApplication app, string userName)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<StaffUserManager>();
        var user = await users.FindByNameAsync(userName);
        var key = user is null ? null : await users.GetAuthenticatorKeyAsync(user);
        if (key is null)
        {
            Console.Error.WriteLine("Usage (Development only): totp USERNAME — prints the current code of a demo account.");
            return 1;
        }

        Console.WriteLine(ReplayProtectedAuthenticator.CurrentCode(key, DateTimeOffset.UtcNow));
        return 0;
    }

    private static ClaimsPrincipal System() => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "cli")], "cli"));

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < args.Length - 1; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options[args[i][2..]] = args[i + 1];
                i++;
            }
        }

        return options;
    }
}
