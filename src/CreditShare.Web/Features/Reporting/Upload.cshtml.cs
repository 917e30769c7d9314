using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Core.Reporting;
using CreditShare.Web.Data;
using CreditShare.Web.Documents;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Reporting;

/// <summary>Decentralised reporting by file: an .xlsx made from the template, or a CSV (UTF-8 or GB18030).</summary>
[RequestSizeLimit(MaxFileBytes + (1024 * 1024))]
[RequestFormLimits(MultipartBodyLengthLimit = MaxFileBytes)]
public sealed class UploadModel(CatalogService catalog, ReportingService reporting, AppDbContext db) : PageModel
{
    public const int MaxFileBytes = 20 * 1024 * 1024;

    [BindProperty(SupportsGet = true)]
    public string Category { get; set; } = "";

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public CategoryDefinition? Definition { get; private set; }

    /// <summary>Why this unit may not report the category (not assigned by the center); the service refuses a file all the same.</summary>
    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Definition = await catalog.GetAsync(Category);
        if (Definition is null)
        {
            return NotFound();
        }

        var reporter = await ReportingAssignments.ReporterAsync(db, User.UnitId());
        Refusal = reporter is null ? "报送单位未登记" : ReportingAuthority.Refusal(Definition, reporter)?.Message;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Definition = await catalog.GetAsync(Category);
        if (Definition is null)
        {
            return NotFound();
        }

        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), "请选择要上传的 .xlsx 或 .csv 文件");
            return Page();
        }

        var extension = Path.GetExtension(Upload.FileName).ToLowerInvariant();
        (List<IReadOnlyDictionary<string, string?>>? Rows, List<FieldError> Errors, FileRead? Read) parsed;
        byte[] bytes;
        await using (var stream = Upload.OpenReadStream())
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer);
            bytes = buffer.ToArray();
        }

        parsed = extension switch
        {
            ".xlsx" => Workbooks.Read(new MemoryStream(bytes), Definition),
            ".csv" => ReportParsing.ParseCsv(bytes, Definition),
            _ => (null, [new FieldError("$", "upload.file_type", "只接受 .xlsx 或 .csv 文件")], null),
        };
        if (parsed.Rows is null)
        {
            foreach (var error in parsed.Errors)
            {
                ModelState.AddModelError(nameof(Upload), error.Message);
            }

            return Page();
        }

        var outcome = await reporting.SubmitAsync(PortalSubmitter.For(User, "upload"), Category, parsed.Rows, null, ReportingService.HashBody(bytes), parsed.Read);
        if (!outcome.IsOk)
        {
            ModelState.AddModelError(nameof(Upload), outcome.Message ?? string.Join("；", outcome.Errors.Select(e => e.Message)));
            return Page();
        }

        return RedirectToPage("/Reporting/Batch", new { id = outcome.Value!.BatchId });
    }
}
