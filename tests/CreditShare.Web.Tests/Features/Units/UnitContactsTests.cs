using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Units;

/// <summary>Unit contacts are personal data: encrypted at rest, read only by the 系统管理员 and the unit's own staff.</summary>
public class UnitContactsTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private const string Mobile = "13700001234";
    private const string NewMobile = "13700005678";

    private static object Contact(string name, string mobile) => new { name, officePhone = "0951-7770000", mobile, email = "contact@example.cn" };

    /// <summary>A source unit whose responsible person was changed once, so it has a contact history too.</summary>
    private async Task<(int Id, HttpClient Admin)> UnitWithHistoryAsync()
    {
        var admin = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SystemAdmin));
        var uscc = Web.Features.Demo.DemoSeed.MakeUscc("11640100", $"{Serial() % 100_000_000:D8}");
        object Body(string mobile) => new { name = "测试自然资源厅", uscc, regionCode = "640100", roles = new[] { "source" }, responsible = Contact("联络员甲", mobile), leader = Contact("分管领导乙", mobile) };
        var created = await admin.PostAsJsonAsync("/api/v1/units", Body(Mobile));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/units/{id}", Body(NewMobile))).StatusCode);
        return (id, admin);
    }

    private static int Serial() => TestRecords.Next();

    private Task<List<string?>> RawAsync(string sql, int id) =>
        app.WithDbAsync(db => db.Database.SqlQueryRaw<string?>(sql, id).ToListAsync());

    [Fact]
    public async Task A_reporter_of_another_unit_sees_the_unit_without_its_contacts_by_api_and_page()
    {
        var (id, _) = await UnitWithHistoryAsync();
        var reporter = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source"));

        var one = await reporter.GetStringAsync($"/api/v1/units/{id}");
        var unit = JsonDocument.Parse(one).RootElement;
        Assert.Equal("测试自然资源厅", unit.GetProperty("name").GetString());
        Assert.False(unit.GetProperty("contactsVisible").GetBoolean());
        Assert.Equal(JsonValueKind.Null, unit.GetProperty("responsible").ValueKind);
        Assert.Equal(JsonValueKind.Null, unit.GetProperty("leader").ValueKind);
        Assert.DoesNotContain(NewMobile, one);
        Assert.DoesNotContain(NewMobile, await reporter.GetStringAsync("/api/v1/units?q=" + Uri.EscapeDataString("自然资源")));
        var history = await (await reporter.GetAsync($"/api/v1/units/{id}/contact-history")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("unit.contacts_restricted", history.Code);

        var page = await reporter.GetStringAsync($"/Units/Edit?id={id}");
        Assert.Contains("测试自然资源厅", page);
        Assert.Contains("id=\"contacts-restricted\"", page);
        foreach (var secret in new[] { Mobile, NewMobile, "联络员甲", "contact@example.cn", "0951-7770000" })
        {
            Assert.DoesNotContain(secret, page);
        }

        var list = await reporter.GetStringAsync("/Units?q=" + Uri.EscapeDataString("自然资源"));
        Assert.Contains("测试自然资源厅", list);
        Assert.DoesNotContain("联络员甲", list);

        // Center staff other than the 系统管理员 are "other staff" too.
        var reviewer = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        Assert.DoesNotContain(NewMobile, await reviewer.GetStringAsync($"/api/v1/units/{id}"));
    }

    [Fact]
    public async Task The_units_own_staff_and_the_system_administrator_read_contacts_and_history_in_clear()
    {
        var (id, admin) = await UnitWithHistoryAsync();
        app.UnitIds["contacts-own"] = id;
        var own = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reporter, unit: "contacts-own"));
        foreach (var client in new[] { own, admin })
        {
            var unit = await client.GetFromJsonAsync<JsonElement>($"/api/v1/units/{id}");
            Assert.True(unit.GetProperty("contactsVisible").GetBoolean());
            Assert.Equal(("联络员甲", NewMobile), (unit.GetProperty("responsible").GetProperty("name").GetString(), unit.GetProperty("responsible").GetProperty("mobile").GetString()));
            var change = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/units/{id}/contact-history")).EnumerateArray().First();
            Assert.Equal((Mobile, NewMobile), (change.GetProperty("previous").GetProperty("mobile").GetString(), change.GetProperty("current").GetProperty("mobile").GetString()));
            var page = await client.GetStringAsync($"/Units/Edit?id={id}");
            Assert.Contains(NewMobile, page);
            Assert.Contains("联系人变更记录", page);
        }
    }

    [Fact]
    public async Task The_database_holds_no_contact_value_in_clear_not_even_in_the_history()
    {
        var (id, _) = await UnitWithHistoryAsync();
        var unitColumns = await RawAsync("""
            SELECT "Responsible_Name" AS "Value" FROM "Units" WHERE "Id" = {0} UNION ALL SELECT "Responsible_Mobile" FROM "Units" WHERE "Id" = {0}
            UNION ALL SELECT "Responsible_OfficePhone" FROM "Units" WHERE "Id" = {0} UNION ALL SELECT "Responsible_Email" FROM "Units" WHERE "Id" = {0}
            UNION ALL SELECT "Leader_Name" FROM "Units" WHERE "Id" = {0} UNION ALL SELECT "Leader_Mobile" FROM "Units" WHERE "Id" = {0}
            """, id);
        var historyColumns = await RawAsync("""
            SELECT "Previous_Mobile" AS "Value" FROM "UnitContactChanges" WHERE "UnitId" = {0} UNION ALL SELECT "Current_Mobile" FROM "UnitContactChanges" WHERE "UnitId" = {0}
            UNION ALL SELECT "Previous_Name" FROM "UnitContactChanges" WHERE "UnitId" = {0} UNION ALL SELECT "Current_Email" FROM "UnitContactChanges" WHERE "UnitId" = {0}
            """, id);
        Assert.Equal(6, unitColumns.Count);
        Assert.Equal(8, historyColumns.Count); // two changes (responsible and leader), four columns each
        Assert.All(unitColumns.Concat(historyColumns), value =>
        {
            Assert.StartsWith("enc:v1:", value);
            Assert.DoesNotContain("1370000", value!);
        });
    }

    [Fact]
    public async Task Contacts_stored_in_clear_before_the_upgrade_are_encrypted_by_the_migration_step()
    {
        var (id, admin) = await UnitWithHistoryAsync();
        const string Legacy = "13600001111";
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            """UPDATE "Units" SET "Responsible_Mobile" = {0}, "Responsible_Name" = '旧联络员' WHERE "Id" = {1}""", Legacy, id));
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            """UPDATE "UnitContactChanges" SET "Previous_Mobile" = {0}, "Previous_Name" = '旧联络员' WHERE "UnitId" = {1}""", Legacy, id));
        Assert.Contains(Legacy, await RawAsync("""SELECT "Responsible_Mobile" AS "Value" FROM "Units" WHERE "Id" = {0}""", id));

        await ApplicationSetup.MigrateAsync(app.Services);

        var stored = await RawAsync("""
            SELECT "Responsible_Mobile" AS "Value" FROM "Units" WHERE "Id" = {0} UNION ALL SELECT "Responsible_Name" FROM "Units" WHERE "Id" = {0}
            UNION ALL SELECT "Previous_Mobile" FROM "UnitContactChanges" WHERE "UnitId" = {0} UNION ALL SELECT "Previous_Name" FROM "UnitContactChanges" WHERE "UnitId" = {0}
            """, id);
        Assert.Equal(6, stored.Count); // the unit's two columns, and two for each of its two changes
        Assert.All(stored, value => Assert.StartsWith("enc:v1:", value));
        var unit = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/units/{id}");
        Assert.Equal(("旧联络员", Legacy), (unit.GetProperty("responsible").GetProperty("name").GetString(), unit.GetProperty("responsible").GetProperty("mobile").GetString()));
        var change = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/units/{id}/contact-history")).EnumerateArray().First();
        Assert.Equal(Legacy, change.GetProperty("previous").GetProperty("mobile").GetString());
    }
}
