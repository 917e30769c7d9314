using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Demo;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Units;

public class UnitsApiTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private static object Contact(string name = "王五", string? mobile = "13800001111") => new { name, officePhone = "0951-5550000", mobile, email = "a@example.cn" };

    private async Task<HttpClient> SystemAdminAsync() => await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.SystemAdmin));

    [Fact]
    public async Task Creates_a_unit_with_a_valid_code_and_normalises_it()
    {
        var client = await SystemAdminAsync();
        var code = DemoSeed.MakeUscc("11640100", "01234567");
        var response = await client.PostAsJsonAsync("/api/v1/units",
            new { name = "银川市税务局", uscc = " " + code.ToLowerInvariant() + " ", regionCode = "640100", roles = new[] { "source", "user" }, responsible = Contact(), leader = Contact("赵六") });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var unit = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, unit.GetProperty("uscc").GetString());
        Assert.Equal(["source", "user"], unit.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Fact]
    public async Task Bad_input_gets_every_reason_by_field_and_stores_nothing()
    {
        var client = await SystemAdminAsync();
        var before = await app.WithDbAsync(db => db.Units.CountAsync());
        var response = await client.PostAsJsonAsync("/api/v1/units", new
        {
            name = new string('长', 101),
            uscc = "91440300708461136U",
            regionCode = "64",
            roles = new[] { "source", "bank" },
            responsible = Contact(mobile: "12345"),
            leader = new { name = "", officePhone = (string?)null, mobile = (string?)null, email = "not-mail" },
        });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", problem.Code);
        Assert.Superset(new HashSet<(string, string)>
        {
            ("name", "unit.name"), ("uscc", "uscc.check_digit"), ("regionCode", "unit.region_code"), ("roles", "unit.role_unknown"),
            ("responsible.mobile", "contact.mobile"), ("leader.name", "contact.name"), ("leader.email", "contact.email"),
        }, problem.FieldErrors().ToHashSet());
        Assert.All(problem.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.Equal(before, await app.WithDbAsync(db => db.Units.CountAsync()));
    }

    [Fact]
    public async Task Malformed_json_gets_a_problem_not_a_crash()
    {
        var client = await SystemAdminAsync();
        var response = await client.PostAsync("/api/v1/units", new StringContent("{\"name\": \"x\", ", Encoding.UTF8, "application/json"));
        Assert.Equal("request.malformed_json", (await response.ProblemAsync(HttpStatusCode.BadRequest)).Code);
        var wrongType = await client.PostAsync("/api/v1/units", new StringContent("{\"roles\": 5}", Encoding.UTF8, "application/json"));
        await wrongType.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task A_contact_change_is_kept_in_the_history_and_a_unit_can_be_suspended()
    {
        var client = await SystemAdminAsync();
        var code = DemoSeed.MakeUscc("11640100", "07654321");
        var created = await (await client.PostAsJsonAsync("/api/v1/units",
            new { name = "某单位", uscc = code, regionCode = "640100", roles = new[] { "source" }, responsible = Contact("甲"), leader = Contact("乙") }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetInt32();
        var updated = await client.PutAsJsonAsync($"/api/v1/units/{id}",
            new { name = "某单位", uscc = code, regionCode = "640100", roles = new[] { "source" }, responsible = Contact("丙"), leader = Contact("乙") });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/v1/units/{id}/contact-history");
        var change = Assert.Single(history.EnumerateArray());
        Assert.Equal(("甲", "丙"), (change.GetProperty("previous").GetProperty("name").GetString(), change.GetProperty("current").GetProperty("name").GetString()));

        var suspended = await (await client.PostAsync($"/api/v1/units/{id}/suspend", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_duplicate_code_is_refused()
    {
        var client = await SystemAdminAsync();
        var existing = await app.WithDbAsync(db => db.Units.Select(u => u.Uscc).FirstAsync());
        var response = await client.PostAsJsonAsync("/api/v1/units",
            new { name = "重复", uscc = existing, regionCode = "640100", roles = new[] { "user" }, responsible = Contact(), leader = Contact() });
        Assert.Contains(("uscc", "unit.uscc_taken"), (await response.ProblemAsync(HttpStatusCode.BadRequest)).FieldErrors());
    }

    [Fact]
    public async Task Units_pages_list_search_and_show_reasons_beside_fields()
    {
        var client = await SystemAdminAsync();
        var list = await client.GetStringAsync("/Units?q=" + Uri.EscapeDataString("市场监督"));
        Assert.Contains("测试市场监督管理局", list);
        Assert.DoesNotContain("测试发展和改革委员会", list);
        var form = await client.PostFormAsync("/Units/Edit", ("Input.Name", "页面新增"), ("Input.Uscc", "91440300708461136U"), ("Input.RegionCode", "640100"),
            ("Input.Roles", "source"), ("Input.Responsible.Name", "甲"), ("Input.Responsible.Mobile", "13900000000"), ("Input.Leader.Name", "乙"), ("Input.Leader.Mobile", "13900000001"));
        var html = await form.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("field-validation-error\" data-valmsg-for=\"Input.Uscc\"", html);
        Assert.Contains("统一社会信用代码校验位错误", html);
    }
}
