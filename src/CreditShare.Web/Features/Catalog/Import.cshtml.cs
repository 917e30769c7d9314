using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Catalog;

[Authorize(Policy = Policies.SystemAdmin)]
public sealed class ImportModel(CatalogService catalog) : PageModel
{
    public const long MaxFileBytes = 2 * 1024 * 1024;

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public ImportResult? Result { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), "请选择要导入的目录 JSON 文件");
            return Page();
        }

        if (Upload.Length > MaxFileBytes)
        {
            ModelState.AddModelError(nameof(Upload), "文件超过 2 MB，不像是目录文件");
            return Page();
        }

        using var reader = new StreamReader(Upload.OpenReadStream());
        var outcome = await catalog.ImportAsync(User, await reader.ReadToEndAsync());
        if (!outcome.IsOk)
        {
            foreach (var error in outcome.Errors)
            {
                ModelState.AddModelError(nameof(Upload), $"{error.Field}：{error.Message}");
            }

            return Page();
        }

        Result = outcome.Value;
        return Page();
    }
}
