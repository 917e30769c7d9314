using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Public;

/// <summary>Where a report's QR code leads: number and code say whether it is genuine; the file says whether it was changed.</summary>
public sealed class VerifyModel(CreditReports reports) : PageModel
{
    private const long MaxFileBytes = 20 * 1024 * 1024;

    [BindProperty(SupportsGet = true)]
    public string? Number { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    public bool Checked { get; private set; }

    public ReportVerification? Result { get; private set; }

    public async Task OnGetAsync()
    {
        if (!string.IsNullOrWhiteSpace(Number))
        {
            Checked = true;
            Result = await reports.VerifyAsync(Number, Code);
        }
    }

    public async Task OnPostAsync(IFormFile? file)
    {
        byte[]? bytes = null;
        if (file is { Length: > 0 and <= MaxFileBytes })
        {
            using var copy = new MemoryStream();
            await file.CopyToAsync(copy);
            bytes = copy.ToArray();
        }

        Checked = true;
        Result = await reports.VerifyAsync(Number, Code, bytes);
    }
}
