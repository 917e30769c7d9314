using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Credentials;

/// <summary>One application: the form as filled in, the scan, 受理, 审核 and issuance from the token's request.</summary>
public sealed class ApplicationModel(CredentialApplications applications) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Number { get; set; }

    [BindProperty]
    public string? Opinion { get; set; }

    [BindProperty]
    public string? Csr { get; set; }

    [BindProperty]
    public string? Serial { get; set; }

    [BindProperty]
    public string? Purpose { get; set; }

    public IssuedWithServerKey? ServerKey { get; private set; }

    [BindProperty]
    public Core.Credentials.DeliveryMethod DeliveryMethod { get; set; }

    [BindProperty]
    public string? TrackingNumber { get; set; }

    [BindProperty]
    public string? CollectedBy { get; set; }

    [BindProperty]
    public bool CollectorIdChecked { get; set; }

    public ApplicationView? Application { get; private set; }

    public string? InitialPassword { get; private set; }

    public string? IssuedPem { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAcceptAsync(bool agree)
    {
        var outcome = await applications.AcceptAsync(User, Number, new ReviewDecision(agree, Opinion));
        return await AfterAsync(outcome.IsOk, outcome.Message, outcome.Errors, agree ? "已受理（同意），等待另一人审核" : "已记录不予受理");
    }

    public async Task<IActionResult> OnPostApproveAsync(bool agree)
    {
        var outcome = await applications.ApproveAsync(User, Number, new ReviewDecision(agree, Opinion));
        if (outcome.IsOk)
        {
            InitialPassword = outcome.Value!.InitialPassword;
        }

        return await AfterAsync(outcome.IsOk, outcome.Message, outcome.Errors, agree ? "审核通过，账号已开通" : "已驳回");
    }

    public async Task<IActionResult> OnPostIssueAsync()
    {
        var outcome = await applications.IssueFromRequestAsync(User, Number, Csr);
        if (outcome.IsOk)
        {
            IssuedPem = outcome.Value!.CertificatePem;
        }

        return await AfterAsync(outcome.IsOk, outcome.Message, outcome.Errors, outcome.IsOk ? $"证书 {outcome.Value!.Certificate.SerialNumber} 已签发" : "");
    }

    public async Task<IActionResult> OnPostIssueServerKeyAsync()
    {
        var outcome = await applications.IssueServerKeyAsync(User, Number, Purpose);
        if (outcome.IsOk)
        {
            ServerKey = outcome.Value;
        }

        return await AfterAsync(outcome.IsOk, outcome.Message, outcome.Errors, outcome.IsOk ? $"证书 {outcome.Value!.Certificate.SerialNumber} 已签发，等待申请人领取" : "");
    }

    public async Task<IActionResult> OnPostDeliverAsync()
    {
        var outcome = await applications.RecordDeliveryAsync(User, Number, Serial ?? "",
            new Core.Credentials.DeliveryRecord(DeliveryMethod, TrackingNumber, CollectedBy, CollectorIdChecked));
        return await AfterAsync(outcome.IsOk, outcome.Message, outcome.Errors, outcome.IsOk ? $"U-key {outcome.Value!.SerialNumber} 的交付已登记" : "");
    }

    private async Task<IActionResult> AfterAsync(bool ok, string? message, IReadOnlyList<Core.FieldError> errors, string notice)
    {
        if (!ok)
        {
            var first = errors.Count > 0 ? errors[0].Field : null;
            var field = first switch
            {
                "csr" => nameof(Csr),
                "purpose" => nameof(Purpose),
                "opinion" => nameof(Opinion),
                "trackingNumber" => nameof(TrackingNumber),
                "collectedBy" => nameof(CollectedBy),
                "collectorIdChecked" => nameof(CollectorIdChecked),
                _ => string.Empty,
            };
            ModelState.AddModelError(field, message ?? string.Join("；", errors.Select(e => e.Message)));
        }
        else
        {
            TempData["Notice"] = notice;
        }

        return await LoadAsync() ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync()
    {
        var outcome = await applications.ViewAsync(Number);
        Application = outcome.Value;
        return outcome.IsOk;
    }
}
