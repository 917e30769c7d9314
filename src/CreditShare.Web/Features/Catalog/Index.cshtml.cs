using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Catalog;

public sealed class IndexModel(CatalogService catalog) : PageModel
{
    public IReadOnlyList<CategorySummary> Categories { get; private set; } = [];

    public async Task OnGetAsync() => Categories = await catalog.ListCurrentAsync();
}
