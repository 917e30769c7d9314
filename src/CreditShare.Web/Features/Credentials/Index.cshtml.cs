using CreditShare.Core.Credentials;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Credentials;

/// <summary>One U-key certificate as the office lists it: whose, in which unit, and what became of it.</summary>
public sealed record CredentialRow(IssuedCertificateView Certificate, string UnitName, string? Account, string? ReplacesSerial, string? RenewedBySerial);

/// <summary>One unit's U-keys at a glance.</summary>
public sealed record UnitCredentials(int UnitId, string UnitName, int Valid, int ExpiringSoon, int Revoked, int Expired);

/// <summary>
/// The credential office: applications by state with their age, and U-key certificates by status, expiring soon, per
/// unit and per person (account). No personal data beyond the certificate's subject and the account name; the subject
/// names a person, so each look at the list is audited (2013) with what was asked and how many rows were shown.
/// </summary>
public sealed class IndexModel(CredentialApplications applications, RenewalRegistrations renewals, AppDbContext db, AuditWriter audit, TimeProvider time) : PageModel
{
    public const int ExpiringWithinDays = 60;

    private const int MaxRows = 500;

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    /// <summary>Certificates: valid, expiring, revoked, expired, or all.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Unit { get; set; }

    /// <summary>An account name: that person's U-keys, the current and the earlier ones.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    public IReadOnlyList<ApplicationSummary> Applications { get; private set; } = [];

    public IReadOnlyList<CredentialRow> Certificates { get; private set; } = [];

    public IReadOnlyList<RenewalRegistrationSummary> Registrations { get; private set; } = [];

    public IReadOnlyList<UnitCredentials> Units { get; private set; } = [];

    public IReadOnlyDictionary<string, int> CertificateCounts { get; private set; } = new Dictionary<string, int>();

    public bool Truncated { get; private set; }

    public static IReadOnlyList<(string Value, string Label)> StatusChoices { get; } =
        [("valid", "有效"), ("expiring", $"{ExpiringWithinDays}天内到期"), ("revoked", "已注销"), ("expired", "已过期"), ("all", "全部")];

    public async Task OnGetAsync()
    {
        var state = Enum.GetValues<ApplicationState>().Cast<ApplicationState?>().FirstOrDefault(s => CredentialApplications.StateName(s!.Value) == State);
        Applications = await applications.ListAsync(state);
        Registrations = await renewals.ListAsync(User);
        var now = time.GetUtcNow();
        var soon = now.AddDays(ExpiringWithinDays);
        var people = db.IssuedCertificates.AsNoTracking().Where(c => c.Purpose == CertificatePurpose.Person);
        var unitNames = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name);

        // Counts and the per-unit table in SQL: a province holds thousands of U-keys.
        var byUnit = await people.GroupBy(c => c.UnitId).Select(g => new
        {
            UnitId = g.Key,
            Valid = g.Count(c => c.RevokedAt == null && c.NotAfter >= now),
            ExpiringSoon = g.Count(c => c.RevokedAt == null && c.RenewedBySerial == null && c.NotAfter >= now && c.NotAfter <= soon),
            Revoked = g.Count(c => c.RevokedAt != null),
            Expired = g.Count(c => c.RevokedAt == null && c.NotAfter < now),
        }).ToListAsync();
        Units = [.. byUnit.Select(u => new UnitCredentials(u.UnitId, unitNames.GetValueOrDefault(u.UnitId, "?"), u.Valid, u.ExpiringSoon, u.Revoked, u.Expired))
            .OrderBy(u => u.UnitName, StringComparer.Ordinal)];
        CertificateCounts = new Dictionary<string, int>
        {
            ["valid"] = Units.Sum(u => u.Valid),
            ["expiring"] = Units.Sum(u => u.ExpiringSoon),
            ["revoked"] = Units.Sum(u => u.Revoked),
            ["expired"] = Units.Sum(u => u.Expired),
        };

        var query = Status switch
        {
            "revoked" => people.Where(c => c.RevokedAt != null),
            "expired" => people.Where(c => c.RevokedAt == null && c.NotAfter < now),
            "all" => people,
            "valid" => people.Where(c => c.RevokedAt == null && c.NotAfter >= now),
            // By default the office's work list: what expires soon and has not been renewed.
            _ => people.Where(c => c.RevokedAt == null && c.RenewedBySerial == null && c.NotAfter >= now && c.NotAfter <= soon),
        };
        Status = StatusChoices.Any(s => s.Value == Status) ? Status : "expiring";
        if (Unit is { } unitId)
        {
            query = query.Where(c => c.UnitId == unitId);
        }

        if (Account?.Trim() is { Length: > 0 } account)
        {
            var userId = await db.Users.AsNoTracking().Where(u => u.UserName == account).Select(u => u.Id).FirstOrDefaultAsync();
            query = query.Where(c => c.StaffUserId == userId);
        }

        var rows = await (Status == "expiring" ? query.OrderBy(c => c.NotAfter) : query.OrderByDescending(c => c.Id))
            .GroupJoin(db.Users, c => c.StaffUserId, u => u.Id, (c, users) => new { Certificate = c, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new { x.Certificate, Account = u == null ? null : u.UserName })
            .Take(MaxRows + 1).ToListAsync();
        Truncated = rows.Count > MaxRows;
        Certificates = [.. rows.Take(MaxRows).Select(r => new CredentialRow(IssuedCertificateView.From(r.Certificate, now),
            unitNames.GetValueOrDefault(r.Certificate.UnitId, "?"), r.Account, r.Certificate.ReplacesSerial, r.Certificate.RenewedBySerial))];
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_CredentialsListed, AuditOutcome.Success)
        {
            Target = "credentials",
            ResultCount = Certificates.Count,
            Detail = $"status={Status};unit={Unit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"};account={(Account?.Trim() is { Length: > 0 } a ? a : "-")};" +
                $"rows={Certificates.Count};applications={Applications.Count}",
        });
    }

    public static string StatusLabel(IssuedCertificateView c) => c.Status switch
    {
        "revoked" => "已注销",
        "expired" => "已过期",
        _ => "有效",
    };
}
