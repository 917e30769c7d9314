using CreditShare.Core.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Units;

public sealed class ContactForm
{
    public string? Name { get; set; }

    public string? OfficePhone { get; set; }

    public string? Mobile { get; set; }

    public string? Email { get; set; }

    public ContactInput ToInput() => new(Name, OfficePhone, Mobile, Email);

    public static ContactForm From(UnitContact? c) => new() { Name = c?.Name, OfficePhone = c?.OfficePhone, Mobile = c?.Mobile, Email = c?.Email };
}

public sealed class UnitForm
{
    public string? Name { get; set; }

    public string? Uscc { get; set; }

    public string? RegionCode { get; set; }

    public List<string> Roles { get; set; } = [];

    public ContactForm Responsible { get; set; } = new();

    public ContactForm Leader { get; set; } = new();

    public UnitInput ToInput() => new(Name, Uscc, RegionCode, Roles, Responsible.ToInput(), Leader.ToInput());
}

/// <summary>Create, view and edit one unit; suspension and the contact history live here too.</summary>
public sealed class EditModel(UnitRegistry units, ReportingAssignments assignments) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Id { get; set; }

    [BindProperty]
    public UnitForm Input { get; set; } = new();

    public UnitView? Unit { get; private set; }

    public IReadOnlyList<UnitContactChange> History { get; private set; } = [];

    /// <summary>What the unit reports and for whom (set on the 报送类别 page by a 业务审核员).</summary>
    public UnitReportingView? Reporting { get; private set; }

    public bool CanEdit => User.IsInRole(StaffRoles.SystemAdmin);

    /// <summary>A new unit's form has contacts to fill in; an existing unit's only for those who may read them.</summary>
    public bool ShowContacts => Unit?.ContactsVisible ?? CanEdit;

    private async Task LoadAsync(int id)
    {
        Unit = await units.FindAsync(User, id);
        if (Unit is not null)
        {
            var history = await units.HistoryAsync(User, id);
            History = history.IsOk ? history.Value! : [];
            Reporting = await assignments.ForUnitAsync(id);
        }
    }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Id is { } id)
        {
            await LoadAsync(id);
            if (Unit is null)
            {
                return NotFound();
            }

            Input = new UnitForm
            {
                Name = Unit.Name,
                Uscc = Unit.Uscc,
                RegionCode = Unit.RegionCode,
                Roles = [.. Unit.Roles],
                Responsible = ContactForm.From(Unit.Responsible),
                Leader = ContactForm.From(Unit.Leader),
            };
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        var outcome = Id is { } id ? await units.UpdateAsync(User, id, Input.ToInput()) : await units.CreateAsync(User, Input.ToInput());
        if (!outcome.IsOk)
        {
            outcome.CopyTo(ModelState);
            if (Id is { } existing)
            {
                await LoadAsync(existing);
            }

            return Page();
        }

        var warnings = outcome.Value!.Warnings.Select(w => w.Message);
        TempData["Notice"] = string.Join(" ", ["单位信息已保存。", .. warnings]);
        return RedirectToPage(new { id = outcome.Value.Id });
    }

    public async Task<IActionResult> OnPostStatusAsync(bool suspend)
    {
        if (!CanEdit || Id is null)
        {
            return Forbid();
        }

        var outcome = await units.SetStatusAsync(User, Id.Value, suspend ? UnitStatus.Suspended : UnitStatus.Active);
        TempData["Notice"] = outcome.IsOk ? (suspend ? "单位已暂停，其证书访问即时失效" : "单位已恢复") : outcome.Message;
        return RedirectToPage(new { id = Id });
    }
}
