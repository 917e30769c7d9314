using CreditShare.Core.Accounts;
using CreditShare.Web.Attachments;
using CreditShare.Web.Data;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

/// <summary>One formal request: its documents, the review, the fulfilment and the result, each step by whoever may take it.</summary>
public sealed class RequestModel(AppDbContext db, QueryRequests requests, AttachmentStore attachments) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public QueryRequest? Query { get; private set; }

    public string Unit { get; private set; } = "";

    public IReadOnlyList<string> Subjects { get; private set; } = [];

    public List<RequestAttachment> Attachments { get; private set; } = [];

    public bool CanReview => User.IsInRole(StaffRoles.Reviewer) && Query is { Status: RequestStatus.Submitted } r && r.SubmittedBy != User.Actor();

    public bool CanFulfil => User.IsInRole(StaffRoles.Querier) && Query is { Status: RequestStatus.Approved } r && r.ReviewedBy != User.Actor() && r.SubmittedBy != User.Actor();

    public bool CanAddDocuments => Query is { Status: RequestStatus.Submitted };

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostReviewAsync(bool approve, string? reason) =>
        await AfterAsync(await requests.ReviewAsync(User, Id, approve, reason), approve ? "申请已批准，待查询员办理" : "申请已驳回");

    public async Task<IActionResult> OnPostFulfilAsync() =>
        await AfterAsync(await requests.FulfilAsync(User, Id), "已生成查询结果，送达申请单位收件箱");

    public async Task<IActionResult> OnPostAttachAsync(AttachmentKind kind, IFormFile? file)
    {
        if (file is not { Length: > 0 })
        {
            ModelState.AddModelError("file", "请选择文件");
            return await LoadAsync() ? Page() : NotFound();
        }

        return await AfterAsync(await requests.AddAttachmentAsync(User, Id, new UploadedFile(kind, await attachments.ReadAsync(file))), "材料已补充");
    }

    public async Task<IActionResult> OnGetDownloadAsync(long attachment)
    {
        var opened = await requests.OpenAsync(User, attachment);
        return opened is null || !System.IO.File.Exists(opened.Path) ? NotFound()
            : PhysicalFile(opened.Path, opened.Attachment.ContentType, opened.Attachment.FileName);
    }

    private async Task<IActionResult> AfterAsync(Outcome<QueryRequest> outcome, string notice)
    {
        if (!outcome.IsOk)
        {
            // The forms here are single buttons: every reason goes above them.
            foreach (var message in outcome.Errors.Select(e => e.Message).Prepend(outcome.Message).OfType<string>())
            {
                ModelState.AddModelError(string.Empty, message);
            }

            return await LoadAsync() ? Page() : NotFound();
        }

        TempData["Notice"] = notice;
        return RedirectToPage(new { id = Id });
    }

    private async Task<bool> LoadAsync()
    {
        Query = await db.QueryRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == Id);
        if (Query is null || !QueryRequests.MayRead(User, Query))
        {
            Query = null;
            return false;
        }

        Unit = await db.Units.Where(u => u.Id == Query.UnitId).Select(u => u.Name).FirstAsync();
        Subjects = requests.DisplaySubjects(Query);
        Attachments = await db.RequestAttachments.AsNoTracking().Where(a => a.RequestId == Id).OrderBy(a => a.Id).ToListAsync();
        return true;
    }
}
