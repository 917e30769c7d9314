using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Audit;
using CreditShare.Web.Features.Audit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CreditShare.Web.Tests.Features.Audit;

/// <summary>The signed checkpoints outside the database, and how a database from before the chain was keyed verifies.</summary>
public sealed class AuditCheckpointTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly LoggingApp app = new();
    private readonly AuditAttacker attacker;

    public AuditCheckpointTests() => attacker = new AuditAttacker(app);

    public async Task InitializeAsync()
    {
        await app.InitializeAsync();
        var writer = app.Services.GetRequiredService<AuditWriter>();
        for (var i = 0; i < 10; i++)
        {
            await writer.WriteAsync(new AuditRecord(AuditEvent.Audit_Viewed, AuditOutcome.Success) { Account = $"reader{i}" });
        }
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>Waits (in real time, for the background service to do its work) until the checkpoint file for <paramref name="sequence"/> exists.</summary>
    public static async Task<AuditCheckpoint> WaitForCheckpointAsync(CreditShareApp app, long sequence)
    {
        var path = Path.Combine(app.ArchiveDirectory, AuditCheckpoints.FileName(sequence));
        for (var i = 0; i < 200 && !File.Exists(path); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(File.Exists(path), $"no checkpoint at entry {sequence}");
        return JsonSerializer.Deserialize<AuditCheckpoint>(await File.ReadAllTextAsync(path), Json)!;
    }

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
    }

    private Task<AuditEntry> HeadAsync() => app.WithDbAsync(db => db.AuditEntries.OrderByDescending(a => a.Sequence).FirstAsync());

    private string[] CheckpointFiles() =>
        Directory.Exists(app.ArchiveDirectory) ? [.. Directory.GetFiles(app.ArchiveDirectory, "audit-checkpoint-*.json").Select(Path.GetFileName).Order()!] : [];

    [Fact]
    public async Task Every_interval_the_head_is_signed_into_a_file_and_the_log_and_only_when_it_moved()
    {
        var head = await HeadAsync();
        Assert.DoesNotContain(AuditCheckpoints.FileName(head.Sequence), CheckpointFiles());
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var checkpoint = await WaitForCheckpointAsync(app, head.Sequence);
        Assert.Equal((head.Sequence, head.Hash, app.Clock.GetUtcNow().ToUnixTimeMilliseconds()), (checkpoint.Sequence, checkpoint.Hash, checkpoint.At.ToUnixTimeMilliseconds()));
        Assert.True(checkpoint.IsSignedBy(app.Services.GetRequiredService<AuditChainKey>()));
        Assert.Contains(app.Logs, l => l.Contains($"sequence={head.Sequence}") && l.Contains($"hash={head.Hash}") && l.Contains($"mac={checkpoint.Mac}"));

        // Nothing new: no new file. A new entry: the next period signs it.
        var files = CheckpointFiles();
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(200);
        Assert.Equal(files, CheckpointFiles());
        var next = await app.Services.GetRequiredService<AuditWriter>().WriteAsync(new AuditRecord(AuditEvent.Audit_Viewed, AuditOutcome.Success) { Account = "later" });
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await WaitForCheckpointAsync(app, next);

        var verified = await VerifyAsync();
        Assert.True(verified.Intact, verified.FirstBreak?.Message);
        Assert.Equal(next, verified.LatestCheckpoint!.Sequence);
    }

    [Fact]
    public async Task A_forged_or_edited_checkpoint_file_is_reported()
    {
        var head = await HeadAsync();
        Directory.CreateDirectory(app.ArchiveDirectory);
        // Someone who can write the archive folder claims the chain ended later than it did, to frame an administrator.
        var forged = new AuditCheckpoint(head.Sequence + 5, head.Hash, app.Clock.GetUtcNow(), 0, head.KeyId!, new string('0', 64));
        await File.WriteAllTextAsync(Path.Combine(app.ArchiveDirectory, AuditCheckpoints.FileName(forged.Sequence)),
            JsonSerializer.Serialize(forged, Json));
        var result = await VerifyAsync();
        Assert.Equal((head.Sequence + 5, "checkpoint_signature"), (result.FirstBreak!.Sequence, result.FirstBreak.Reason));
    }

    [Fact]
    public async Task Archiving_signs_its_row_and_writes_a_checkpoint()
    {
        app.Clock.Advance(TimeSpan.FromDays(181));
        await app.Services.GetRequiredService<AuditWriter>().WriteAsync(new AuditRecord(AuditEvent.Audit_Viewed, AuditOutcome.Success) { Account = "recent" });
        ArchiveResult result;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<AuditArchiver>().ArchiveAsync();
        }

        var head = await HeadAsync();
        Assert.Equal(AuditEvent.Audit_Archived, (AuditEvent)head.EventCode);
        Assert.Equal((head.Sequence, head.Hash), (result.Checkpoint!.Sequence, result.Checkpoint.Hash));
        Assert.Contains(AuditCheckpoints.FileName(head.Sequence), CheckpointFiles());
        var archive = await app.WithDbAsync(db => db.AuditArchives.SingleAsync());
        Assert.True(archive.Facts.IsSealedBy(app.Services.GetRequiredService<AuditChainKey>(), archive.KeyId, archive.Signature));

        // Moving the archived range in the row (to hide more deleted entries behind it) breaks its signature.
        await app.WithDbAsync(db => db.AuditArchives.ExecuteUpdateAsync(s => s.SetProperty(a => a.ToSequence, a => a.ToSequence + 1)));
        var verified = await VerifyAsync();
        Assert.Equal((1L, "archive_signature"), (verified.FirstBreak!.Sequence, verified.FirstBreak.Reason));
    }

    [Fact]
    public async Task A_database_from_before_the_chain_was_keyed_verifies_and_the_keyed_chain_continues_from_its_last_hash()
    {
        // What the previous version left: every entry unkeyed, hashed with plain SHA-256, and no checkpoints.
        await attacker.RewriteFromAsync(1, rows =>
        {
            rows.ForEach(r => r.KeyId = null);
            return rows;
        });
        foreach (var file in CheckpointFiles())
        {
            File.Delete(Path.Combine(app.ArchiveDirectory, file));
        }

        var legacyHead = await HeadAsync();
        var legacy = await VerifyAsync();
        Assert.True(legacy.Intact, legacy.FirstBreak?.Message);
        Assert.Equal(legacyHead.Sequence, legacy.LegacyEntries);

        var first = await app.Services.GetRequiredService<AuditWriter>().WriteAsync(new AuditRecord(AuditEvent.Audit_Viewed, AuditOutcome.Success) { Account = "after-upgrade" });
        var keyed = await HeadAsync();
        Assert.Equal((legacyHead.Sequence + 1, legacyHead.Hash), (first, keyed.PreviousHash));
        Assert.NotNull(keyed.KeyId);
        // The first checkpoint after the upgrade records where the legacy entries end.
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(legacyHead.Sequence, (await WaitForCheckpointAsync(app, first)).LegacyUntil);

        var auditor = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.AuditAdmin));
        var verification = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
        Assert.Equal(legacyHead.Sequence, verification.GetProperty("legacyEntries").GetInt64());

        // Turning keyed entries back into the public hash is refused.
        await attacker.RewriteFromAsync(first, rows =>
        {
            rows.ForEach(r => r.KeyId = null);
            return rows;
        });
        var downgraded = await VerifyAsync();
        Assert.Equal((first, "unkeyed"), (downgraded.FirstBreak!.Sequence, downgraded.FirstBreak.Reason));
    }

    /// <summary>The test app with its log lines kept.</summary>
    private sealed class LoggingApp : CreditShareApp
    {
        private readonly LogCollector collector = new();

        public IEnumerable<string> Logs => collector.Lines;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(collector));
        }
    }

    private sealed class LogCollector : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
