using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Public;

/// <summary>A subject's public page, on the site and on the kiosk (both pages use this model).</summary>
public sealed class SubjectModel(PublicRegister register, CreditReports reports) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public PublicSubject? Subject { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Subject = await register.FindAsync(Code);
        return Subject is null ? NotFound() : Page();
    }

    /// <summary>One click: the subject's public information as of now, as a PDF with its number and verification code.</summary>
    public async Task<IActionResult> OnPostReportAsync() => await IssueAsync(download: true);

    /// <summary>The kiosk's print button: the same report, shown inline so that the kiosk's frame can print it.</summary>
    public async Task<IActionResult> OnPostPrintAsync() => await IssueAsync(download: false);

    private async Task<IActionResult> IssueAsync(bool download)
    {
        var issued = await reports.IssueAsync(Code, PublicRateLimits.BaseUrl(HttpContext));
        if (issued is null)
        {
            return NotFound();
        }

        Response.Headers["X-Report-Number"] = issued.Number;
        Response.Headers["X-Verification-Code"] = issued.VerificationCode;
        Response.Headers.CacheControl = "no-store";
        return download ? File(issued.Pdf, "application/pdf", issued.FileName) : File(issued.Pdf, "application/pdf");
    }
}
