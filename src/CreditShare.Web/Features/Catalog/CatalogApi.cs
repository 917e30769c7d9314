using CreditShare.Core.Catalog;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditShare.Web.Features.Catalog;

public static class CatalogApi
{
    public static RouteGroupBuilder MapCatalog(this IEndpointRouteBuilder routes)
    {
        var read = routes.MapGroup("/api/v1/catalog").WithTags("信息目录").RequireAuthorization(Policies.Staff).ProducesProblems(401, 403);
        read.MapGet("/", async (CatalogService catalog) => TypedResults.Ok(await catalog.ListCurrentAsync()))
            .WithName("listCategories").WithSummary("信息类别列表（当前版本）");
        read.MapGet("/{code}", async Task<Results<Ok<CategoryDefinition>, ProblemHttpResult>> (string code, int? version, CatalogService catalog) =>
            await catalog.GetAsync(code, version) is { } definition ? TypedResults.Ok(definition) : Problems.NotFound("catalog.not_found", $"信息类别“{code}”不存在"))
            .WithName("getCategory").WithSummary("信息类别定义（当前或指定版本）").DocumentQuery("version", "目录版本号；不填为当前版本").ProducesProblems(404);
        read.MapGet("/{code}/versions", async (string code, CatalogService catalog) => TypedResults.Ok(await catalog.VersionsAsync(code)))
            .WithName("listCategoryVersions").WithSummary("信息类别的历史版本");

        var write = routes.MapGroup("/api/v1/catalog").WithTags("信息目录").RequireAuthorization(Policies.SystemAdmin).ProducesProblems(401, 403);
        write.MapGet("/export", async (CatalogService catalog) => TypedResults.Ok(await catalog.ExportAsync()))
            .WithName("exportCatalog").WithSummary("导出整个信息目录（JSON）");
        write.MapPut("/{code}", SaveAsync).WithName("saveCategory").WithSummary("保存信息类别（生成新版本）").ProducesProblems(400, 409);
        write.MapPost("/import", ImportAsync).Accepts<CatalogExport>("application/json")
            .WithName("importCatalog").WithSummary("导入信息目录（导出的 JSON 文件）").ProducesProblems(400, 409);
        return write;
    }

    private static async Task<Results<Ok<CategorySummary>, ProblemHttpResult>> SaveAsync(string code, CategoryDefinition body, CatalogService catalog, HttpContext http)
    {
        if (body.Code != code)
        {
            return Problems.Validation([new("code", "catalog.code_mismatch", "正文中的类别代码与地址中的不一致")]);
        }

        return (await catalog.SaveAsync(http.User, body)).ToOk();
    }

    /// <summary>Reads the body itself so that a malformed file gets field-level reasons from the importer, not a bare 400.</summary>
    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> ImportAsync(HttpRequest request, CatalogService catalog, HttpContext http)
    {
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync();
        return (await catalog.ImportAsync(http.User, json)).ToOk();
    }
}
