using System.ComponentModel.DataAnnotations;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Credentials;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.SignIn;

/// <summary>
/// The terms of use (art. 4, 23), accepted by every staff account at its first sign-in and again when the version
/// changes; until then <c>FirstSignInSteps</c> sends every page here and refuses every API call.
/// </summary>
public sealed class TermsModel(AppDbContext db, AuditWriter audit, TimeProvider time) : PageModel
{
    [BindProperty]
    [Display(Name = "我已阅读并接受上述使用条款")]
    public bool Accept { get; set; }

    public bool AlreadyAccepted { get; private set; }

    public async Task OnGetAsync() => AlreadyAccepted = await AcceptedAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await AcceptedAsync())
        {
            return Redirect("/");
        }

        if (!Accept)
        {
            ModelState.AddModelError(nameof(Accept), "须勾选接受使用条款后才能使用平台");
            return Page();
        }

        db.TermsAcceptances.Add(new TermsAcceptance
        {
            Version = TermsOfUse.Version,
            UserId = User.UserId(),
            UnitCode = User.UnitCode() ?? "",
            AcceptedAt = time.GetUtcNow(),
            ClientIp = HttpContext.Connection.RemoteIpAddress?.ToString(),
        });
        audit.Stage(db, new AuditRecord(AuditEvent.Credential_TermsAccepted, AuditOutcome.Success)
        { Target = $"account:{User.Actor()}", Detail = $"version={TermsOfUse.Version};by=staff" });
        await db.SaveChangesAsync();
        await audit.ChainPendingAsync();
        TempData["Notice"] = "已接受平台使用条款";
        return Redirect("/");
    }

    private Task<bool> AcceptedAsync()
    {
        var userId = User.UserId();
        return db.TermsAcceptances.AnyAsync(t => t.UserId == userId && t.Version == TermsOfUse.Version);
    }
}
