using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Security;

/// <summary>The kill switch (art. 20): close a service with a reason and the current second-factor code; a second person reopens it.</summary>
public sealed class SwitchesModel(ServiceSwitches switches, AddressBlocks blocks, Microsoft.Extensions.Options.IOptions<SecurityOptions> options) : PageModel
{
    [BindProperty]
    public string? Service { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public IReadOnlyList<SwitchView> Switches { get; private set; } = [];

    public int RecentAutomatic { get; private set; }

    public SecurityOptions Options => options.Value;

    public string? Done { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostCloseAsync() => ChangeAsync(close: true);

    public Task<IActionResult> OnPostReopenAsync() => ChangeAsync(close: false);

    private async Task<IActionResult> ChangeAsync(bool close)
    {
        var change = new SwitchChange(Reason, Code);
        var outcome = close ? await switches.CloseAsync(User, Service ?? "", change) : await switches.ReopenAsync(User, Service ?? "", change);
        if (outcome.IsOk)
        {
            Done = close ? $"已关闭：{outcome.Value!.Label}。各实例将在一秒内停止该服务。" : $"已重新开放：{outcome.Value!.Label}";
            Reason = null;
            ModelState.Clear();
        }
        else
        {
            if (outcome.Message is { } message)
            {
                ModelState.AddModelError($"{Service}.general", message);
            }

            foreach (var error in outcome.Errors)
            {
                ModelState.AddModelError($"{Service}.{error.Field}", error.Message);
            }
        }

        Code = null;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Switches = await switches.ListAsync();
        RecentAutomatic = await blocks.RecentAutomaticAsync();
    }
}
