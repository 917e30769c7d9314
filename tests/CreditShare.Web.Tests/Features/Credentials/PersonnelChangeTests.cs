using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Core.Credentials;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Credentials;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Credentials;

/// <summary>Art. 16: a personnel change or a new computer is one flow — the newcomer's U-key issued, the leaver's cancelled, audited as one change.</summary>
public class PersonnelChangeTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private readonly string work = Path.Combine(Path.GetTempPath(), $"creditshare-change-{Guid.NewGuid():N}");

    private HttpClient Anonymous() => app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private Task<(string Number, string Serial, ApprovalResult Approval)> IssuedAsync(CredentialApplicationForm form, string holder = UKeyRig.UserName) =>
        UKeyRig.IssuedAsync(app, form, work, holder);

    [Fact]
    public async Task A_newcomer_gets_a_u_key_and_the_leavers_is_cancelled_and_the_leavers_account_suspended_in_one_change()
    {
        // The leaver holds a U-key bound to an account that is signed in right now.
        var leaver = await app.CreateStaffAsync(StaffRoles.Reporter, unit: "source");
        var leaverForm = await UKeyRig.FormAsync(app) with { AccountName = leaver.UserName };
        var (_, oldSerial, _) = await IssuedAsync(leaverForm, "王建军");
        using var leaverSession = await app.SignInAsync(leaver);
        Assert.Equal(HttpStatusCode.OK, (await leaverSession.GetAsync("/Reporting")).StatusCode);

        // The unit applies for the newcomer with 附3 for the leaver's U-key, its serial copied with colons and lower case.
        var copied = string.Join(':', oldSerial.ToLowerInvariant().Chunk(2).Select(c => new string(c)));
        var form = await UKeyRig.FormAsync(app) with
        {
            Replaces = new CertificateReplacement { HolderName = "王建军", HolderPhone = "0951-6012399", SerialNumber = copied, Reason = CancellationReason.UserInformationChanged },
        };
        var forms = await Anonymous().GetAsync($"/api/v1/credential-applications/{await UKeyRig.SubmitAsync(Anonymous(), form)}/forms.pdf");
        Assert.Equal(HttpStatusCode.OK, forms.StatusCode);
        Assert.Equal(3, PdfSharp.Pdf.IO.PdfReader.Open(await forms.Content.ReadAsStreamAsync(), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import).PageCount);

        var (number, newSerial, approval) = await IssuedAsync(form, UKeyRig.UserName);
        Assert.Equal(oldSerial, approval.Application.Form.Replaces!.SerialNumber);

        var old = await app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == oldSerial));
        Assert.NotNull(old.RevokedAt);
        Assert.Equal((int)X509RevocationReason.AffiliationChanged, old.RevocationCode);
        Assert.Contains(newSerial, old.RevocationReason);
        var replacement = await app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == newSerial));
        Assert.Equal(oldSerial, replacement.ReplacesSerial);
        Assert.Null(replacement.RevokedAt);

        // The leaver's account is suspended and its session ends on its very next request.
        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == leaver.Id).Select(u => u.IsSuspended).SingleAsync()));
        var next = await leaverSession.GetAsync("/Reporting");
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.Contains("/SignIn", next.Headers.Location!.OriginalString);

        // One change, one entry naming both certificates; staged with the issuance, so both or neither.
        var change = await app.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.EventCode == (int)AuditEvent.Credential_PersonnelChanged && e.Target == $"certificate:{oldSerial}"));
        Assert.Contains($"new={newSerial}", change.Detail);
        Assert.Contains($"application={number}", change.Detail);
        Assert.Contains($"leaver_suspended={leaver.UserName}", change.Detail);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.EventCode == (int)AuditEvent.Account_Suspended && e.Target == $"account:{leaver.UserName}")));
    }

    [Fact]
    public async Task A_new_computer_for_the_same_person_replaces_the_u_key_and_keeps_the_account()
    {
        var form = await UKeyRig.FormAsync(app);
        var (_, oldSerial, first) = await IssuedAsync(form);

        var change = form with
        {
            Replaces = new CertificateReplacement { HolderName = UKeyRig.UserName, HolderPhone = "0951-6012345", SerialNumber = oldSerial, Reason = CancellationReason.Other, ReasonText = "更换电脑" },
        };
        var (_, newSerial, second) = await IssuedAsync(change);

        Assert.Equal(first.Application.StaffUserId, second.Application.StaffUserId);
        Assert.False(await app.WithDbAsync(db => db.Users.Where(u => u.Id == first.Application.StaffUserId).Select(u => u.IsSuspended).SingleAsync()));
        var old = await app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == oldSerial));
        Assert.NotNull(old.RevokedAt);
        Assert.Contains("更换电脑", old.RevocationReason);
        Assert.Contains("leaver_suspended=-", await app.WithDbAsync(db => db.AuditEntries
            .Where(e => e.EventCode == (int)AuditEvent.Credential_PersonnelChanged && e.Target == $"certificate:{oldSerial}").Select(e => e.Detail).SingleAsync()));
        Assert.NotEqual(oldSerial, newSerial);
    }

    [Fact]
    public async Task A_change_naming_a_serial_the_unit_does_not_hold_is_refused_with_one_answer_for_unknown_and_foreign()
    {
        var foreignForm = await UKeyRig.FormAsync(app, unit: "user");
        var (_, foreignSerial, _) = await IssuedAsync(foreignForm);

        foreach (var serial in new[] { foreignSerial, "0123456789ABCDEF" })
        {
            var form = await UKeyRig.FormAsync(app) with
            {
                Replaces = new CertificateReplacement { HolderName = "王建军", HolderPhone = "0951-6012399", SerialNumber = serial },
            };
            var refused = await Anonymous().PostAsJsonAsync("/api/v1/credential-applications", form, WireJson.Options);
            var problem = await refused.ProblemAsync(HttpStatusCode.BadRequest);
            var error = Assert.Single(problem.Errors);
            Assert.Equal(("replaces.serialNumber", "application.replaced_unknown"), (error.Field, error.Code));
        }

        Assert.Null(await app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().Where(c => c.SerialNumber == foreignSerial).Select(c => c.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task The_office_sees_u_keys_by_status_per_unit_and_per_person_with_what_replaced_what()
    {
        var form = await UKeyRig.FormAsync(app);
        var (_, oldSerial, first) = await IssuedAsync(form);
        var (_, newSerial, _) = await IssuedAsync(form with
        {
            Replaces = new CertificateReplacement { HolderName = UKeyRig.UserName, HolderPhone = "0951-6012345", SerialNumber = oldSerial, Reason = CancellationReason.Damaged },
        });
        using var office = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.CertificateOperator));

        var person = await office.GetStringAsync($"/Credentials?status=all&account={form.AccountName}");
        Assert.Contains($"data-serial=\"{oldSerial}\" data-status=\"revoked\"", person);
        Assert.Contains($"data-serial=\"{newSerial}\" data-status=\"valid\"", person);
        Assert.Contains($"接替 {oldSerial}", person);
        Assert.Contains("U-key损坏", person);

        var revoked = await office.GetStringAsync($"/Credentials?status=revoked&unit={app.UnitIds["source"]}");
        Assert.Contains(oldSerial, revoked);
        Assert.DoesNotContain($"data-serial=\"{newSerial}\"", revoked);
        var otherUnit = await office.GetStringAsync($"/Credentials?status=all&unit={app.UnitIds["user"]}");
        Assert.DoesNotContain(oldSerial, otherUnit);

        // The default list is the office's work: what expires within 60 days. Nothing here yet; 24 months on, the new one.
        Assert.DoesNotContain($"data-serial=\"{newSerial}\"", await office.GetStringAsync("/Credentials"));
        Assert.Contains($"data-unit=\"{app.UnitIds["source"]}\"", await office.GetStringAsync("/Credentials"));
        Assert.NotNull(first.Application.StaffUserId);
    }
}
