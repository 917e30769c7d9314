using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Sharing;

/// <summary>The sharing API over real mutual TLS: grants decide categories and fields, the sharing period decides records.</summary>
public class SharingApiTests(SharingApp app) : IClassFixture<SharingApp>, IAsyncLifetime
{
    private static readonly string[] GrantedFields = ["CF_XDR_MC", "CF_XDR_SHXYM", "CF_WSH", "CF_CFLB", "CF_JDRQ", "CF_XDR_ZJHM"];

    public async Task InitializeAsync()
    {
        if (!await app.WithDbAsync(db => db.SharingGrants.AnyAsync(g => g.UnitId == app.UnitIds["user"])))
        {
            await app.GrantAsync("user", "XZCF", GrantedFields);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<string> TextAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {text}");
        return text;
    }

    private static async Task<T> JsonAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK) =>
        JsonSerializer.Deserialize<T>(await TextAsync(response, expected), JsonSerializerOptions.Web)!;

    private static Task<ApiProblem> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected) => JsonAsync<ApiProblem>(response, expected);

    private static string Purpose => Uri.EscapeDataString("行政许可审查");

    [Fact]
    public async Task A_subject_query_returns_only_granted_categories_fields_and_records_in_their_sharing_period()
    {
        var n = TestRecords.Next();
        var company = TestRecords.Company(n);
        var today = app.Today;
        var inPeriod = TestRecords.Penalty(n, company);
        var lastDay = TestRecords.Penalty(TestRecords.Next(), company);
        var decided = today.AddDays(1).AddMonths(-60);
        lastDay["CF_JDRQ"] = decided.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        lastDay["CF_YXQ"] = decided.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var expired = TestRecords.Penalty(TestRecords.Next(), company);
        expired["CF_JDRQ"] = today.AddMonths(-60).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        expired["CF_YXQ"] = today.AddMonths(-48).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ids = await app.ReportAsync("source", "XZCF", inPeriod, lastDay, expired);
        var stored = await app.WithDbAsync(db => db.CreditRecords.Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.SharingEnd));
        Assert.Equal((today, today.AddDays(-1)), (stored[ids[1]], stored[ids[2]]));

        using var user = app.Unit("user");
        var raw = await TextAsync(await user.GetAsync($"/api/v1/shared/subjects/{company}?purpose={Purpose}"));
        var subject = JsonSerializer.Deserialize<SharedSubject>(raw, JsonSerializerOptions.Web)!;
        var records = subject.Records;
        Assert.Equal(ids[..2].Order(), records.Select(r => r.Id).Order());
        foreach (var record in records)
        {
            var fields = record.Fields.Keys.ToList();
            Assert.All(fields, f => Assert.Contains(f, GrantedFields));
            Assert.Contains("CF_WSH", fields);
            Assert.DoesNotContain("CF_FRDB", fields);
            Assert.DoesNotContain("CF_SY", fields);
        }

        Assert.DoesNotContain("张三", raw);
        Assert.DoesNotContain(inPeriod["CF_SY"]!, raw);

        // The handing-out is audited with the record ids, the purpose and the certificate.
        var accessed = await app.WithDbAsync(db => db.SharedRecordAccesses.Where(a => a.UnitId == app.UnitIds["user"] && ids.Contains(a.RecordId)).ToListAsync());
        Assert.Equal(ids[..2].Order(), accessed.Select(a => a.RecordId).Order());
        var entry = await app.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Sequence == accessed[0].AuditSequence));
        Assert.Equal(((int)AuditEvent.Data_SharedSubject, "行政许可审查"), (entry.EventCode, entry.Purpose));
        Assert.Contains("cert=", entry.Detail);
        Assert.Contains("records=2", entry.Detail);
    }

    [Fact]
    public async Task A_natural_person_is_found_by_ID_number_through_the_keyed_hash_and_granted_personal_fields_come_in_full()
    {
        var id = TestRecords.IdNumber(TestRecords.Next());
        var ids = await app.ReportAsync("source", "XZCF", TestRecords.PersonPenalty(TestRecords.Next(), id));
        Assert.DoesNotContain(id, await app.WithDbAsync(db => db.CreditRecords.Where(r => r.Id == ids[0]).Select(r => r.DataJson).SingleAsync()));

        using var user = app.Unit("user");
        var subject = await JsonAsync<SharedSubject>(await user.GetAsync($"/api/v1/shared/subjects/{id}?purpose={Purpose}"));
        var record = Assert.Single(subject.Records);
        Assert.Equal(id, record.Fields["CF_XDR_ZJHM"]);
    }

    [Fact]
    public async Task A_credit_agency_gets_no_natural_person_through_a_grant_neither_by_ID_number_nor_in_the_feed()
    {
        var key = $"agency{Guid.NewGuid():N}";
        using var agency = await app.NewUnitAsync(key, "测试征信服务有限公司", ["credit_agency"]);
        await app.GrantAsync(key, "XZCF", ["CF_XDR_MC", "CF_WSH", "CF_CFLB"]);
        var id = TestRecords.IdNumber(TestRecords.Next());
        var company = TestRecords.Company(TestRecords.Next());
        var person = (await app.ReportAsync("source", "XZCF", TestRecords.PersonPenalty(TestRecords.Next(), id)))[0];
        var firm = (await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next(), company)))[0];

        var refused = await ProblemAsync(await agency.GetAsync($"/api/v1/shared/subjects/{id}?purpose={Purpose}"), HttpStatusCode.Forbidden);
        Assert.Equal("sharing.natural_person_consent_required", refused.Code);
        Assert.Single((await JsonAsync<SharedSubject>(await agency.GetAsync($"/api/v1/shared/subjects/{company}?purpose={Purpose}"))).Records);
        var (changes, _) = await DrainAsync(agency, null);
        var seen = changes.Select(c => c.RecordId).ToList();
        Assert.Contains(firm, seen);
        Assert.DoesNotContain(person, seen);
    }

    [Fact]
    public async Task A_call_without_purpose_or_from_a_unit_without_grants_gets_nothing_and_is_audited()
    {
        var company = TestRecords.Company(TestRecords.Next());
        await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next(), company));
        using var user = app.Unit("user");
        foreach (var path in new[] { $"/api/v1/shared/subjects/{company}", "/api/v1/shared/changes", $"/api/v1/shared/subjects/{company}?purpose=%20" })
        {
            var text = await TextAsync(await user.GetAsync(path), HttpStatusCode.BadRequest);
            Assert.Equal("sharing.purpose_required", JsonSerializer.Deserialize<ApiProblem>(text, JsonSerializerOptions.Web)!.Errors[0].Code);
            Assert.False(JsonDocument.Parse(text).RootElement.TryGetProperty("records", out _));
        }

        using var agency = await app.NewUnitAsync($"agency{Guid.NewGuid():N}", "测试信用服务机构", ["credit_agency"]);
        var noGrant = await ProblemAsync(await agency.GetAsync($"/api/v1/shared/subjects/{company}?purpose={Purpose}"), HttpStatusCode.Forbidden);
        Assert.Equal("sharing.no_grant", noGrant.Code);
        using var source = app.Unit("source2");
        var notUser = await ProblemAsync(await source.GetAsync($"/api/v1/shared/changes?purpose={Purpose}"), HttpStatusCode.Forbidden);
        Assert.Equal("sharing.not_data_user", notUser.Code);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.EventCode == (int)AuditEvent.Data_SharingRefused && e.Detail == "sharing.purpose_required")));
    }

    [Fact]
    public async Task A_forged_cursor_or_another_units_cursor_is_refused()
    {
        using var user = app.Unit("user");
        var page = await JsonAsync<ChangePage>(await user.GetAsync($"/api/v1/shared/changes?purpose={Purpose}&limit=1"));
        var next = page.Next;
        var parts = next.Split('-');

        var forged = string.Join('-', parts[0], parts[1], (long.Parse(parts[2], CultureInfo.InvariantCulture) + 5).ToString(CultureInfo.InvariantCulture), parts[3]);
        var other = string.Join('-', app.UnitIds["bank"], parts[1], parts[2], parts[3]);
        foreach (var (cursor, code) in new[] { (forged, "cursor.forged"), (other, "cursor.other_unit"), ("abc", "cursor.malformed") })
        {
            var problem = await ProblemAsync(await user.GetAsync($"/api/v1/shared/changes?purpose={Purpose}&after={cursor}"), HttpStatusCode.BadRequest);
            Assert.Equal(code, problem.Errors[0].Code);
        }

        // The bank's own cursor is no good for the user unit either, even untouched.
        await app.GrantAsync("bank", "XZXK", ["XK_XDR_MC", "XK_WSH"]);
        using var bank = app.Unit("bank");
        var bankCursor = (await JsonAsync<ChangePage>(await bank.GetAsync($"/api/v1/shared/changes?purpose={Purpose}&limit=1"))).Next;
        var refused = await ProblemAsync(await user.GetAsync($"/api/v1/shared/changes?purpose={Purpose}&after={bankCursor}"), HttpStatusCode.BadRequest);
        Assert.Equal("cursor.other_unit", refused.Errors[0].Code);
    }

    [Fact]
    public async Task The_change_feed_carries_creations_corrections_withdrawals_and_expiries_with_granted_fields_only()
    {
        using var user = app.Unit("user");
        var start = await DrainAsync(user, null);

        var company = TestRecords.Company(TestRecords.Next());
        var record = TestRecords.Penalty(TestRecords.Next(), company);
        var expired = TestRecords.Penalty(TestRecords.Next(), company);
        expired["CF_JDRQ"] = app.Today.AddMonths(-61).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        expired["CF_YXQ"] = app.Today.AddMonths(-50).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ids = await app.ReportAsync("source", "XZCF", record, expired);
        // A category the unit has no grant for never appears.
        var licence = await app.ReportAsync("source", "XZXK", TestRecords.Licence(TestRecords.Next(), company));
        record["CF_NR"] = "警告并处罚款3万元";
        await app.ReportAsync("source", "XZCF", record);
        var (changes, _) = await DrainAsync(user, start.Next);
        Assert.DoesNotContain(changes, c => c.RecordId == licence[0]);
        var mine = changes.Where(c => ids.Contains(c.RecordId)).ToList();
        Assert.Equal([(ids[1], "expired"), (ids[0], "corrected")], mine.Select(c => (c.RecordId, c.Change)));
        Assert.Null(mine[0].Record);
        Assert.NotEmpty(mine[1].Record!.Fields);
        Assert.All(mine[1].Record!.Fields.Keys, f => Assert.Contains(f, GrantedFields));
        Assert.Equal(company, mine[1].SubjectCode);

        using var source = app.Unit("source");
        var withdrawn = await source.PostAsJsonAsync("/api/v1/reports/XZCF/withdrawals", new WithdrawRequest(record["CF_WSH"], "决定已被撤销"));
        Assert.True(withdrawn.IsSuccessStatusCode, await withdrawn.Content.ReadAsStringAsync());
        await app.FeedReachesAsync([ids[0]]);
        var (all, end) = await DrainAsync(user, start.Next);
        Assert.Empty((await DrainAsync(user, end)).Changes);
        var last = Assert.Single(all, c => c.RecordId == ids[0]);
        Assert.Equal("withdrawn", last.Change);
    }

    [Fact]
    public async Task Grants_beyond_the_catalog_or_the_unit_type_and_self_approval_are_refused()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var grants = scope.ServiceProvider.GetRequiredService<Grants>();
        var querier = SharingApp.Staff("q1", StaffRoles.Querier);
        var today = app.Today;

        // CF_XDR_ZJHM is shared with government only: a bank cannot have it; CF_XYZ is not in the category.
        var bank = await grants.RequestAsync(querier, new GrantInput(app.UnitIds["bank"], "XZCF", ["CF_XDR_MC", "CF_XDR_ZJHM", "CF_XYZ"], "贷款审查", today, today.AddMonths(6)));
        Assert.Equal(["grant.field_beyond_unit_type", "grant.field_unknown"], bank.Errors.Select(e => e.Code).Order());
        var tooLong = await grants.RequestAsync(querier, new GrantInput(app.UnitIds["bank"], "XZCF", ["CF_XDR_MC"], "贷款审查", today, today.AddMonths(13)));
        Assert.Equal("grant.period_too_long", Assert.Single(tooLong.Errors).Code);
        var notUser = await grants.RequestAsync(querier, new GrantInput(app.UnitIds["source2"], "XZCF", ["CF_XDR_MC"], "核查", today, today.AddMonths(1)));
        Assert.Contains(notUser.Errors, e => e.Code == "grant.not_data_user");
        var noPurpose = await grants.RequestAsync(querier, new GrantInput(app.UnitIds["user"], "XZCF", ["CF_XDR_MC"], " ", today, today.AddMonths(1)));
        Assert.Equal("grant.purpose_required", Assert.Single(noPurpose.Errors).Code);

        // A reviewer asks; the same reviewer cannot approve; a querier cannot approve at all; another reviewer can.
        var reviewer = SharingApp.Staff("r1", StaffRoles.Reviewer);
        var asked = await grants.RequestAsync(reviewer, new GrantInput(app.UnitIds["user"], "XZXK", ["XK_XDR_MC"], "核查", today, today.AddMonths(1)));
        Assert.True(asked.IsOk);
        Assert.Equal("grant.self_review", (await grants.ReviewAsync(reviewer, asked.Value!.Id, true, null)).Code);
        Assert.Equal("grant.reviewer_required", (await grants.ReviewAsync(querier, asked.Value.Id, true, null)).Code);
        Assert.Equal(GrantStatus.Pending, await app.WithDbAsync(db => db.SharingGrants.Where(g => g.Id == asked.Value.Id).Select(g => g.Status).SingleAsync()));
        Assert.Equal("grant.reason_required", Assert.Single((await grants.ReviewAsync(SharingApp.Staff("r2", StaffRoles.Reviewer), asked.Value.Id, false, "")).Errors).Code);
        Assert.True((await grants.ReviewAsync(SharingApp.Staff("r2", StaffRoles.Reviewer), asked.Value.Id, false, "用途与职责不符")).IsOk);

        // A user unit's querier asks only for the own unit.
        var outsider = SharingApp.Staff("uq", StaffRoles.UserUnitQuerier, app.UnitIds["user"]);
        Assert.Equal("grant.other_unit", (await grants.RequestAsync(outsider, new GrantInput(app.UnitIds["bank"], "XZCF", ["CF_XDR_MC"], "核查", today, today.AddMonths(1)))).Code);
    }

    [Fact]
    public async Task A_field_the_catalog_later_narrows_to_not_shared_stops_flowing_under_an_approved_grant()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<CreditShare.Web.Features.Catalog.CatalogService>();
        var definition = (await catalog.GetAsync("JYYC"))!;
        var field = definition.Fields[^1];
        await app.GrantAsync("user", "JYYC", [field.Code, definition.DocumentNumberField]);
        var share = await scope.ServiceProvider.GetRequiredService<SharedData>().ShareAsync(app.UnitIds["user"]);
        Assert.Contains(field.Code, share.Fields["JYYC"]);

        var narrowed = definition with { Fields = [.. definition.Fields.Select(f => f.Code == field.Code ? f with { Sharing = CreditShare.Core.Catalog.SharingScope.NotShared } : f)] };
        var saved = await catalog.SaveAsync(CreditShareApp.System, narrowed, "测试：收窄共享范围");
        Assert.True(saved.IsOk, string.Join("; ", saved.Errors.Select(e => e.Message)));
        scope.ServiceProvider.GetRequiredService<CreditShare.Web.Features.Catalog.ParsedCatalogVersions>().ForgetCurrent();
        var after = await scope.ServiceProvider.GetRequiredService<SharedData>().ShareAsync(app.UnitIds["user"]);
        Assert.DoesNotContain(field.Code, after.Fields["JYYC"]);
        Assert.Contains(definition.DocumentNumberField, after.Fields["JYYC"]);
    }

    private static async Task<(List<SharedChange> Changes, string Next)> DrainAsync(HttpClient client, string? after)
    {
        var changes = new List<SharedChange>();
        while (true)
        {
            var page = await JsonAsync<ChangePage>(await client.GetAsync($"/api/v1/shared/changes?purpose={Purpose}&limit=500" + (after is null ? "" : $"&after={after}")));
            changes.AddRange(page.Changes);
            after = page.Next;
            if (!page.HasMore)
            {
                return (changes, after);
            }
        }
    }
}
