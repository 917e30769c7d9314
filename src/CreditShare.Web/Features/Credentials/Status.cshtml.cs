using CreditShare.Web.Attachments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Credentials;

/// <summary>The applicant follows the application by its number, downloads the forms and uploads the signed and sealed scan.</summary>
public sealed class StatusModel(CredentialApplications applications, AttachmentStore attachments) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Number { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Submitted { get; set; }

    public ApplicationStatusView? Application { get; private set; }

    public async Task OnGetAsync()
    {
        if (!string.IsNullOrWhiteSpace(Number))
        {
            await LoadAsync();
        }
    }

    public async Task<IActionResult> OnPostScanAsync(IFormFile? scan)
    {
        if (scan is null)
        {
            ModelState.AddModelError("scan", "请选择签字盖章后的扫描件");
            await LoadAsync();
            return Page();
        }

        var outcome = await applications.UploadScanAsync(Number, await attachments.ReadAsync(scan));
        if (!outcome.IsOk)
        {
            ModelState.AddModelError("scan", outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message)));
            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = "扫描件已上传，等待社会信用服务中心受理";
        return RedirectToPage(new { number = outcome.Value!.Number });
    }

    private async Task LoadAsync()
    {
        var outcome = await applications.StatusAsync(Number);
        if (outcome.IsOk)
        {
            Application = outcome.Value;
        }
        else
        {
            ModelState.AddModelError(nameof(Number), outcome.Message!);
        }
    }
}
