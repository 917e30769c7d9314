using System.Diagnostics;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Backups;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Operations;

/// <summary>Backups, restores and restore drills on the provider under test (等保 数据备份恢复).</summary>
public sealed class BackupTests(CreditShareApp app) : IClassFixture<CreditShareApp>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("creditshare-backup-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<T> WithBackupsAsync<T>(Func<Backups, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<Backups>());
    }

    [Fact]
    public async Task A_backup_taken_while_the_platform_runs_passes_its_restore_drill_and_a_changed_file_fails_it()
    {
        var path = Path.Combine(folder, "platform.backup");
        var manifest = await WithBackupsAsync(b => b.BackupAsync(path));
        Assert.Equal(app.Database.Provider, manifest.Provider);
        Assert.True(manifest.Rows["Units"] >= 3);
        Assert.True(manifest.AuditHead > 0);
        Assert.Equal(manifest.AuditHead, manifest.Rows["AuditEntries"] > 0 ? await app.WithDbAsync(db => db.AuditEntries.MaxAsync(a => a.Sequence)) : 0);
        await Assert.ThrowsAsync<InvalidOperationException>(() => WithBackupsAsync(b => b.BackupAsync(path)));

        // More happens after the backup: the drill checks the backup, not the live database.
        await app.CreateUnitAsync("备份之后新增的单位", "11640900", ["user"]);
        var drill = await WithBackupsAsync(b => b.DrillAsync(path));
        Assert.True(drill.Succeeded, drill.Detail);
        Assert.Contains("审计链完整", drill.Detail);
        var recorded = await app.WithDbAsync(db => db.RestoreDrills.OrderBy(d => d.Id).LastAsync());
        Assert.Equal((true, "platform.backup"), (recorded.Succeeded, recorded.BackupFile));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EventCode == (int)AuditEvent.Security_RestoreDrill && a.Outcome == AuditOutcome.Success)));

        var changed = Path.Combine(folder, "changed.backup");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(changed, bytes);
        File.Copy(Backups.ManifestPath(path), Backups.ManifestPath(changed));
        var failed = await WithBackupsAsync(b => b.DrillAsync(changed));
        Assert.False(failed.Succeeded);
        Assert.Contains("SHA-256", failed.Detail);
        Assert.False((await WithBackupsAsync(b => b.DrillAsync(Path.Combine(folder, "missing.backup")))).Succeeded);
    }

    [Fact]
    public async Task A_backup_whose_audit_trail_was_rewritten_fails_the_drill_even_with_a_matching_manifest()
    {
        if (app.Database.IsPostgres)
        {
            // A custom-format dump is not edited in place; the chain check it would reach is the same code.
            return;
        }

        var path = Path.Combine(folder, "rewritten.backup");
        await WithBackupsAsync(b => b.BackupAsync(path));
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER IF EXISTS \"AuditEntries_no_update\"; UPDATE \"AuditEntries\" SET \"Account\" = 'someone-else' WHERE \"Sequence\" = (SELECT MIN(\"Sequence\") FROM \"AuditEntries\")";
            await command.ExecuteNonQueryAsync();
        }

        // The one who rewrote it also rewrote the manifest's hash.
        var manifest = System.Text.Json.JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(Backups.ManifestPath(path)), System.Text.Json.JsonSerializerOptions.Web)!;
        await using (var stream = File.OpenRead(path))
        {
            manifest = manifest with { Sha256 = Convert.ToHexString(await System.Security.Cryptography.SHA256.HashDataAsync(stream)) };
        }

        await File.WriteAllTextAsync(Backups.ManifestPath(path), System.Text.Json.JsonSerializer.Serialize(manifest, System.Text.Json.JsonSerializerOptions.Web));
        var drill = await WithBackupsAsync(b => b.DrillAsync(path));
        Assert.False(drill.Succeeded);
        Assert.Contains("审计链断裂于第", drill.Detail);
    }

    [Fact]
    public async Task The_commands_back_up_and_restore_into_an_empty_database_whose_trail_verifies_and_never_into_one_with_data()
    {
        var path = Path.Combine(folder, "cli.backup");
        var backup = await CliAsync(app.Database, "backup", "--out", path);
        Assert.True(backup.ExitCode == 0, backup.Output);
        Assert.Contains("备份完成", backup.Output);

        var empty = TestDatabase.Create();
        await empty.CreateAsync();
        try
        {
            var restore = await CliAsync(empty, "restore", "--from", path);
            Assert.True(restore.ExitCode == 0, restore.Output);
            var verify = await CliAsync(empty, "verify-audit");
            Assert.True(verify.ExitCode == 0, verify.Output);

            // A restore never merges into a database that holds data (here the live one).
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => WithBackupsAsync(async b => { await b.RestoreAsync(path); return true; }));
            Assert.Contains("空", refused.Message);
        }
        finally
        {
            await empty.DropAsync();
        }
    }

    private async Task<(int ExitCode, string Output)> CliAsync(TestDatabase database, params string[] args)
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
        start.Environment["PersonalData__EncryptionKey"] = app.PersonalDataKeys.Encryption;
        start.Environment["PersonalData__LookupKey"] = app.PersonalDataKeys.Lookup;
        start.Environment["Audit__ChainKey"] = app.AuditChainKey;
        start.Environment["Audit__ArchiveDirectory"] = Path.Combine(folder, "archive");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in app.PkiPaths)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output + await error);
    }
}
