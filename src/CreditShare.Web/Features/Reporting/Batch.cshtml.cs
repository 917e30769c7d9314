using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Contract;
using CreditShare.Web.Data;
using CreditShare.Web.Documents;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Reporting;

/// <summary>The answer to one batch: counts, every rejected row with its reasons, and the error workbook.</summary>
public sealed class BatchModel(ReportingService reporting, AppDbContext db, CatalogService catalog, PersonalDataProtector protector, BatchReceipts receipts) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public BatchResult? Result { get; private set; }

    public IReadOnlyList<AbnormalEntry> Rejected { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var outcome = await reporting.FindBatchAsync(User.UnitId(), Id);
        if (!outcome.IsOk)
        {
            return NotFound();
        }

        Result = outcome.Value;
        Rejected = await db.AbnormalEntries.AsNoTracking().Where(a => a.BatchId == Id && a.UnitId == User.UnitId()).OrderBy(a => a.RowIndex).ToListAsync();
        return Page();
    }

    public async Task<IActionResult> OnGetErrorsAsync()
    {
        var batch = await db.ReportBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == Id && b.UnitId == User.UnitId());
        if (batch is null || await catalog.GetAsync(batch.CategoryCode, batch.CatalogVersion) is not { } category)
        {
            return NotFound();
        }

        var entries = await db.AbnormalEntries.AsNoTracking().Where(a => a.BatchId == Id).OrderBy(a => a.RowIndex).ToListAsync();
        var rows = entries.Select(e => (Raw(e), (IReadOnlyList<FieldError>)Errors(e)));
        return File(Workbooks.ErrorWorkbook(category, rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{category.Name}-退回记录-{ProvincialTime.ToBeijing(batch.ReceivedAt):yyyyMMddHHmm}.xlsx");
    }

    /// <summary>The platform's signed receipt for the batch, as the API gives it: the unit keeps it as evidence of what it reported.</summary>
    public async Task<IActionResult> OnGetReceiptAsync()
    {
        if (await receipts.FindAsync(User.UnitId(), Id) is not { } receipt)
        {
            return NotFound();
        }

        return File(JsonSerializer.SerializeToUtf8Bytes(receipt, WireJson.Options), "application/json", $"回执-{Id}.json");
    }

    /// <summary>The unit's own rows, decrypted for the unit that reported them.</summary>
    public IReadOnlyDictionary<string, string?> Raw(AbnormalEntry entry) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(entry.RawJson)!.ToDictionary(kv => kv.Key, kv => kv.Value is null ? null : protector.Unprotect(kv.Value));

    public static List<FieldError> Errors(AbnormalEntry entry) => JsonSerializer.Deserialize<List<FieldError>>(entry.ErrorsJson, JsonSerializerOptions.Web)!;
}
