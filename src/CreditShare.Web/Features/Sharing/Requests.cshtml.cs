using CreditShare.Core.Accounts;
using CreditShare.Core.Catalog;
using CreditShare.Core.Sharing;
using CreditShare.Web.Attachments;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

public sealed class RequestForm
{
    public int UnitId { get; set; }

    public string? Subjects { get; set; }

    public List<string> Categories { get; set; } = [];

    public string? Purpose { get; set; }

    public IFormFile? Letter { get; set; }

    public IFormFile? PersonIdCopy { get; set; }

    public IFormFile? Authorisation { get; set; }

    public IFormFile? AgentIdCopy { get; set; }
}

/// <summary>书面查询: the requests a user can see (pending ones with their age), the unit's inbox, and a new request.</summary>
public sealed class RequestsModel(AppDbContext db, QueryRequests requests, AttachmentStore attachments, CatalogService catalog, TimeProvider time) : PageModel
{
    [BindProperty]
    public RequestForm Input { get; set; } = new();

    public List<(QueryRequest Request, string Unit, bool HasResult)> List { get; private set; } = [];

    public IReadOnlyList<CategoryDefinition> Categories { get; private set; } = [];

    public List<(int Id, string Name)> DataUsers { get; private set; } = [];

    public bool CenterStaff => User.IsInRole(StaffRoles.Reviewer) || User.IsInRole(StaffRoles.Querier);

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        var files = new List<UploadedFile>();
        foreach (var (kind, file) in new[] { (AttachmentKind.OfficialLetter, Input.Letter), (AttachmentKind.PersonIdCopy, Input.PersonIdCopy),
            (AttachmentKind.Authorisation, Input.Authorisation), (AttachmentKind.AgentIdCopy, Input.AgentIdCopy) })
        {
            if (file is { Length: > 0 })
            {
                files.Add(new UploadedFile(kind, await attachments.ReadAsync(file)));
            }
        }

        var outcome = await requests.SubmitAsync(User, new RequestInput(Input.UnitId, Input.Subjects, Input.Categories, Input.Purpose), files);
        if (!outcome.IsOk)
        {
            outcome.CopyTo(ModelState);
            await LoadAsync();
            return Page();
        }

        TempData["Notice"] = $"申请 {outcome.Value!.Number} 已提交，待业务审核员审核";
        return RedirectToPage("/Sharing/Request", new { id = outcome.Value.Id });
    }

    private async Task LoadAsync()
    {
        var query = db.QueryRequests.AsNoTracking();
        if (!CenterStaff)
        {
            var own = User.UnitId();
            query = query.Where(r => r.UnitId == own);
        }

        var rows = await query.OrderBy(r => r.Status == RequestStatus.Submitted ? 0 : r.Status == RequestStatus.Approved ? 1 : 2).ThenByDescending(r => r.Id).Take(200).ToListAsync();
        var ids = rows.Select(r => r.Id).ToList();
        var withResult = await db.RequestAttachments.Where(a => ids.Contains(a.RequestId) && a.Kind == AttachmentKind.Result).Select(a => a.RequestId).ToListAsync();
        var units = await db.Units.AsNoTracking().ToListAsync();
        var names = units.ToDictionary(u => u.Id, u => u.Name);
        List = [.. rows.Select(r => (r, names.GetValueOrDefault(r.UnitId) ?? "", withResult.Contains(r.Id)))];
        Categories = await catalog.CurrentDefinitionsAsync();
        DataUsers = [.. units.Where(u => UnitKinds.IsDataUser(u.Roles)).Select(u => (u.Id, u.Name))];
    }
}
