using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Accounts;

public sealed class IndexModel(AccountAdministration admin, AccountRequests requests) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public IReadOnlyList<AccountSummary> Accounts { get; private set; } = [];

    public int PendingCount { get; private set; }

    public async Task OnGetAsync()
    {
        Accounts = await admin.ListAsync(Q);
        PendingCount = (await requests.ListAsync()).Count;
    }
}
