using CreditShare.Core.Credentials;
using CreditShare.Web.Features.Credentials;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.UKeys;

/// <summary>One row of the page's 附4: a due U-key, ticked to go on the form, with its user's phone and remarks.</summary>
public sealed class RenewalLineInput
{
    public bool Selected { get; set; }

    public string AccountName { get; set; } = "";

    public string UserName { get; set; } = "";

    public string Phone { get; set; } = "";

    public string? Remarks { get; set; }
}

/// <summary>附4 for a unit's staff: the unit's U-keys that are due, ticked and completed, registered as one form.</summary>
public sealed class RenewalModel(RenewalRegistrations registrations) : PageModel
{
    [BindProperty]
    public List<RenewalLineInput> Lines { get; set; } = [];

    public IReadOnlyList<RenewableUKey> Renewable { get; private set; } = [];

    public IReadOnlyList<RenewalRegistrationSummary> Registrations { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync(prefill: true);

    public async Task<IActionResult> OnPostAsync()
    {
        var chosen = Lines.Select((line, index) => (line, index)).Where(x => x.line.Selected).ToList();
        var form = new RenewalRegistrationForm
        {
            Lines = [.. chosen.Select(x => new RenewalRegistrationLine { AccountName = x.line.AccountName, UserName = x.line.UserName, Phone = x.line.Phone, Remarks = x.line.Remarks })],
        };
        var outcome = await registrations.SubmitAsync(User, form, HttpContext.Connection.RemoteIpAddress?.ToString());
        if (outcome.IsOk)
        {
            TempData["Notice"] = "已登记。请下载附4，加盖单位公章后扫描上传。";
            return RedirectToPage("Registration", new { number = outcome.Value!.Number });
        }

        // The service numbers the ticked lines; the page shows each reason beside the row it belongs to.
        foreach (var error in outcome.Errors)
        {
            var key = error.Field;
            if (key.StartsWith("lines[", StringComparison.Ordinal) && int.TryParse(key[6..key.IndexOf(']', StringComparison.Ordinal)], out var i) && i < chosen.Count)
            {
                var column = key[(key.IndexOf('.', StringComparison.Ordinal) + 1)..];
                key = $"Lines[{chosen[i].index}].{char.ToUpperInvariant(column[0])}{column[1..]}";
            }
            else if (key == "lines")
            {
                key = string.Empty;
            }

            ModelState.AddModelError(key, error.Message);
        }

        if (outcome.Errors.Count == 0)
        {
            ModelState.AddModelError(string.Empty, outcome.Message ?? "登记失败");
        }

        await LoadAsync(prefill: false);
        return Page();
    }

    private async Task LoadAsync(bool prefill)
    {
        Renewable = await registrations.RenewableAsync(User);
        Registrations = await registrations.ListAsync(User);
        if (prefill)
        {
            Lines = [.. Renewable.Select(k => new RenewalLineInput { AccountName = k.AccountName, UserName = k.HolderName, Selected = k.RegisteredIn is null })];
        }
    }
}
