using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Security;

public sealed class ManualBlockForm
{
    public string? Address { get; set; }

    public string? Reason { get; set; }

    public int? Hours { get; set; } = 24;
}

/// <summary>The blacklist (art. 19): the review queue (深入核查), decisions in force, manual entries, and the attack signal.</summary>
public sealed class IndexModel(AddressBlocks blocks, IOptions<SecurityOptions> options) : PageModel
{
    [BindProperty]
    public ManualBlockForm Input { get; set; } = new();

    [BindProperty]
    public long BlockId { get; set; }

    [BindProperty]
    public string? ReviewReason { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Filter { get; set; }

    public IReadOnlyList<BlockView> Blocks { get; private set; } = [];

    public int RecentAutomatic { get; private set; }

    public SecurityOptions Options => options.Value;

    public string? Done { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostManualAsync()
    {
        var outcome = await blocks.AddManualAsync(User, new ManualBlockInput(Input.Address, Input.Reason, Input.Hours));
        if (!outcome.IsOk)
        {
            outcome.CopyTo(ModelState);
            await LoadAsync();
            return Page();
        }

        Done = $"已将 {outcome.Value!.Address} 列入黑名单（记录 {outcome.Value.Id}）";
        Input = new();
        ModelState.Clear();
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostConfirmAsync() => ReviewAsync(confirm: true);

    public Task<IActionResult> OnPostLiftAsync() => ReviewAsync(confirm: false);

    private async Task<IActionResult> ReviewAsync(bool confirm)
    {
        var input = new ReviewInput(ReviewReason);
        var outcome = confirm ? await blocks.ConfirmAsync(User, BlockId, input) : await blocks.LiftAsync(User, BlockId, input);
        if (!outcome.IsOk)
        {
            ModelState.AddModelError($"Review{BlockId}", outcome.Message ?? outcome.Errors[0].Message);
        }
        else
        {
            Done = confirm ? $"记录 {BlockId} 已确认，封禁延长" : $"记录 {BlockId} 已解除";
            ReviewReason = null;
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Blocks = await blocks.ListAsync(User, Filter is "pending" or "active" ? Filter : null);
        RecentAutomatic = await blocks.RecentAutomaticAsync();
    }
}
