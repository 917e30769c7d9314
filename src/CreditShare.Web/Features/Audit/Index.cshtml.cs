using CreditShare.Core;
using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Audit;

/// <summary>The audit viewer for the 审计管理员, with the chain verification result on top.</summary>
public sealed class IndexModel(AppDbContext db, AuditWriter audit, AuditVerifier verifier) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public DateTime? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateTime? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? EventCode { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Outcome { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public AuditPage Result { get; private set; } = new([], 1, 50, 0);

    public AuditVerification? Verification { get; private set; }

    public Pager Pager => new(Result.Page, Result.PageSize, Result.Total, Pager.Keep(
        ("from", From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), ("to", To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), ("eventCode", EventCode?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("account", Account), ("outcome", Outcome)));

    public async Task OnGetAsync()
    {
        Result = await AuditApi.SearchAsync(db, audit, new AuditQuery(
            From is { } f ? ProvincialTime.StartOfDay(DateOnly.FromDateTime(f)) : null,
            To is { } t ? ProvincialTime.StartOfDay(DateOnly.FromDateTime(t).AddDays(1)) : null,
            EventCode, Account, Outcome, PageNumber));
    }

    public async Task OnPostVerifyAsync()
    {
        Verification = await verifier.VerifyAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Audit_Verified, Verification.Intact ? AuditOutcome.Success : AuditOutcome.Failure)
        { ResultCount = (int)Math.Min(Verification.EntriesChecked, int.MaxValue), Detail = Verification.FirstBreak is { } b ? $"broken_at={b.Sequence};{b.Reason}" : null });
        await OnGetAsync();
    }
}
