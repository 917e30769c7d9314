using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreditShare.Core.Accounts;

namespace CreditShare.Web.Tests.Features.Catalog;

public class CatalogApiTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private async Task<HttpClient> SystemAdminAsync() => await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SystemAdmin));

    [Fact]
    public async Task Ships_the_six_built_in_categories()
    {
        var client = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Reviewer));
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/catalog");
        Assert.Equal(["FRJC", "XZXK", "XZCF", "SXJL", "YZSX", "JYYC"], list.EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToArray());
        var penalty = await client.GetFromJsonAsync<JsonElement>("/api/v1/catalog/XZCF");
        Assert.Contains(penalty.GetProperty("fields").EnumerateArray(), f => f.GetProperty("code").GetString() == "CF_NR_FK");
    }

    [Fact]
    public async Task Editing_creates_a_new_version_and_keeps_the_old_one()
    {
        var client = await SystemAdminAsync();
        var current = JsonNode.Parse(await client.GetStringAsync("/api/v1/catalog/JYYC"))!;
        var version = current["version"]!.GetValue<int>();
        current["name"] = "经营异常名录（修订）";
        current["fields"]!.AsArray().Add(new JsonObject { ["code"] = "YC_BZ", ["label"] = "备注", ["maxLength"] = 300 });
        var saved = await client.PutAsync("/api/v1/catalog/JYYC", new StringContent(current.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(version + 1, (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());

        var old = await client.GetFromJsonAsync<JsonElement>($"/api/v1/catalog/JYYC?version={version}");
        Assert.Equal("经营异常名录", old.GetProperty("name").GetString());
        Assert.DoesNotContain(old.GetProperty("fields").EnumerateArray(), f => f.GetProperty("code").GetString() == "YC_BZ");
        var versions = await client.GetFromJsonAsync<JsonElement>("/api/v1/catalog/JYYC/versions");
        Assert.Equal(2, versions.GetArrayLength());
    }

    [Fact]
    public async Task An_invalid_definition_is_refused_field_by_field()
    {
        var client = await SystemAdminAsync();
        var current = JsonNode.Parse(await client.GetStringAsync("/api/v1/catalog/XZXK"))!;
        var fields = current["fields"]!.AsArray();
        fields[0]!["maxLength"] = 0;
        fields.Add(new JsonObject { ["code"] = "XK_XKLB", ["label"] = "重复" });
        fields.Add(new JsonObject { ["code"] = "XK_BAD", ["label"] = "规则", ["format"] = "Regex", ["pattern"] = "([" });
        var response = await client.PutAsync("/api/v1/catalog/XZXK", new StringContent(current.ToJsonString(), Encoding.UTF8, "application/json"));
        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors().ToHashSet();
        Assert.Contains(("fields[0].maxLength", "catalog.max_length"), errors);
        Assert.Contains(errors, e => e.Code == "catalog.field_duplicate");
        Assert.Contains(errors, e => e.Code == "catalog.pattern");
        Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/catalog/XZXK/versions")).EnumerateArray());
    }

    [Fact]
    public async Task Export_then_import_round_trips_and_a_bad_file_changes_nothing()
    {
        var client = await SystemAdminAsync();
        var exported = await client.GetStringAsync("/api/v1/catalog/export");
        var same = await client.PostAsync("/api/v1/catalog/import", new StringContent(exported, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        var result = await same.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, result.GetProperty("created").GetArrayLength());
        Assert.Equal(6, result.GetProperty("unchanged").GetArrayLength());

        var document = JsonNode.Parse(exported)!;
        document["categories"]![0]!["name"] = "法人基础信息（新）";
        document["categories"]![1]!["fields"]![0]!["code"] = "lower case";
        var mixed = await client.PostAsync("/api/v1/catalog/import", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Contains(("categories[1].fields[0].code", "catalog.field_code"), (await mixed.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
        Assert.Equal("法人基础信息", (await client.GetFromJsonAsync<JsonElement>("/api/v1/catalog/FRJC")).GetProperty("name").GetString());

        var garbage = await client.PostAsync("/api/v1/catalog/import", new StringContent("{\"categories\": [ {", Encoding.UTF8, "application/json"));
        Assert.Contains((await garbage.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(), e => e.Code == "catalog.import_json");

        document["categories"]![1]!["fields"]![0]!["code"] = "JC_MC_X";
        document["categories"]![1]!["subjectNameField"] = "JC_MC_X";
        var changed = await client.PostAsync("/api/v1/catalog/import", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(2, (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created").GetArrayLength());
    }

    [Fact]
    public async Task Only_the_system_administrator_changes_the_catalog()
    {
        var client = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.Querier));
        var body = await client.GetStringAsync("/api/v1/catalog/XZCF");
        var response = await client.PutAsync("/api/v1/catalog/XZCF", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }
}
