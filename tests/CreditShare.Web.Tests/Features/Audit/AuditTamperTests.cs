using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CreditShare.Web.Tests.Features.Audit;

/// <summary>
/// Someone with access to the database edits, deletes or inserts audit rows; the verifier names the first broken entry.
/// Each test has its own app so that it owns the whole chain.
/// </summary>
public sealed class AuditTamperTests : IAsyncLifetime
{
    private readonly CreditShareApp app = new();

    public async Task InitializeAsync()
    {
        await app.InitializeAsync();
        var writer = app.Services.GetRequiredService<AuditWriter>();
        for (var i = 0; i < 20; i++)
        {
            await writer.WriteAsync(new AuditRecord(AuditEvent.Audit_Viewed, AuditOutcome.Success) { Account = $"reader{i}", ResultCount = i });
        }
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
    }

    private async Task<long> SequenceOfAsync(string account) =>
        await app.WithDbAsync(db => db.AuditEntries.Where(a => a.Account == account).Select(a => a.Sequence).SingleAsync());

    /// <summary>Runs SQL the way an intruder would: as the superuser on PostgreSQL, with the triggers switched off.</summary>
    private async Task TamperAsync(string sql)
    {
        if (app.Database.IsPostgres)
        {
            await using var connection = new NpgsqlConnection(app.Database.AdminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"ALTER TABLE \"AuditEntries\" DISABLE TRIGGER USER; {sql}; ALTER TABLE \"AuditEntries\" ENABLE TRIGGER USER;", connection);
            await command.ExecuteNonQueryAsync();
            return;
        }

        await app.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER IF EXISTS \"AuditEntries_no_update\"; DROP TRIGGER IF EXISTS \"AuditEntries_no_delete\";");
            return await db.Database.ExecuteSqlRawAsync(sql);
        });
    }

    [Fact]
    public async Task An_untouched_trail_verifies()
    {
        var result = await VerifyAsync();
        Assert.True(result.Intact);
        Assert.True(result.EntriesChecked >= 20);
    }

    [Fact]
    public async Task The_application_cannot_update_or_delete_audit_rows()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Outcome\" = 'failure'")));
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEntries\"")));
        Assert.True((await VerifyAsync()).Intact);
    }

    [Fact]
    public async Task An_edited_row_is_reported_at_its_position()
    {
        var target = await SequenceOfAsync("reader7");
        await TamperAsync($"UPDATE \"AuditEntries\" SET \"Account\" = 'innocent' WHERE \"Sequence\" = {target}");
        var result = await VerifyAsync();
        Assert.Equal((target, "hash"), (result.FirstBreak!.Sequence, result.FirstBreak.Reason));
    }

    [Fact]
    public async Task A_deleted_row_is_reported_where_the_gap_is()
    {
        var target = await SequenceOfAsync("reader11");
        await TamperAsync($"DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = {target}");
        var result = await VerifyAsync();
        Assert.Equal((target + 1, "missing"), (result.FirstBreak!.Sequence, result.FirstBreak.Reason));
    }

    [Fact]
    public async Task An_inserted_row_is_reported()
    {
        var last = await app.WithDbAsync(db => db.AuditEntries.MaxAsync(a => a.Sequence));
        var time = app.Database.IsPostgres ? "now()" : "0";
        await TamperAsync(
            "INSERT INTO \"AuditEntries\" (\"Sequence\", \"OccurredAt\", \"EventCode\", \"Account\", \"Outcome\", \"PreviousHash\", \"Hash\") " +
            $"VALUES ({last + 1}, {time}, 1000, 'ghost', 'success', 'forged', 'forged')");
        var result = await VerifyAsync();
        Assert.Equal(last + 1, result.FirstBreak!.Sequence);
    }

    [Fact]
    public async Task The_audit_administrator_sees_the_break_through_the_api_and_nobody_else_reads_the_trail()
    {
        var target = await SequenceOfAsync("reader3");
        await TamperAsync($"UPDATE \"AuditEntries\" SET \"ResultCount\" = 999 WHERE \"Sequence\" = {target}");
        var auditor = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.AuditAdmin));
        var verification = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.Equal(target, verification.GetProperty("firstBreak").GetProperty("sequence").GetInt64());
        var page = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?eventCode=1000");
        Assert.True(page.GetProperty("total").GetInt32() >= 1);

        var securityAdmin = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SecurityAdmin));
        Assert.Equal(HttpStatusCode.Forbidden, (await securityAdmin.GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await securityAdmin.GetAsync("/Audit")).StatusCode);
    }

    [Fact]
    public async Task Entries_past_retention_are_archived_with_their_hashes_and_the_chain_continues_from_the_archive()
    {
        var writer = app.Services.GetRequiredService<AuditWriter>();
        var handing = await writer.WriteAsync(new AuditRecord(AuditEvent.Data_SharedSubject, AuditOutcome.Success)
        { Account = "cert:1", Purpose = "核查", Shared = new SharedRecords(app.UnitIds["user"], "api", [9, 7]) });
        app.Clock.Advance(TimeSpan.FromDays(181));
        await writer.WriteAsync(new AuditRecord(AuditEvent.Audit_Viewed, AuditOutcome.Success) { Account = "recent" });

        ArchiveResult result;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<AuditArchiver>().ArchiveAsync();
        }

        Assert.Equal(1, result.FromSequence);
        Assert.True(result.Entries >= 20);
        var lines = await File.ReadAllLinesAsync(Path.Combine(app.ArchiveDirectory, result.FileName!));
        Assert.Equal(result.Entries, lines.Length);
        // The records the entry handed out are archived with it.
        var handed = lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("sequence").GetInt64() == handing).GetProperty("sharedRecords");
        Assert.Equal((app.UnitIds["user"], "api"), (handed.GetProperty("unitId").GetInt32(), handed.GetProperty("channel").GetString()));
        Assert.Equal([7L, 9L], handed.GetProperty("recordIds").EnumerateArray().Select(r => r.GetInt64()));
        var last = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(result.ToSequence, last.GetProperty("sequence").GetInt64());
        var archive = await app.WithDbAsync(db => db.AuditArchives.SingleAsync());
        Assert.Equal(last.GetProperty("hash").GetString(), archive.ToHash);
        await using (var file = File.OpenRead(Path.Combine(app.ArchiveDirectory, result.FileName!)))
        {
            Assert.Equal(archive.FileSha256, Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file)));
        }

        // Nothing new to archive the second time; the recent entry stays online.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Equal(0, (await scope.ServiceProvider.GetRequiredService<AuditArchiver>().ArchiveAsync()).Entries);
        }

        // A DBA removes the archived stretch: the chain still verifies from the archive's anchor...
        await TamperAsync($"DELETE FROM \"AuditEntries\" WHERE \"Sequence\" <= {result.ToSequence}");
        var verified = await VerifyAsync();
        Assert.True(verified.Intact, verified.FirstBreak?.Message);

        // ...but removing one more entry, not archived, is caught.
        await TamperAsync($"DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = {result.ToSequence + 1}");
        Assert.False((await VerifyAsync()).Intact);
    }
}
