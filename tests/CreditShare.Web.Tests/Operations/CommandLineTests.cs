using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Demo;
using CreditShare.Web.Tests.Features.Audit;
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

    private readonly string chainKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private readonly string[] personalDataKeys = [.. Enumerable.Range(0, 2).Select(_ => Convert.ToBase64String(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)))];

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunWithAsync(new Dictionary<string, string?> { ["Audit__ChainKey"] = chainKey }, args);

    private async Task<(int ExitCode, string Output)> RunWithAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
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
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

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

        // Account changes need two 安全管理员 and the first cannot make the second alone: the operator makes it, once.
        var second = await RunAsync("create-admin", "--user", "second.admin", "--second");
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("一次性初始密码", second.Output);
        Assert.Equal(1, (await RunAsync("create-admin", "--second", "--user", "third.admin")).ExitCode);

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

        var gatewayIssued = await RunAsync("issue-cert", "--gateway", "--unit", sourceCode, "--out", Path.Combine(folder, "gateway-certs"));
        Assert.True(gatewayIssued.ExitCode == 0, gatewayIssued.Output);
        Assert.Contains("前置机证书已签发", gatewayIssued.Output);
        using (var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(folder, "gateway-certs", $"{sourceCode}.crt"))))
        {
            Assert.Contains("OU=前置机", certificate.Subject);
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
        Assert.Contains("broken at entry 2 (hash)", broken.Output);
    }

    [Fact]
    public async Task Without_an_audit_chain_key_neither_the_server_nor_the_audit_commands_start()
    {
        Assert.True((await RunAsync("migrate")).ExitCode == 0);
        var settings = new Dictionary<string, string?>
        {
            ["PersonalData__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["PersonalData__LookupKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        var server = await RunWithAsync(settings, "--urls", "http://127.0.0.1:0");
        Assert.NotEqual(0, server.ExitCode);
        Assert.Contains("Audit:ChainKey must be base64 of 32 random bytes", server.Output);

        var verify = await RunWithAsync(settings, "verify-audit");
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains("Audit:ChainKey must be base64 of 32 random bytes", verify.Output);
    }

    [Fact]
    public async Task Cutting_entries_after_the_checkpoint_archive_audit_wrote_is_reported_by_verify_audit()
    {
        Assert.True((await RunAsync("migrate")).ExitCode == 0);
        var unit = await RunAsync("create-unit", "--name", "某省市场监督管理厅", "--uscc", DemoSeed.MakeUscc("11640000", "01350012"), "--roles", "source");
        Assert.True(unit.ExitCode == 0, unit.Output);
        var archived = await RunAsync("archive-audit");
        Assert.True(archived.ExitCode == 0, archived.Output);
        var head = long.Parse(System.Text.RegularExpressions.Regex.Match(archived.Output, @"checkpoint written at entry (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(File.Exists(Path.Combine(folder, "data", "audit-archive", $"audit-checkpoint-{head:D12}.json")));
        Assert.Equal(0, (await RunAsync("verify-audit")).ExitCode);

        await TamperAsync($"DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = {head}");
        var broken = await RunAsync("verify-audit");
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains($"broken at entry {head} (truncated)", broken.Output);
        Assert.Contains($"审计链断裂于第 {head} 条", broken.Output);
    }

    /// <summary>SQL as someone with write access to the database: the superuser with the triggers off, or the SQLite file with them dropped.</summary>
    private async Task TamperAsync(string sql)
    {
        await using var connection = database.IsPostgres ? (System.Data.Common.DbConnection)new NpgsqlConnection(database.AdminConnectionString) : new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = database.IsPostgres
            ? $"ALTER TABLE \"AuditEntries\" DISABLE TRIGGER USER; {sql}; ALTER TABLE \"AuditEntries\" ENABLE TRIGGER USER;"
            : $"DROP TRIGGER IF EXISTS \"AuditEntries_no_update\"; DROP TRIGGER IF EXISTS \"AuditEntries_no_delete\"; {sql};";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>SQLite holds the time in EF's binary form (DateTimeOffsetToBinaryConverter); PostgreSQL as timestamptz.</summary>
    private DateTimeOffset OccurredAt(System.Data.Common.DbDataReader reader) => database.IsPostgres
        ? reader.GetFieldValue<DateTimeOffset>(1)
        : (DateTimeOffset)new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter().ConvertFromProvider(reader.GetInt64(1))!;

    /// <summary>Edits entry 2 and re-hashes it and every later entry with the published plain SHA-256, as the chain was before it was keyed.</summary>
    private async Task TamperSecondEntryAsync()
    {
        await using var connection = database.IsPostgres ? (System.Data.Common.DbConnection)new NpgsqlConnection(database.AdminConnectionString) : new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        var entries = new List<AuditEntry>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT \"Sequence\", \"OccurredAt\", \"EventCode\", \"Account\", \"UnitCode\", \"ClientIp\", \"Target\", \"Purpose\", \"Outcome\", " +
                "\"ResultCount\", \"Detail\", \"Hash\" FROM \"AuditEntries\" ORDER BY \"Sequence\"";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                entries.Add(new AuditEntry
                {
                    Sequence = reader.GetInt64(0),
                    OccurredAt = OccurredAt(reader),
                    EventCode = reader.GetInt32(2),
                    Account = Text(3),
                    UnitCode = Text(4),
                    ClientIp = Text(5),
                    Target = Text(6),
                    Purpose = Text(7),
                    Outcome = reader.GetString(8),
                    ResultCount = reader.IsDBNull(9) ? null : reader.GetInt32(9),
                    Detail = Text(10),
                    Hash = reader.GetString(11),
                });
            }
        }

        var sql = new System.Text.StringBuilder(database.IsPostgres ? "ALTER TABLE \"AuditEntries\" DISABLE TRIGGER USER;" : "DROP TRIGGER \"AuditEntries_no_update\";");
        var previous = entries[0].Hash;
        foreach (var entry in entries.Skip(1))
        {
            entry.Detail = entry.Sequence == 2 ? "x" : entry.Detail;
            entry.PreviousHash = previous;
            entry.Hash = AuditAttacker.PlainHash(entry, previous);
            previous = entry.Hash;
            sql.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"UPDATE \"AuditEntries\" SET \"Detail\" = {(entry.Detail is null ? "NULL" : $"'{entry.Detail.Replace("'", "''", StringComparison.Ordinal)}'")}, " +
                $"\"PreviousHash\" = '{entry.PreviousHash}', \"Hash\" = '{entry.Hash}' WHERE \"Sequence\" = {entry.Sequence};");
        }

        await using var write = connection.CreateCommand();
        write.CommandText = sql.Append(database.IsPostgres ? "ALTER TABLE \"AuditEntries\" ENABLE TRIGGER USER;" : "").ToString();
        await write.ExecuteNonQueryAsync();
    }
}
