using CreditShare.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Certificates;

public sealed class IssueForm
{
    public int UnitId { get; set; }

    public int ValidityMonths { get; set; } = 24;

    /// <summary>A gateway (前置机) certificate rather than one for the unit's business system.</summary>
    public bool Gateway { get; set; }
}

/// <summary>Lists, issues and revokes units' client certificates. The private key is shown once and never stored.</summary>
public sealed class IndexModel(CertificateService certificates, AppDbContext db) : PageModel
{
    [BindProperty]
    public IssueForm Input { get; set; } = new();

    [BindProperty]
    public string? Serial { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public IReadOnlyList<IssuedCertificateView> Certificates { get; private set; } = [];

    public Dictionary<int, string> UnitNames { get; private set; } = [];

    public IssuedCredential? Issued { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostIssueAsync()
    {
        var outcome = await certificates.IssueAsync(User, new IssueRequest(Input.UnitId, Input.ValidityMonths, Input.Gateway));
        if (!outcome.IsOk)
        {
            outcome.CopyTo(ModelState);
        }
        else
        {
            Issued = outcome.Value;
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync()
    {
        var outcome = await certificates.RevokeAsync(User, Serial ?? "", Reason);
        if (!outcome.IsOk)
        {
            ModelState.AddModelError(nameof(Reason), outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message)));
            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = $"证书 {outcome.Value!.SerialNumber} 已吊销，下一次请求即被拒绝";
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        UnitNames = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name);
        Certificates = await certificates.ListAsync();
    }
}
