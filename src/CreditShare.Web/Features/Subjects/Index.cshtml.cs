using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Subjects;

public sealed record SubjectRow(long Id, string Name, string Type, string Code, int Records);

/// <summary>Center staff find a subject: organisations by name or USCC, natural persons only by their full ID number.</summary>
public sealed class IndexModel(AppDbContext db, PersonalDataProtector protector, AuditWriter audit, TimeProvider time) : PageModel
{
    public string? Q { get; set; }

    public IReadOnlyList<SubjectRow> Results { get; private set; } = [];

    public int PendingReviews { get; private set; }

    public async Task OnGetAsync(string? q)
    {
        Q = q?.Trim();
        PendingReviews = await db.SubjectNames.CountAsync(n => n.NeedsReview && n.ReviewedAt == null);
        if (string.IsNullOrEmpty(Q))
        {
            return;
        }

        var code = CodeText.Normalize(Q);
        var today = ProvincialTime.Today(time);
        IQueryable<Subject> query;
        if (CitizenIdNumber.Check(code, today).IsValid)
        {
            var hash = protector.LookupHash($"身份证:{code}");
            query = db.Subjects.Where(s => s.Key == hash);
        }
        else if (code.Length == 18)
        {
            query = db.Subjects.Where(s => s.Key == code);
        }
        else
        {
            query = db.Subjects.Where(s => s.Type != SubjectType.NaturalPerson && s.Name.Contains(Q));
        }

        var subjects = await query.AsNoTracking().OrderBy(s => s.Name).Take(50).ToListAsync();
        var ids = subjects.Select(s => s.Id).ToList();
        var counts = await db.CreditRecords.Where(r => ids.Contains(r.SubjectId)).GroupBy(r => r.SubjectId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count);
        Results = [.. subjects.Select(s => new SubjectRow(s.Id, s.Name, SubjectTypes.Label(s.Type), SubjectProfile.DisplayCode(s, protector), counts.GetValueOrDefault(s.Id)))];
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_SubjectSearched, AuditOutcome.Success) { ResultCount = Results.Count, Detail = code.Length == 18 ? "by_code" : "by_name" });
    }
}
