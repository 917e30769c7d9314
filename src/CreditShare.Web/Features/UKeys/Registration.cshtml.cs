using CreditShare.Web.Attachments;
using CreditShare.Web.Features.Credentials;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.UKeys;

/// <summary>One 附4 registration: its lines, the form to print, the sealed scan (the unit), and 受理 (the center's operator).</summary>
public sealed class RegistrationModel(RenewalRegistrations registrations, AttachmentStore attachments) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Number { get; set; }

    [BindProperty]
    public string? Opinion { get; set; }

    public RenewalRegistrationView? Registration { get; private set; }

    public bool IsOffice => User.IsInRole(Core.Accounts.StaffRoles.CertificateOperator) || User.IsInRole(Core.Accounts.StaffRoles.SecurityAdmin);

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostScanAsync(IFormFile? scan)
    {
        if (scan is null)
        {
            ModelState.AddModelError("scan", "请选择盖章后的扫描件");
        }
        else
        {
            var outcome = await registrations.UploadScanAsync(User, Number, await attachments.ReadAsync(scan));
            if (outcome.IsOk)
            {
                TempData["Notice"] = "扫描件已上传，等待社会信用服务中心受理";
                return RedirectToPage(new { number = outcome.Value!.Number });
            }

            ModelState.AddModelError("scan", outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message)));
        }

        return await LoadAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAcceptAsync(bool agree)
    {
        var outcome = await registrations.AcceptAsync(User, Number, new ReviewDecision(agree, Opinion));
        if (outcome.IsOk)
        {
            TempData["Notice"] = agree ? "已受理，可逐个更换证书" : "已记录不予受理";
            return RedirectToPage(new { number = outcome.Value!.Number });
        }

        ModelState.AddModelError(outcome.Errors.Count > 0 && outcome.Errors[0].Field == "opinion" ? nameof(Opinion) : string.Empty,
            outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message)));
        return await LoadAsync() ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync()
    {
        var outcome = await registrations.ViewAsync(User, Number);
        Registration = outcome.Value;
        return outcome.IsOk;
    }
}
