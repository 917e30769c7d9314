using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Security;

/// <summary>The 等保 level-3 self-check with live evidence (art. 21), printable for an assessor.</summary>
public sealed class SelfCheckModel(SelfCheckReport report) : PageModel
{
    public SelfCheckResult Result { get; private set; } = new(DateTimeOffset.MinValue, []);

    public async Task OnGetAsync() => Result = await report.RunAsync(User);
}
