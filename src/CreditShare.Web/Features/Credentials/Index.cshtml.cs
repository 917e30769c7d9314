using CreditShare.Core.Credentials;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Certificates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Credentials;

/// <summary>The credential office: applications by state with their age, and U-key certificates by status and expiry.</summary>
public sealed class IndexModel(CredentialApplications applications, AppDbContext db, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    public IReadOnlyList<ApplicationSummary> Applications { get; private set; } = [];

    public IReadOnlyList<IssuedCertificateView> ExpiringSoon { get; private set; } = [];

    public IReadOnlyDictionary<string, int> CertificateCounts { get; private set; } = new Dictionary<string, int>();

    public Dictionary<int, string> UnitNames { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var state = Enum.GetValues<ApplicationState>().Cast<ApplicationState?>().FirstOrDefault(s => CredentialApplications.StateName(s!.Value) == State);
        Applications = await applications.ListAsync(state);
        var now = time.GetUtcNow();
        var people = await db.IssuedCertificates.AsNoTracking().Where(c => c.Purpose == CertificatePurpose.Person).ToListAsync();
        var views = people.Select(c => IssuedCertificateView.From(c, now)).ToList();
        CertificateCounts = views.GroupBy(v => v.Status).ToDictionary(g => g.Key, g => g.Count());
        ExpiringSoon = [.. people.Where(c => c.RevokedAt is null && c.RenewedBySerial is null && c.NotAfter > now && c.NotAfter <= now.AddDays(60))
            .OrderBy(c => c.NotAfter).Select(c => IssuedCertificateView.From(c, now))];
        UnitNames = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name);
    }
}
