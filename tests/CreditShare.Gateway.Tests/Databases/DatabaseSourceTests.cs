using System.Text;
using CreditShare.Gateway.Databases;
using CreditShare.Gateway.Operations;
using CreditShare.Gateway.Queue;
using CreditShare.Web.Tests;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CreditShare.Gateway.Tests.Databases;

/// <summary>
/// The database source against a real platform over mutual TLS, reading a unit's table on SQLite, PostgreSQL and
/// MariaDB. Each poll is one call of <see cref="DatabaseSource.PollOnceAsync"/>; sending is <see cref="GatewayRig.DrainAsync"/>.
/// </summary>
public sealed class DatabaseSourceTests(ITestOutputHelper output)
{
    private const string InvalidUscc = "91640100XXXXXXXXXX";

    private static async Task<(KestrelApp App, GatewayRig Rig, DatabaseSource Source)> StartAsync(DatabaseSourceOptions db)
    {
        var app = new KestrelApp();
        await app.InitializeAsync();
        var credentials = await GatewayRig.IssueAsync(app);
        var options = GatewayRig.OptionsFor(credentials, app.BaseAddress);
        options.Databases.Add(db);
        var rig = GatewayRig.Build(credentials, options);
        return (app, rig, rig.Get<DatabaseSource>());
    }

    private static Task<int> PlatformPenalties(KestrelApp app) => app.WithDbAsync(d => d.CreditRecords.CountAsync(r => r.CategoryCode == "XZCF"));

    /// <summary>Records sent, added up over every batch the gateway queued: a row sent twice would count twice.</summary>
    private static long RowsSent(GatewayRig rig)
    {
        using var connection = rig.Store.Open();
        return GatewayStore.Scalar<long>(connection, null, "SELECT COALESCE(SUM(rows), 0) FROM batches");
    }

    private static DatabaseSourceOptions Outbox(SourceDatabase db) => new()
    {
        Name = "penalties",
        Provider = db.Provider,
        ConnectionString = db.ConnectionString,
        Category = "XZCF",
        Mode = "outbox",
        Table = "penalty_outbox",
        KeyColumn = "id",
        AckColumn = "acked_at",
    };

    [Fact]
    public Task Outbox_rows_on_sqlite_are_delivered_once_acknowledged_and_the_invalid_one_is_in_the_feedback() => OutboxRoundTripAsync("sqlite");

    [Fact]
    public Task Outbox_rows_on_postgresql_are_delivered_once_acknowledged_and_the_invalid_one_is_in_the_feedback() => OutboxRoundTripAsync("postgresql");

    [Fact]
    public Task Outbox_rows_on_mariadb_are_delivered_once_acknowledged_and_the_invalid_one_is_in_the_feedback() => OutboxRoundTripAsync("mysql");

    private async Task OutboxRoundTripAsync(string provider)
    {
        await using var db = await SourceDatabase.CreateAsync(provider, output);
        if (db is null)
        {
            return;
        }

        await db.ExecuteAsync($"CREATE TABLE penalty_outbox (id BIGINT PRIMARY KEY, acked_at {db.TimeType} NULL, {SourceDatabase.PenaltyColumnsDdl})");
        await using (var connection = await db.OpenAsync())
        {
            for (var n = 1; n <= 5; n++)
            {
                await SourceDatabase.InsertPenaltyAsync(connection, null, "penalty_outbox", n, new Dictionary<string, object?> { ["id"] = (long)(100 + n) },
                    n == 4 ? r => r["CF_XDR_SHXYM"] = InvalidUscc : null);
            }
        }

        var (app, rig, source) = await StartAsync(Outbox(db));
        await using (app)
        await using (rig)
        {
            Assert.Equal(5, await source.PollOnceAsync(CancellationToken.None));
            // Not yet answered: a second look does not queue the same rows again.
            Assert.Equal(0, await source.PollOnceAsync(CancellationToken.None));
            Assert.Equal(5, await db.CountAsync("SELECT COUNT(*) FROM penalty_outbox WHERE acked_at IS NULL"));

            await rig.DrainAsync();
            Assert.Equal(4, await PlatformPenalties(app));
            Assert.Equal(0, await db.CountAsync("SELECT COUNT(*) FROM penalty_outbox WHERE acked_at IS NULL"));
            Assert.Equal(0, await source.PollOnceAsync(CancellationToken.None));
            await rig.DrainAsync();
            Assert.Equal(5, RowsSent(rig));

            var feedback = Directory.GetFiles(DatabaseSource.FeedbackDirectory(rig.Options, rig.Options.Databases[0]), "*.csv").Single();
            Assert.Equal("penalties-101-105.json.feedback.csv", Path.GetFileName(feedback));
            var text = await File.ReadAllTextAsync(feedback, Encoding.UTF8);
            Assert.Contains("行键 104", text, StringComparison.Ordinal);
            Assert.Contains("被拒绝", text, StringComparison.Ordinal);
            Assert.DoesNotContain("行键 103", text, StringComparison.Ordinal);

            // A row written later is the next block.
            await using (var connection = await db.OpenAsync())
            {
                await SourceDatabase.InsertPenaltyAsync(connection, null, "penalty_outbox", 6, new Dictionary<string, object?> { ["id"] = 106L });
            }

            Assert.Equal(1, await source.PollOnceAsync(CancellationToken.None));
            await rig.DrainAsync();
            Assert.Equal(5, await PlatformPenalties(app));
            Assert.Equal(6, RowsSent(rig));
        }
    }

    [Fact]
    public async Task Outbox_without_an_acknowledgement_column_deletes_the_answered_rows()
    {
        await using var db = (await SourceDatabase.CreateAsync("sqlite", output))!;
        await db.ExecuteAsync($"CREATE TABLE penalty_outbox (id INTEGER PRIMARY KEY, {SourceDatabase.PenaltyColumnsDdl})");
        await using (var connection = await db.OpenAsync())
        {
            for (var n = 1; n <= 3; n++)
            {
                await SourceDatabase.InsertPenaltyAsync(connection, null, "penalty_outbox", n, new Dictionary<string, object?> { ["id"] = (long)n });
            }
        }

        var options = Outbox(db);
        options.AckColumn = null;
        var (app, rig, source) = await StartAsync(options);
        await using (app)
        await using (rig)
        {
            Assert.Equal(3, await source.PollOnceAsync(CancellationToken.None));
            Assert.Equal(3, await db.CountAsync("SELECT COUNT(*) FROM penalty_outbox"));
            await rig.DrainAsync();
            Assert.Equal(0, await db.CountAsync("SELECT COUNT(*) FROM penalty_outbox"));
            Assert.Equal(3, await PlatformPenalties(app));
        }
    }

    /// <summary>
    /// T1 takes its sequence value first and commits last: a plain "greater than the last mark" would skip its row for
    /// ever (kafka-connect-jdbc#27). The overlapping re-read finds it; the seen table keeps T2's row from going twice.
    /// </summary>
    [Fact]
    public async Task Watermark_on_a_sequence_misses_no_row_that_commits_out_of_order_and_sends_none_twice()
    {
        await using var db = await SourceDatabase.CreateAsync("postgresql", output);
        if (db is null)
        {
            return;
        }

        await db.ExecuteAsync($"CREATE TABLE penalties (id BIGSERIAL PRIMARY KEY, {SourceDatabase.PenaltyColumnsDdl})");
        var (app, rig, source) = await StartAsync(new DatabaseSourceOptions
        {
            Name = "penalties",
            Provider = db.Provider,
            ConnectionString = db.ConnectionString,
            Category = "XZCF",
            Mode = "watermark",
            Table = "penalties",
            KeyColumn = "id",
            MarkColumn = "id",
            Overlap = 100,
        });
        await using (app)
        await using (rig)
        {
            await using var t1Connection = await db.OpenAsync();
            await using var t1 = await t1Connection.BeginTransactionAsync();
            // T1 takes id 1 and holds it.
            await SourceDatabase.InsertPenaltyAsync(t1Connection, t1, "penalties", 1, new Dictionary<string, object?>());
            await using (var t2Connection = await db.OpenAsync())
            {
                await SourceDatabase.InsertPenaltyAsync(t2Connection, null, "penalties", 2, new Dictionary<string, object?>());
            }

            Assert.Equal(1, await source.PollOnceAsync(CancellationToken.None));
            await rig.DrainAsync();
            Assert.Equal(1, await PlatformPenalties(app));
            Assert.Equal("n:2", rig.Store.GetState("mark:db:penalties"));

            await t1.CommitAsync();
            Assert.Equal(1, await source.PollOnceAsync(CancellationToken.None));
            await rig.DrainAsync();
            Assert.Equal(0, await source.PollOnceAsync(CancellationToken.None));
            Assert.Equal(2, await PlatformPenalties(app));
            Assert.Equal(2, RowsSent(rig));
        }
    }

    [Fact]
    public async Task Watermark_on_an_update_time_leaves_rows_younger_than_the_lag_and_moves_the_mark_only_after_the_answer()
    {
        await using var db = await SourceDatabase.CreateAsync("postgresql", output);
        if (db is null)
        {
            return;
        }

        await db.ExecuteAsync($"CREATE TABLE penalties (id BIGINT PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now(), {SourceDatabase.PenaltyColumnsDdl})");
        await using (var connection = await db.OpenAsync())
        {
            await SourceDatabase.InsertPenaltyAsync(connection, null, "penalties", 1, new Dictionary<string, object?> { ["id"] = 1L });
            await SourceDatabase.InsertPenaltyAsync(connection, null, "penalties", 2, new Dictionary<string, object?> { ["id"] = 2L });
        }

        // Row 1 changed ten minutes ago, row 2 just now (its transaction may not be the last to commit at that time).
        await db.ExecuteAsync("UPDATE penalties SET updated_at = now() - interval '10 minutes' WHERE id = 1");
        await db.ExecuteAsync("UPDATE penalties SET updated_at = now() WHERE id = 2");
        var (app, rig, source) = await StartAsync(new DatabaseSourceOptions
        {
            Name = "penalties",
            Provider = db.Provider,
            ConnectionString = db.ConnectionString,
            Category = "XZCF",
            Mode = "watermark",
            Table = "penalties",
            KeyColumn = "id",
            MarkColumn = "updated_at",
            LagSeconds = 60,
            Overlap = 300,
        });
        await using (app)
        await using (rig)
        {
            Assert.Equal(1, await source.PollOnceAsync(CancellationToken.None));
            Assert.Null(rig.Store.GetState("mark:db:penalties"));
            Assert.Equal(0, await source.PollOnceAsync(CancellationToken.None));
            await rig.DrainAsync();
            Assert.NotNull(rig.Store.GetState("mark:db:penalties"));
            Assert.Equal(1, await PlatformPenalties(app));

            // Time passes for row 2 (its change is now older than the lag).
            await db.ExecuteAsync("UPDATE penalties SET updated_at = now() - interval '2 minutes' WHERE id = 2");
            Assert.Equal(1, await source.PollOnceAsync(CancellationToken.None));
            await rig.DrainAsync();
            Assert.Equal(2, await PlatformPenalties(app));
            Assert.Equal(0, await source.PollOnceAsync(CancellationToken.None));
            Assert.Equal(2, RowsSent(rig));
        }
    }

    [Fact]
    public async Task A_column_that_disappears_stops_the_reading_with_a_chinese_message_and_loses_nothing_queued()
    {
        await using var db = (await SourceDatabase.CreateAsync("sqlite", output))!;
        await db.ExecuteAsync($"CREATE TABLE penalty_outbox (id INTEGER PRIMARY KEY, acked_at TEXT NULL, {SourceDatabase.PenaltyColumnsDdl})");
        await using (var connection = await db.OpenAsync())
        {
            await SourceDatabase.InsertPenaltyAsync(connection, null, "penalty_outbox", 1, new Dictionary<string, object?> { ["id"] = 1L });
        }

        var (app, rig, source) = await StartAsync(Outbox(db));
        await using (app)
        await using (rig)
        {
            Assert.Equal(1, await source.PollOnceAsync(CancellationToken.None));
            await db.ExecuteAsync("ALTER TABLE penalty_outbox DROP COLUMN CF_FRDB");
            await using (var connection = await db.OpenAsync())
            {
                await SourceDatabase.InsertPenaltyAsync(connection, null, "penalty_outbox", 2, new Dictionary<string, object?> { ["id"] = 2L }, r => r.Remove("CF_FRDB"));
            }

            Assert.Equal(0, await source.PollOnceAsync(CancellationToken.None));
            var alarm = rig.Get<GatewayStatus>().Alarms["db:penalties"];
            Assert.Contains("缺少列", alarm, StringComparison.Ordinal);
            Assert.Contains("cf_frdb", alarm, StringComparison.OrdinalIgnoreCase);

            // What was queued before still goes, and is acknowledged.
            await rig.DrainAsync();
            Assert.Equal(1, await PlatformPenalties(app));
            Assert.Equal(1, await db.CountAsync("SELECT COUNT(*) FROM penalty_outbox WHERE acked_at IS NOT NULL"));

            // A configured acknowledgement column that disappears: the database's own error, said in Chinese.
            await db.ExecuteAsync("ALTER TABLE penalty_outbox DROP COLUMN acked_at");
            Assert.Equal(0, await source.PollOnceAsync(CancellationToken.None));
            Assert.Contains("读取失败", rig.Get<GatewayStatus>().Alarms["db:penalties"], StringComparison.Ordinal);
            Assert.Contains("表中缺少配置的列", rig.Get<GatewayStatus>().Alarms["db:penalties"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_wrong_password_is_said_in_chinese_and_tried_again()
    {
        await using var db = await SourceDatabase.CreateAsync("postgresql", output);
        if (db is null)
        {
            return;
        }

        var options = Outbox(db);
        options.ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = "nobody", Password = "wrong" }.ConnectionString;
        var (app, rig, source) = await StartAsync(options);
        await using (app)
        await using (rig)
        {
            Assert.Equal(0, await source.PollOnceAsync(CancellationToken.None));
            var alarm = rig.Get<GatewayStatus>().Alarms["db:penalties"];
            Assert.Contains("数据库来源“penalties”读取失败", alarm, StringComparison.Ordinal);
            Assert.Contains("重试", alarm, StringComparison.Ordinal);
        }
    }
}
