using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Credentials;
using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
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

/// <summary>Lists, issues and cancels (附3) units' client certificates. The private key is shown once and never stored.</summary>
public sealed class IndexModel(CertificateService certificates, AppDbContext db) : PageModel
{
    [BindProperty]
    public IssueForm Input { get; set; } = new();

    [BindProperty]
    public string? Serial { get; set; }

    /// <summary>The 附3 reason's wire name (lost, damaged, …).</summary>
    [BindProperty]
    public string? CancelReason { get; set; }

    [BindProperty]
    public string? ReasonText { get; set; }

    [BindProperty]
    public bool Reissued { get; set; }

    /// <summary>The 附3 choices in their order on the form, with their wire names.</summary>
    public static IEnumerable<(string Name, string Label)> CancellationChoices =>
        Enum.GetValues<CancellationReason>().Select(r => (JsonNamingPolicy.CamelCase.ConvertName(r.ToString()), CancellationReasons.Label(r)));

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

    public async Task<IActionResult> OnPostCancelAsync()
    {
        var outcome = CertificatesApi.ParseReason(CancelReason) is { } reason
            ? await certificates.CancelAsync(User, Serial ?? "", reason, ReasonText, Reissued)
            : Outcome<IssuedCertificateView>.Invalid(new FieldError("reason", "cancellation.reason", "请选择注销原因"));
        if (!outcome.IsOk)
        {
            ModelState.AddModelError(nameof(CancelReason), outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message)));
            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = $"证书 {outcome.Value!.SerialNumber} 已注销，下一次请求即被拒绝";
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        UnitNames = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name);
        Certificates = await certificates.ListAsync();
    }
}
