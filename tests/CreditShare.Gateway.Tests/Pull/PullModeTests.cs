using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Gateway.Databases;
using CreditShare.Gateway.Operations;
using CreditShare.Gateway.Pull;
using CreditShare.Web.Features.Sharing;
using CreditShare.Web.Tests;
using CreditShare.Web.Tests.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CreditShare.Gateway.Tests.Pull;

/// <summary>Pull mode on a local SQLite copy.</summary>
public sealed class PullModeSqliteTests(SharingApp app) : PullModeScenario(app), IClassFixture<SharingApp>
{
    [Fact]
    public Task The_local_SQLite_copy_equals_the_granted_data_after_corrections_withdrawals_expiries_grant_changes_and_kills() =>
        RunAsync(credentials => Task.FromResult(new PullOptions
        {
            Purpose = "行政许可审查",
            Provider = "sqlite",
            ConnectionString = $"Data Source={Path.Combine(credentials.Directory, "shared-copy.db")}",
            JsonDirectory = Path.Combine(credentials.Directory, "shared-json"),
        }));
}

/// <summary>
/// The failures an operator must be told about, on a platform of their own (the scenario moves the platform's clock a
/// day on, and certificates issued after that are not yet valid for the TLS handshake).
/// </summary>
public sealed class PullModeFailureTests(SharingApp app) : PullModeScenario(app), IClassFixture<SharingApp>
{
    [Fact]
    public async Task A_unit_that_is_not_a_data_user_gets_a_clear_alarm_and_its_cursor_does_not_move()
    {
        var credentials = await GatewayRig.IssueAsync(App, "source");
        var pull = SqliteCopy(credentials);
        await using var rig = GatewayRig.Build(credentials, With(credentials, pull));
        var worker = rig.Get<PullWorker>();
        var wait = await worker.RunOnceAsync(CancellationToken.None);
        var alarm = rig.Get<GatewayStatus>().Alarms[PullWorker.AlarmKey];
        Assert.Contains("不是数据使用单位", alarm, StringComparison.Ordinal);
        Assert.Contains("403", alarm, StringComparison.Ordinal);
        Assert.False((await worker.Copy.ReadCursorAsync(CancellationToken.None)).Exists);
        // Backoff grows from one failure to the next.
        var later = await worker.RunOnceAsync(CancellationToken.None);
        Assert.True(later > wait * 1.3, $"{later} after {wait}");
    }

    [Fact]
    public async Task An_unreachable_platform_or_local_database_is_reported_in_Chinese_and_nothing_is_applied()
    {
        var credentials = await GatewayRig.IssueAsync(App, "user");
        var options = With(credentials, SqliteCopy(credentials));
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        options.Platform.Url = $"https://127.0.0.1:{port}/";
        await using (var rig = GatewayRig.Build(credentials, options))
        {
            // The HTTP client's own short retries wait on the gateway's clock: move it along until the poll gives up.
            var poll = rig.Get<PullWorker>().RunOnceAsync(CancellationToken.None);
            while (!poll.IsCompleted)
            {
                rig.Clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(20);
            }

            await poll;
            Assert.Contains("无法连接平台", rig.Get<GatewayStatus>().Alarms[PullWorker.AlarmKey], StringComparison.Ordinal);
        }

        var broken = With(credentials, SqliteCopy(credentials));
        broken.Pull!.ConnectionString = $"Data Source={Path.Combine(credentials.Directory, "no-such-folder", "copy.db")}";
        await using (var rig = GatewayRig.Build(credentials, broken))
        {
            await rig.Get<PullWorker>().RunOnceAsync(CancellationToken.None);
            Assert.Contains("本地共享副本数据库（sqlite）出错", rig.Get<GatewayStatus>().Alarms[PullWorker.AlarmKey], StringComparison.Ordinal);
        }

        // Once it works the alarm goes away.
        await using (var rig = GatewayRig.Build(credentials, With(credentials, SqliteCopy(credentials))))
        {
            rig.Get<GatewayStatus>().Raise(PullWorker.AlarmKey, "之前的错误");
            Assert.Equal(TimeSpan.FromSeconds(30), await rig.Get<PullWorker>().RunOnceAsync(CancellationToken.None));
            Assert.False(rig.Get<GatewayStatus>().Alarms.ContainsKey(PullWorker.AlarmKey));
        }
    }

    private static PullOptions SqliteCopy(Credentials credentials) => new()
    {
        Purpose = "行政许可审查",
        Provider = "sqlite",
        ConnectionString = $"Data Source={Path.Combine(credentials.Directory, "copy-" + Guid.NewGuid().ToString("N") + ".db")}",
    };
}

/// <summary>Pull mode on a local PostgreSQL copy (a database of its own on the test cluster; skipped without CREDITSHARE_TEST_POSTGRES).</summary>
public sealed class PullModePostgresTests(SharingApp app) : PullModeScenario(app), IClassFixture<SharingApp>
{
    [Fact]
    public async Task The_local_PostgreSQL_copy_equals_the_granted_data_after_corrections_withdrawals_expiries_grant_changes_and_kills()
    {
        var server = Environment.GetEnvironmentVariable("CREDITSHARE_TEST_POSTGRES");
        if (server is null)
        {
            return; // scripts/test sets it; the SQLite copy's test covers the logic meanwhile
        }

        var name = $"cs_pull_{Guid.NewGuid():N}";
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        try
        {
            await RunAsync(credentials => Task.FromResult(new PullOptions
            {
                Purpose = "行政许可审查",
                Provider = "postgresql",
                ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString,
                JsonDirectory = Path.Combine(credentials.Directory, "shared-json"),
            }));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The issue's pull-mode run: records created, corrected, withdrawn and expired, grants that grow and shrink, two kills of the gateway.</summary>
public abstract class PullModeScenario(SharingApp app)
{
    private static readonly string[] FirstFields = ["CF_XDR_MC", "CF_XDR_SHXYM", "CF_WSH", "CF_CFLB", "CF_JDRQ"];
    private static readonly string[] SecondFields = ["CF_XDR_MC", "CF_WSH", "CF_NR"];

    protected SharingApp App => app;

    protected GatewayOptions With(Credentials credentials, PullOptions pull)
    {
        var options = GatewayRig.OptionsFor(credentials, app.BaseAddress);
        options.Pull = pull;
        return options;
    }

    private sealed class SimulatedKill : Exception;

    protected async Task RunAsync(Func<Credentials, Task<PullOptions>> localStore)
    {
        var first = await app.GrantAsync("user", "XZCF", FirstFields);
        var today = app.Today;
        var companies = Enumerable.Range(0, 4).Select(_ => TestRecords.Company(TestRecords.Next())).ToList();
        var records = Enumerable.Range(0, 24).Select(i => TestRecords.Penalty(TestRecords.Next(), companies[i % 4])).ToList();
        foreach (var expiring in records.Take(2))
        {
            // Shared until today: expired tomorrow.
            var decided = today.AddDays(1).AddMonths(-60);
            expiring["CF_JDRQ"] = decided.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            expiring["CF_YXQ"] = decided.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        var ids = await app.ReportAsync("source", "XZCF", [.. records]);

        var credentials = await GatewayRig.IssueAsync(app, "user");
        var options = GatewayRig.OptionsFor(credentials, app.BaseAddress);
        options.Pull = await localStore(credentials);

        // Two pages, then the gateway dies inside the third page's transaction.
        var rig = GatewayRig.Build(credentials, options);
        var worker = rig.Get<PullWorker>();
        worker.PageSize = 5;
        var applied = (await worker.PullPageAsync(CancellationToken.None)).Applied + (await worker.PullPageAsync(CancellationToken.None)).Applied;
        var cursor = await worker.Copy.ReadCursorAsync(CancellationToken.None);
        worker.BeforeCommit = _ => throw new SimulatedKill();
        await Assert.ThrowsAsync<SimulatedKill>(() => worker.PullPageAsync(CancellationToken.None));
        await rig.DisposeAsync();
        var afterKill = await new LocalCopy(options.Pull).ReadCursorAsync(CancellationToken.None);
        Assert.Equal((cursor.Position, cursor.Round, cursor.Grants.ToJson()), (afterKill.Position, afterKill.Round, afterKill.Grants.ToJson()));

        // A new gateway on the same directory and database resumes where the committed pages ended.
        rig = GatewayRig.Build(credentials, options);
        worker = rig.Get<PullWorker>();
        worker.PageSize = 5;
        applied += await worker.PullOnceAsync(CancellationToken.None);
        Assert.Equal(await FeedLengthAsync(), applied);
        await AssertCopyEqualsGrantedAsync(options.Pull);

        // Corrections, withdrawals, and two records whose sharing period ends.
        foreach (var corrected in records.Skip(4).Take(4))
        {
            corrected["CF_CFLB"] = "警告";
            corrected["CF_NR"] = "警告";
        }

        await app.ReportAsync("source", "XZCF", [.. records.Skip(4).Take(4)]);
        using (var source = app.Unit("source"))
        {
            foreach (var withdrawn in records.Skip(8).Take(3))
            {
                var response = await source.PostAsJsonAsync("/api/v1/reports/XZCF/withdrawals", new WithdrawRequest(withdrawn["CF_WSH"], "决定已被撤销"));
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            }
        }

        app.Clock.Advance(TimeSpan.FromDays(1));
        await app.Services.GetRequiredService<ExpiryAnnouncer>().AnnounceAsync();
        await app.FeedReachesAsync(ids);
        var expiredJson = JsonPath(options.Pull, ids[0]);
        Assert.True(expiredJson is null || File.Exists(expiredJson));

        // Killed again between pages (the rig is thrown away, not stopped), then resumed.
        worker.PageSize = 3;
        await worker.PullPageAsync(CancellationToken.None);
        await rig.DisposeAsync();
        rig = GatewayRig.Build(credentials, options);
        rig.Get<PullWorker>().PageSize = 3;
        await rig.Get<PullWorker>().PullOnceAsync(CancellationToken.None);
        await AssertCopyEqualsGrantedAsync(options.Pull);
        Assert.True(expiredJson is null || !File.Exists(expiredJson));

        // A grant that adds a field: the column appears and is filled for records that did not change.
        var second = await app.GrantAsync("user", "XZCF", SecondFields);
        await rig.Get<PullWorker>().PullOnceAsync(CancellationToken.None);
        await AssertCopyEqualsGrantedAsync(options.Pull);
        Assert.Contains("CF_NR", (await LocalRowsAsync(options.Pull)).Values.SelectMany(f => f.Fields.Keys));

        // The first grant revoked: its fields leave the local copy; then the last one, and nothing is left.
        await RevokeAsync(first.Id);
        await rig.Get<PullWorker>().PullOnceAsync(CancellationToken.None);
        await AssertCopyEqualsGrantedAsync(options.Pull);
        Assert.DoesNotContain("CF_CFLB", (await LocalRowsAsync(options.Pull)).Values.SelectMany(f => f.Fields.Keys));
        await RevokeAsync(second.Id);
        await rig.Get<PullWorker>().RunOnceAsync(CancellationToken.None);
        Assert.Empty(await LocalRowsAsync(options.Pull));
        Assert.Contains("没有在有效期内的共享授权", rig.Get<GatewayStatus>().Alarms[PullWorker.NoGrantAlarmKey], StringComparison.Ordinal);
        if (options.Pull.JsonDirectory is { } json)
        {
            Assert.Empty(Directory.Exists(json) ? Directory.GetFiles(json, "*.json", SearchOption.AllDirectories) : []);
        }

        await rig.DisposeAsync();
    }

    private async Task RevokeAsync(long grantId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var revoked = await scope.ServiceProvider.GetRequiredService<Grants>().RevokeAsync(SharingApp.Staff("center-reviewer", StaffRoles.Reviewer), grantId, "测试撤销");
        Assert.True(revoked.IsOk, revoked.Message);
    }

    /// <summary>How many entries the unit's feed carries from its start: each one must be applied exactly once.</summary>
    private async Task<int> FeedLengthAsync()
    {
        using var user = app.Unit("user");
        var count = 0;
        string? after = null;
        while (true)
        {
            var page = (await user.GetFromJsonAsync<ChangePage>($"/api/v1/shared/changes?purpose={Uri.EscapeDataString("行政许可审查")}&limit=1000"
                + (after is null ? "" : "&after=" + after), WireJson.Options))!;
            count += page.Changes.Count;
            after = page.Next;
            if (!page.HasMore)
            {
                return count;
            }
        }
    }

    /// <summary>The local table (and JSON files) against what the platform shares with the unit, subject by subject.</summary>
    private async Task AssertCopyEqualsGrantedAsync(PullOptions pull)
    {
        var codes = await app.WithDbAsync(db => db.Subjects.Where(s => s.Uscc != null).Select(s => s.Uscc!).ToListAsync());
        using var user = app.Unit("user");
        var expected = new List<string>();
        foreach (var code in codes)
        {
            var response = await user.GetAsync($"/api/v1/shared/subjects/{code}?purpose={Uri.EscapeDataString("行政许可审查")}");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                continue;
            }

            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var subject = (await response.Content.ReadFromJsonAsync<SharedSubject>(WireJson.Options))!;
            expected.AddRange(subject.Records.Where(r => r.Category == "XZCF").Select(r => Line(r.Id, code, r.Version, r.Fields)));
        }

        var rows = await LocalRowsAsync(pull);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Values.Select(r => Line(r.Id, r.Subject, r.Version, r.Fields)).Order(StringComparer.Ordinal));
        if (pull.JsonDirectory is { } json)
        {
            var files = Directory.GetFiles(Path.Combine(json, "XZCF"), "*.json").Select(f => JsonSerializer.Deserialize<SharedChange>(File.ReadAllText(f), WireJson.Options)!);
            Assert.Equal(expected.Order(StringComparer.Ordinal), files.Select(c => Line(c.RecordId, c.SubjectCode, c.Version, c.Record!.Fields)).Order(StringComparer.Ordinal));
        }
    }

    private static string? JsonPath(PullOptions pull, long id) =>
        pull.JsonDirectory is { } json ? Path.Combine(json, "XZCF", id.ToString(CultureInfo.InvariantCulture) + ".json") : null;

    private static string Line(long id, string? subject, int version, IReadOnlyDictionary<string, string> fields) =>
        $"{id}|{subject}|{version}|{string.Join(";", fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value))}";

    private sealed record LocalRow(long Id, string? Subject, int Version, Dictionary<string, string> Fields);

    private static async Task<Dictionary<long, LocalRow>> LocalRowsAsync(PullOptions pull)
    {
        await using var connection = await DbProviders.OpenAsync(pull.Provider, pull.ConnectionString, CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM cs_xzcf";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<long, LocalRow>();
        while (await reader.ReadAsync())
        {
            var fields = new Dictionary<string, string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (!LocalCopy.FixedColumns.Contains(reader.GetName(i)) && !reader.IsDBNull(i))
                {
                    fields[reader.GetName(i).ToUpperInvariant()] = reader.GetString(i);
                }
            }

            var id = Convert.ToInt64(reader["record_id"], CultureInfo.InvariantCulture);
            rows[id] = new LocalRow(id, reader["subject_code"] as string, Convert.ToInt32(reader["version"], CultureInfo.InvariantCulture), fields);
        }

        return rows;
    }
}
