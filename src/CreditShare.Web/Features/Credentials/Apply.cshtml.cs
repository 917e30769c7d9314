using CreditShare.Core.Credentials;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Credentials;

/// <summary>The online 附1 + 附2, as bound from the page (lists for the check boxes).</summary>
public sealed class ApplyInput
{
    public string OrganisationName { get; set; } = "";

    public string UnitCode { get; set; } = "";

    public string Address { get; set; } = "";

    public string PostalCode { get; set; } = "";

    public string UserName { get; set; } = "";

    public string OfficePhone { get; set; } = "";

    public string Mobile { get; set; } = "";

    public string Email { get; set; } = "";

    public IdDocumentType IdType { get; set; }

    public string IdNumber { get; set; } = "";

    public int Quantity { get; set; } = 1;

    public int ValidityMonths { get; set; } = 24;

    public DeliveryMethod Delivery { get; set; }

    public string AgentName { get; set; } = "";

    public string AgentDepartment { get; set; } = "";

    public string AgentPhone { get; set; } = "";

    public string AgentMobile { get; set; } = "";

    public string AgentEmail { get; set; } = "";

    public string AccountName { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    public bool AcceptTerms { get; set; }

    /// <summary>A personnel change or a new computer (art. 16): 附3 for the U-key it replaces is part of the application.</summary>
    public bool IsChange { get; set; }

    public ReplacementInput Replaces { get; set; } = new();

    public sealed class ReplacementInput
    {
        public string HolderName { get; set; } = "";

        public string HolderPhone { get; set; } = "";

        public string SerialNumber { get; set; } = "";

        public CancellationReason Reason { get; set; } = CancellationReason.UserInformationChanged;

        public string? ReasonText { get; set; }
    }

    public CredentialApplicationForm ToForm() => new()
    {
        OrganisationName = OrganisationName,
        UnitCode = UnitCode,
        Address = Address,
        PostalCode = PostalCode,
        UserName = UserName,
        OfficePhone = OfficePhone,
        Mobile = Mobile,
        Email = Email,
        IdType = IdType,
        IdNumber = IdNumber,
        Quantity = Quantity,
        ValidityMonths = ValidityMonths,
        Delivery = Delivery,
        AgentName = AgentName,
        AgentDepartment = AgentDepartment,
        AgentPhone = AgentPhone,
        AgentMobile = AgentMobile,
        AgentEmail = AgentEmail,
        AccountName = AccountName,
        Roles = Roles,
        AcceptedTermsVersion = AcceptTerms ? TermsOfUse.Version : null,
        Replaces = IsChange
            ? new CertificateReplacement
            {
                HolderName = Replaces.HolderName,
                HolderPhone = Replaces.HolderPhone,
                SerialNumber = Replaces.SerialNumber,
                Reason = Replaces.Reason,
                ReasonText = Replaces.ReasonText,
            }
            : null,
    };
}

/// <summary>A unit's agent fills in 附1 and 附2 online; no account needed.</summary>
public sealed class ApplyModel(CredentialApplications applications) : PageModel
{
    [BindProperty]
    public ApplyInput Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // Enum and number fields that did not bind are reported by the rules below with their Chinese reasons.
        ModelState.Clear();
        var outcome = await applications.SubmitAsync(User, Input.ToForm(), HttpContext.Connection.RemoteIpAddress?.ToString());
        if (!outcome.IsOk)
        {
            outcome.CopyTo(ModelState);
            return Page();
        }

        return RedirectToPage("/Credentials/Status", new { number = outcome.Value!.Number, submitted = true });
    }
}
