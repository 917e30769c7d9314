using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;
using CreditShare.Core.Contract;
using CreditShare.Core.Sharing;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

/// <summary>
/// The query console of a data-user unit (art. 10): a purpose first, then subjects within the unit's grants, granted
/// fields only; every look and every export is audited with the records shown.
/// </summary>
public sealed class QueryModel(AppDbContext db, SharedData data, SharedExports exports, CatalogService catalog, AuditWriter audit) : PageModel
{
    public const string OtherPurpose = "其他";

    public static IReadOnlyList<string> Purposes { get; } =
        ["行政许可审批", "政府采购", "招标投标", "评优评先", "财政资金扶持", "公职人员招录", "日常监督管理", OtherPurpose];

    [BindProperty(SupportsGet = true)]
    public string? Purpose { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PurposeText { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    public UnitShare? Share { get; private set; }

    public List<(string Code, string Name, string Type)> Found { get; private set; } = [];

    public SharedSubject? Result { get; private set; }

    public Dictionary<string, CategoryDefinition> Definitions { get; private set; } = [];

    /// <summary>What is audited and stamped: the chosen purpose, or the written one.</summary>
    public string? StatedPurpose => Purpose == OtherPurpose ? PurposeText?.Trim() : string.IsNullOrWhiteSpace(PurposeText) ? Purpose : $"{Purpose}：{PurposeText.Trim()}";

    public async Task<IActionResult> OnGetAsync()
    {
        Share = await data.ShareAsync(User.UnitId());
        foreach (var category in Share.Categories)
        {
            if (await catalog.GetAsync(category) is { } definition)
            {
                Definitions[category] = definition;
            }
        }

        if (string.IsNullOrWhiteSpace(Q) && string.IsNullOrWhiteSpace(Code))
        {
            return Page();
        }

        if (CheckPurpose() is { } missing)
        {
            ModelState.AddModelError(missing.Field, missing.Message);
            return Page();
        }

        if (Share.Fields.Count == 0)
        {
            ModelState.AddModelError(string.Empty, "本单位没有在有效期内的共享授权，不能查询");
            return Page();
        }

        var code = string.IsNullOrWhiteSpace(Code) ? CodeText.Normalize(Q!).ToUpperInvariant() : Code;
        if (UnifiedSocialCreditCode.Check(code).IsValid || CitizenIdNumber.Check(code, data.Today).IsValid)
        {
            var subject = await data.FindSubjectAsync(code);
            if (subject is null)
            {
                await audit.WriteAsync(new AuditRecord(AuditEvent.Data_ConsoleQueried, AuditOutcome.Success) { Target = "subject:none", Purpose = StatedPurpose, ResultCount = 0 });
                ModelState.AddModelError(nameof(Q), "平台中没有该代码对应的主体");
                return Page();
            }

            if (subject.Type == SubjectType.NaturalPerson && !Share.NaturalPersons)
            {
                await audit.WriteAsync(new AuditRecord(AuditEvent.Data_SharingRefused, AuditOutcome.Refused) { Target = $"subject:{subject.Id}", Purpose = StatedPurpose, Detail = "natural_person_market" });
                ModelState.AddModelError(nameof(Q), UnitShare.NaturalPersonRefusal);
                return Page();
            }

            Result = await data.SubjectAsync(subject, code, Share);
            await audit.WriteAsync(new AuditRecord(AuditEvent.Data_ConsoleQueried, AuditOutcome.Success)
            {
                Target = $"subject:{subject.Id}",
                Purpose = StatedPurpose,
                ResultCount = Result.Records.Count,
                Shared = new SharedRecords(Share.UnitId, "console", [.. Result.Records.Select(r => r.Id)]),
            });
            return Page();
        }

        var words = (Q ?? "").Trim();
        if (words.Length < 2)
        {
            ModelState.AddModelError(nameof(Q), "请输入统一社会信用代码、身份证号，或名称中至少两个字");
            return Page();
        }

        // By name only organisations and individual businesses: a natural person is found by ID number alone.
        var categories = Share.Categories.ToList();
        var matches = await db.Subjects.AsNoTracking()
            .Where(s => s.Type != SubjectType.NaturalPerson && s.Name.Contains(words) && db.CreditRecords.Any(r => r.SubjectId == s.Id && categories.Contains(r.CategoryCode)))
            .OrderBy(s => s.Id).Take(20).Select(s => new { s.Key, s.Name, s.Type }).ToListAsync();
        Found = [.. matches.Select(m => (m.Key, m.Name, SubjectTypes.Label(m.Type)))];
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_ConsoleQueried, AuditOutcome.Success)
        { Target = $"search:{PersonalMask.Scrub(words)}", Purpose = StatedPurpose, ResultCount = Found.Count });
        return Page();
    }

    public async Task<IActionResult> OnPostExportAsync(string format)
    {
        if (CheckPurpose() is not null || string.IsNullOrWhiteSpace(Code))
        {
            return BadRequest();
        }

        var share = await data.ShareAsync(User.UnitId());
        var subject = await data.FindSubjectAsync(Code);
        if (subject is null || share.Fields.Count == 0 || (subject.Type == SubjectType.NaturalPerson && !share.NaturalPersons))
        {
            return NotFound();
        }

        var result = await data.SubjectAsync(subject, Code, share);
        var file = await exports.ExportAsync(User, share.UnitId, StatedPurpose!, result, format == SharedExports.Pdf ? SharedExports.Pdf : SharedExports.Xlsx);
        Response.Headers["X-Trace-Code"] = file.TraceCode;
        return File(file.Content, file.ContentType, file.FileName);
    }

    private FieldError? CheckPurpose() => StatedPurpose is not { Length: >= 2 and <= 200 }
        ? new FieldError(Purpose == OtherPurpose ? nameof(PurposeText) : nameof(Purpose), "sharing.purpose_required", "请先选择或填写查询用途（不超过200字），再查询")
        : null;
}
