using CreditShare.Core.Catalog;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Catalog;

public sealed class CategoryModel(CatalogService catalog) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public int? Version { get; set; }

    public CategoryDefinition? Definition { get; private set; }

    public IReadOnlyList<CategorySummary> Versions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Definition = await catalog.GetAsync(Code, Version);
        if (Definition is null)
        {
            return NotFound();
        }

        Versions = await catalog.VersionsAsync(Code);
        return Page();
    }
}
