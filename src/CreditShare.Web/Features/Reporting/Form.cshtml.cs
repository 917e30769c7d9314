using System.Text.Json;
using CreditShare.Core.Catalog;
using CreditShare.Core.Reporting;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Reporting;

/// <summary>
/// One record in a form generated from the catalog, validated by the same rules as every other channel. Opened from an
/// abnormal entry, it comes filled with the rejected row so the unit fixes it in place (art. 8).
/// </summary>
public sealed class FormModel(CatalogService catalog, ReportingService reporting, AppDbContext db, PersonalDataProtector protector, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Category { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public long? Abnormal { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Values { get; set; } = [];

    public CategoryDefinition? Definition { get; private set; }

    /// <summary>Why this unit may not report the category at all (not assigned by the center); the form is not offered then.</summary>
    public string? Refusal { get; private set; }

    private ReportingUnit? reporter;

    private async Task<bool> LoadAsync()
    {
        Definition = await catalog.GetAsync(Category);
        if (Definition is null)
        {
            return false;
        }

        reporter = await ReportingAssignments.ReporterAsync(db, User.UnitId());
        Refusal = reporter is null ? "报送单位未登记" : ReportingAuthority.Refusal(Definition, reporter)?.Message;
        return true;
    }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        if (Refusal is not null)
        {
            return Page();
        }

        if (Abnormal is { } id)
        {
            var entry = await db.AbnormalEntries.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.UnitId == User.UnitId() && a.ClosedAt == null);
            if (entry is null)
            {
                return NotFound();
            }

            Values = JsonSerializer.Deserialize<Dictionary<string, string?>>(entry.RawJson)!
                .ToDictionary(kv => kv.Key, kv => kv.Value is null ? null : protector.Unprotect(kv.Value));
            foreach (var error in BatchModel.Errors(entry))
            {
                ModelState.AddModelError($"Values[{error.Field}]", error.Message);
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        ModelState.Clear();
        if (Refusal is not null)
        {
            return Page();
        }

        var row = Values.Where(kv => Definition!.Field(kv.Key) is not null).ToDictionary(kv => kv.Key, kv => kv.Value);
        // Validate before storing: a half-typed form is not an abnormal record of the unit. The same rules as the
        // service: empty source unit and authority filled from the unit, any other one it may not name refused.
        var validation = RecordValidator.Validate(Definition!, ReportingAuthority.Fill(Definition!, row, reporter!).Row, reporting.Today);
        var errors = validation.Errors.Concat(ReportingAuthority.Check(Definition!, validation.Values, reporter!)).ToList();
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                ModelState.AddModelError($"Values[{error.Field}]", error.Message);
            }

            return Page();
        }

        var outcome = await reporting.SubmitAsync(PortalSubmitter.For(User, "form"), Category, [row], null,
            ReportingService.HashBody(JsonSerializer.SerializeToUtf8Bytes(row)));
        if (!outcome.IsOk)
        {
            ModelState.AddModelError(string.Empty, outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message)));
            return Page();
        }

        var result = outcome.Value!.Records[0];
        if (result.Status == RecordStatusNames.Rejected)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError($"Values[{error.Field}]", error.Message);
            }

            return Page();
        }

        if (Abnormal is { } id)
        {
            // The fixed row may carry a corrected document number: close the entry it came from explicitly.
            await db.AbnormalEntries.Where(a => a.Id == id && a.UnitId == User.UnitId() && a.ClosedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.ClosedAt, time.GetUtcNow()).SetProperty(a => a.ResolvedRecordId, result.RecordId));
        }

        TempData["Notice"] = result.Status == RecordStatusNames.Unchanged
            ? "该记录与已报送的内容相同，未产生新版本"
            : $"已接收（记录号 {result.RecordId}）" + string.Concat(result.Warnings.Select(w => "。" + w.Message));
        return RedirectToPage("/Reporting/Form", new { category = Category });
    }
}
