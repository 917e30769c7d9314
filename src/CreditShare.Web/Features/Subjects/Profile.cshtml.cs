using System.Text.Json;
using CreditShare.Core.Codes;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Records;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Subjects;

public sealed record ProfileRecord(long Id, string CategoryCode, string CategoryName, string SourceKey, string SourceUnit, DateOnly? DecisionDate,
    DateOnly? DisclosureEnd, string Status, int Version, IReadOnlyList<(string Label, string Value)> Fields);

/// <summary>The integrated profile (art. 3): every record about one subject, across sources and categories, with its names.</summary>
public sealed class SubjectProfile(AppDbContext db, CatalogService catalog, PersonalDataProtector protector, AuditWriter audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public Subject? Subject { get; private set; }

    public string Code { get; private set; } = "";

    public IReadOnlyList<ProfileRecord> Records { get; private set; } = [];

    public IReadOnlyList<(SubjectName Name, string Unit)> Names { get; private set; } = [];

    /// <summary>Codes as staff see them: USCC in full, ID numbers masked.</summary>
    public static string DisplayCode(Subject subject, PersonalDataProtector protector) =>
        subject.Uscc ?? (subject.IdentityCipher is { } cipher ? CitizenIdNumber.Mask(protector.Unprotect(cipher)) : "");

    public async Task<IActionResult> OnGetAsync()
    {
        Subject = await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == Id);
        if (Subject is null)
        {
            return NotFound();
        }

        Code = DisplayCode(Subject, protector);
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name);
        var records = await db.CreditRecords.AsNoTracking().Where(r => r.SubjectId == Id).OrderBy(r => r.CategoryCode).ThenByDescending(r => r.DecisionDate).ToListAsync();
        var list = new List<ProfileRecord>();
        foreach (var record in records)
        {
            var definition = await catalog.GetAsync(record.CategoryCode, record.CatalogVersion);
            var values = JsonSerializer.Deserialize<Dictionary<string, string?>>(record.DataJson) ?? [];
            var fields = definition?.Fields.Where(f => values.TryGetValue(f.Code, out var v) && v is not null)
                .Select(f => (f.Label, f.Personal ? Masked(values[f.Code]!) : values[f.Code]!)).ToList() ?? [];
            list.Add(new ProfileRecord(record.Id, record.CategoryCode, definition?.Name ?? record.CategoryCode, record.SourceKey, units.GetValueOrDefault(record.SourceUnitId) ?? "",
                record.DecisionDate, record.DisclosureEnd, record.Status == RecordStatus.Active ? "有效" : "已撤销", record.CurrentVersion, fields));
        }

        Records = list;
        var first = new SubjectName { SubjectId = Id, Name = Subject.Name, SourceUnitId = Subject.FirstSourceUnitId, FirstSeenAt = Subject.CreatedAt };
        Names = [.. new[] { first }.Concat(await db.SubjectNames.AsNoTracking().Where(n => n.SubjectId == Id).OrderBy(n => n.FirstSeenAt).ToListAsync())
            .Select(n => (n, units.GetValueOrDefault(n.SourceUnitId) ?? ""))];
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_SubjectViewed, AuditOutcome.Success) { Target = $"subject:{Id}", ResultCount = Records.Count });
        return Page();
    }

    private string Masked(string stored) => PersonalMask.Conceal(protector.Unprotect(stored));
}
