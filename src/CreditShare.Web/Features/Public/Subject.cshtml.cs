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
    public async Task<IActionResult> OnPostReportAsync()
    {
        var issued = await reports.IssueAsync(Code, PublicRateLimits.BaseUrl(HttpContext));
        return issued is null ? NotFound() : File(issued.Pdf, "application/pdf", issued.FileName);
    }
}
