using System.Net;
using CreditShare.Core.Accounts;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Credentials;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Credentials;

/// <summary>Every staff account accepts the terms of use (art. 4, 23) at its first sign-in and again when they change.</summary>
public class TermsOfUseTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    [Fact]
    public async Task An_account_that_has_not_accepted_the_terms_can_do_nothing_else_until_it_does_and_the_acceptance_is_audited()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier, acceptedTerms: false);
        using var client = await app.SignInAsync(staff);

        Assert.Equal("/SignIn/Terms", (await client.GetAsync("/")).Headers.Location!.OriginalString);
        var api = await (await client.GetAsync("/api/v1/units")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("account.must_accept_terms", api.Code);
        Assert.Contains("使用条款", api.Detail);

        var page = await client.GetStringAsync("/SignIn/Terms");
        foreach (var clause in TermsOfUse.Clauses)
        {
            Assert.Contains(clause, page);
        }

        // Not ticked: the reason next to the box, nothing stored.
        var unticked = await client.PostFormAsync("/SignIn/Terms", ("Accept", "false"));
        Assert.Equal(HttpStatusCode.OK, unticked.StatusCode);
        Assert.Contains("须勾选接受使用条款", await unticked.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.TermsAcceptances.AnyAsync(t => t.UserId == staff.Id)));

        var accepted = await client.PostFormAsync("/SignIn/Terms", ("Accept", "true"));
        Assert.Equal("/", accepted.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        var row = await app.WithDbAsync(db => db.TermsAcceptances.SingleAsync(t => t.UserId == staff.Id));
        Assert.Equal(TermsOfUse.Version, row.Version);
        Assert.Equal(app.Clock.GetUtcNow(), row.AcceptedAt);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e =>
            e.EventCode == (int)AuditEvent.Credential_TermsAccepted && e.Account == staff.UserName && e.Detail!.Contains(TermsOfUse.Version))));

        // Accepting twice records nothing new.
        await client.PostFormAsync("/SignIn/Terms", ("Accept", "true"));
        Assert.Equal(1, await app.WithDbAsync(db => db.TermsAcceptances.CountAsync(t => t.UserId == staff.Id)));
    }

    [Fact]
    public async Task An_acceptance_of_an_older_version_does_not_count_for_the_current_one()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Reviewer, acceptedTerms: false);
        await app.WithDbAsync(async db =>
        {
            db.TermsAcceptances.Add(new TermsAcceptance { Version = "2020-01", UserId = staff.Id, UnitCode = "x", AcceptedAt = app.Clock.GetUtcNow().AddYears(-1) });
            return await db.SaveChangesAsync();
        });
        using var client = await app.SignInAsync(staff);

        Assert.Equal("/SignIn/Terms", (await client.GetAsync("/Units")).Headers.Location!.OriginalString);
        await client.PostFormAsync("/SignIn/Terms", ("Accept", "true"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Units")).StatusCode);
    }

    [Fact]
    public async Task Sign_out_stays_open_to_an_account_that_has_not_accepted()
    {
        var staff = await app.CreateStaffAsync(StaffRoles.Querier, acceptedTerms: false);
        using var client = await app.SignInAsync(staff);

        // The terms page carries the layout's sign-out form: someone who will not accept can still leave.
        var html = await client.GetStringAsync("/SignIn/Terms");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var signOut = await client.PostAsync("/SignIn/SignOut", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal("/SignIn", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/SignIn/Terms")).StatusCode);
    }
}
