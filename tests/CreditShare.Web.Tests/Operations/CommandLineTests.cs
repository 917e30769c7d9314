using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Demo;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CreditShare.Web.Tests.Operations;

/// <summary>The operator commands, run as real processes in Production mode against the provider under test.</summary>
public sealed class CommandLineTests : IAsyncLifetime
{
    private readonly TestDatabase database = TestDatabase.Create();
    private readonly string folder = Directory.CreateTempSubdirectory("creditshare-cli-").FullName;

    public async Task InitializeAsync()
    {
        await database.CreateAsync();
        CertificateAuthority.CreateCa(Path.Combine(folder, "ca.crt"), Path.Combine(folder, "ca.key"), "CLI Test CA", DateTimeOffset.UtcNow);
    }

    public async Task DisposeAsync()
    {
        await database.DropAsync();
        Directory.Delete(folder, recursive: true);
    }

    private readonly string[] personalDataKeys = [.. Enumerable.Range(0, 2).Select(_ => Convert.ToBase64String(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)))];

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.ArgumentList.Add(ServerProcess.WebAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = database.Provider;
        start.Environment["ConnectionStrings__CreditShare"] = database.ConnectionString;
        start.Environment["CertificateAuthority__CertificatePath"] = Path.Combine(folder, "ca.crt");
        start.Environment["CertificateAuthority__KeyPath"] = Path.Combine(folder, "ca.key");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // Units' contacts are encrypted with the personal-data key: registering one needs it, as in production.
        start.Environment["PersonalData__EncryptionKey"] = personalDataKeys[0];
        start.Environment["PersonalData__LookupKey"] = personalDataKeys[1];
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Operator_commands_migrate_create_the_first_admin_once_issue_a_certificate_and_verify_the_audit()
    {
        var migrate = await RunAsync("migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Output);

        var noCenter = await RunAsync("create-admin", "--user", "root.admin");
        Assert.Equal(1, noCenter.ExitCode);
        Assert.Contains("--center-name", noCenter.Output);

        var centerCode = DemoSeed.MakeUscc("12640000", "45500003");
        var created = await RunAsync("create-admin", "--user", "root.admin", "--center-name", "某省社会信用服务中心", "--center-uscc", centerCode, "--region", "640000");
        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Contains("一次性初始密码", created.Output);

        var again = await RunAsync("create-admin", "--user", "second.admin");
        Assert.Equal(1, again.ExitCode);

        var sourceCode = DemoSeed.MakeUscc("11640000", "01350012");
        var badUnit = await RunAsync("create-unit", "--name", "某厅", "--uscc", "91440300708461136U");
        Assert.Equal(1, badUnit.ExitCode);
        Assert.Contains("校验位错误", badUnit.Output);
        var unit = await RunAsync("create-unit", "--name", "某省市场监督管理厅", "--uscc", sourceCode, "--roles", "source", "--categories", "XZCF,XZXK");
        Assert.True(unit.ExitCode == 0, unit.Output);
        Assert.Contains("已分配报送类别：XZXK", unit.Output);

        var certificates = Path.Combine(folder, "certs");
        var issued = await RunAsync("issue-cert", "--unit", centerCode, "--months", "48", "--out", certificates);
        Assert.True(issued.ExitCode == 0, issued.Output);
        using (var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(certificates, $"{centerCode}.crt"), Path.Combine(certificates, $"{centerCode}.key")))
        {
            Assert.Contains(centerCode, certificate.Subject);
            Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 48 * 28, 48 * 31 + 1);
            Assert.True(certificate.HasPrivateKey);
        }

        var badMonths = await RunAsync("issue-cert", "--unit", centerCode, "--months", "12");
        Assert.Equal(1, badMonths.ExitCode);
        Assert.Contains("24个月或48个月", badMonths.Output);

        var intact = await RunAsync("verify-audit");
        Assert.True(intact.ExitCode == 0, intact.Output);
        Assert.Contains("intact", intact.Output);

        await TamperSecondEntryAsync();
        var broken = await RunAsync("verify-audit");
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("broken at entry 2", broken.Output);
    }

    private async Task TamperSecondEntryAsync()
    {
        if (database.IsPostgres)
        {
            await using var connection = new NpgsqlConnection(database.AdminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "ALTER TABLE \"AuditEntries\" DISABLE TRIGGER USER; UPDATE \"AuditEntries\" SET \"Detail\" = 'x' WHERE \"Sequence\" = 2; ALTER TABLE \"AuditEntries\" ENABLE TRIGGER USER;", connection);
            await command.ExecuteNonQueryAsync();
            return;
        }

        await using var sqlite = new SqliteConnection(database.ConnectionString);
        await sqlite.OpenAsync();
        await using var drop = sqlite.CreateCommand();
        drop.CommandText = "DROP TRIGGER \"AuditEntries_no_update\"; UPDATE \"AuditEntries\" SET \"Detail\" = 'x' WHERE \"Sequence\" = 2;";
        await drop.ExecuteNonQueryAsync();
    }
}
