using System.Text.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Sharing;
using CreditShare.Web.Tests.Features.Reporting;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Sharing;

/// <summary>Formal requests (art. 13), traceable exports (art. 23) and source units narrowing sharing (art. 9).</summary>
public class RequestsAndExportsTests(SharingApp app) : IClassFixture<SharingApp>
{
    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray();

    private static UploadedFile File(AttachmentKind kind, string name = "letter.pdf", byte[]? content = null) => new(kind, name, "application/pdf", content ?? Pdf);

    private async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    [Fact]
    public async Task A_request_about_a_natural_person_is_approved_only_with_consent_papers_and_fulfilled_by_a_third_person()
    {
        var id = TestRecords.IdNumber(TestRecords.Next());
        var recordId = (await app.ReportAsync("source", "XZCF", TestRecords.PersonPenalty(TestRecords.Next(), id)))[0];
        var userQuerier = SharingApp.Staff("uq-" + Guid.NewGuid().ToString("N")[..6], StaffRoles.UserUnitQuerier, app.UnitIds["user"]);
        var reviewer = SharingApp.Staff("rv", StaffRoles.Reviewer);
        var submitted = await WithAsync(s => s.GetRequiredService<QueryRequests>()
            .SubmitAsync(userQuerier, new RequestInput(0, id, ["XZCF"], "办理低保资格审核，依据《社会救助暂行办法》"), [File(AttachmentKind.OfficialLetter)]));
        Assert.True(submitted.IsOk, string.Join("; ", submitted.Errors.Select(e => e.Message)));
        var request = submitted.Value!;
        Assert.True(request.InvolvesNaturalPerson);
        Assert.DoesNotContain(id, string.Join(",", await app.WithDbAsync(db => db.QueryRequests.Where(r => r.Id == request.Id).Select(r => r.Subjects).SingleAsync())));

        var refused = await WithAsync(s => s.GetRequiredService<QueryRequests>().ReviewAsync(reviewer, request.Id, true, "材料齐全"));
        Assert.Equal("request.person_consent_required", Assert.Single(refused.Errors).Code);
        // Authorisation alone is not enough; with the agent's ID copy it is.
        await WithAsync(s => s.GetRequiredService<QueryRequests>().AddAttachmentAsync(userQuerier, request.Id, File(AttachmentKind.Authorisation, "auth.pdf")));
        Assert.False((await WithAsync(s => s.GetRequiredService<QueryRequests>().ReviewAsync(reviewer, request.Id, true, "材料齐全"))).IsOk);
        await WithAsync(s => s.GetRequiredService<QueryRequests>().AddAttachmentAsync(userQuerier, request.Id, File(AttachmentKind.AgentIdCopy, "agent.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2])));
        Assert.Equal("request.reviewer_required", (await WithAsync(s => s.GetRequiredService<QueryRequests>().ReviewAsync(SharingApp.Staff("qq", StaffRoles.Querier), request.Id, true, "ok"))).Code);
        Assert.True((await WithAsync(s => s.GetRequiredService<QueryRequests>().ReviewAsync(reviewer, request.Id, true, "材料齐全，同意"))).IsOk);
        var steps = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"request:{request.Number}").OrderBy(e => e.Sequence).Select(e => e.EventCode).ToListAsync());
        // Every step is audited, the refused ones too.
        AuditEvent[] expected = [AuditEvent.Request_Submitted, AuditEvent.Request_Refused, AuditEvent.Request_DocumentAdded, AuditEvent.Request_Refused,
            AuditEvent.Request_DocumentAdded, AuditEvent.Request_Refused, AuditEvent.Request_Approved];
        Assert.Equal(expected.Select(e => (int)e), steps);

        // The reviewer cannot fulfil; another querier can.
        var asReviewer = SharingApp.Staff("rv", StaffRoles.Querier);
        Assert.Equal("request.same_person", (await WithAsync(s => s.GetRequiredService<QueryRequests>().FulfilAsync(asReviewer, request.Id))).Code);
        var fulfilled = await WithAsync(s => s.GetRequiredService<QueryRequests>().FulfilAsync(SharingApp.Staff("qq", StaffRoles.Querier), request.Id));
        Assert.True(fulfilled.IsOk, fulfilled.Message);

        var result = await app.WithDbAsync(db => db.RequestAttachments.SingleAsync(a => a.RequestId == request.Id && a.Kind == AttachmentKind.Result));
        Assert.True(global::System.IO.File.Exists(Path.Combine(app.AttachmentDirectory, result.StoredName)));
        var export = await app.WithDbAsync(db => db.ShareExports.SingleAsync(e => e.RequestId == request.Id));
        Assert.Equal((app.UnitIds["user"], 1), (export.UnitId, export.RecordCount));
        var access = await app.WithDbAsync(db => db.SharedRecordAccesses.SingleAsync(a => a.RecordId == recordId && a.Channel == "request"));
        Assert.Equal(app.UnitIds["user"], access.UnitId);

        // Only the requesting unit (and the center) may open the documents; each opening is audited.
        var other = SharingApp.Staff("bank-q", StaffRoles.UserUnitQuerier, app.UnitIds["bank"]);
        Assert.Null(await WithAsync(s => s.GetRequiredService<QueryRequests>().OpenAsync(other, result.Id)));
        Assert.NotNull(await WithAsync(s => s.GetRequiredService<QueryRequests>().OpenAsync(userQuerier, result.Id)));
    }

    [Fact]
    public async Task An_ID_number_that_also_passes_the_USCC_check_is_taken_as_a_person()
    {
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var both = Enumerable.Range(0, 100_000).Select(TestRecords.IdNumber)
            .First(n => CreditShare.Core.Codes.UnifiedSocialCreditCode.Check(n).IsValid && CreditShare.Core.Codes.CitizenIdNumber.Check(n, today).IsValid);
        var submitted = await WithAsync(s => s.GetRequiredService<QueryRequests>().SubmitAsync(SharingApp.Staff("uq3", StaffRoles.UserUnitQuerier, app.UnitIds["user"]),
            new RequestInput(0, both, ["XZCF"], "社会救助资格审核"), [File(AttachmentKind.OfficialLetter)]));
        Assert.True(submitted.Value!.InvolvesNaturalPerson);
        Assert.DoesNotContain(both, string.Join(",", submitted.Value.Subjects));
    }

    [Fact]
    public async Task A_request_registered_by_a_reviewer_is_not_approved_by_the_same_reviewer()
    {
        var reviewer = SharingApp.Staff("desk-" + Guid.NewGuid().ToString("N")[..6], StaffRoles.Reviewer);
        var submitted = await WithAsync(s => s.GetRequiredService<QueryRequests>()
            .SubmitAsync(reviewer, new RequestInput(app.UnitIds["user"], TestRecords.Company(TestRecords.Next()), ["XZCF"], "纸质公函登记"), [File(AttachmentKind.OfficialLetter)]));
        Assert.True(submitted.IsOk, string.Join("; ", submitted.Errors.Select(e => e.Message)));
        Assert.Equal(app.UnitIds["user"], submitted.Value!.UnitId);
        var own = await WithAsync(s => s.GetRequiredService<QueryRequests>().ReviewAsync(reviewer, submitted.Value.Id, true, "同意"));
        Assert.Equal("request.self_review", own.Code);
        Assert.Equal(RequestStatus.Submitted, await app.WithDbAsync(db => db.QueryRequests.Where(r => r.Id == submitted.Value.Id).Select(r => r.Status).SingleAsync()));
        // Not approved, so not fulfillable either.
        Assert.Equal("request.not_approved", (await WithAsync(s => s.GetRequiredService<QueryRequests>().FulfilAsync(SharingApp.Staff("q9", StaffRoles.Querier), submitted.Value.Id))).Code);
    }

    [Fact]
    public async Task A_file_that_claims_to_be_a_PDF_but_is_not_is_refused_and_nothing_is_kept()
    {
        var before = Directory.Exists(app.AttachmentDirectory) ? Directory.GetFiles(app.AttachmentDirectory).Length : 0;
        var requests = await app.WithDbAsync(db => db.QueryRequests.CountAsync());
        var userQuerier = SharingApp.Staff("uq2", StaffRoles.UserUnitQuerier, app.UnitIds["user"]);
        var fake = File(AttachmentKind.OfficialLetter, "公函.pdf", "MZ\x90\0 this is an executable"u8.ToArray());
        var outcome = await WithAsync(s => s.GetRequiredService<QueryRequests>()
            .SubmitAsync(userQuerier, new RequestInput(0, TestRecords.Company(TestRecords.Next()), ["XZCF"], "招标投标资格审查"), [fake]));
        Assert.Equal(("letter", "attachment.content_mismatch"), (Assert.Single(outcome.Errors).Field, outcome.Errors[0].Code));
        var unknown = await WithAsync(s => s.GetRequiredService<QueryRequests>()
            .SubmitAsync(userQuerier, new RequestInput(0, "12345", ["XZCF"], ""), []));
        Assert.Equal(["request.letter_required", "request.purpose_required", "request.subject_invalid"], unknown.Errors.Select(e => e.Code).Order());
        Assert.Equal(requests, await app.WithDbAsync(db => db.QueryRequests.CountAsync()));
        Assert.Equal(before, Directory.Exists(app.AttachmentDirectory) ? Directory.GetFiles(app.AttachmentDirectory).Length : 0);
    }

    [Fact]
    public async Task The_audit_admins_access_page_resolves_a_trace_code_to_its_recipient_and_records()
    {
        var company = TestRecords.Company(TestRecords.Next());
        var ids = await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next(), company));
        if (!await app.WithDbAsync(db => db.SharingGrants.AnyAsync(g => g.UnitId == app.UnitIds["user"] && g.CategoryCode == "XZCF")))
        {
            await app.GrantAsync("user", "XZCF", ["CF_XDR_MC", "CF_WSH"]);
        }

        var file = await WithAsync(async s =>
        {
            var data = s.GetRequiredService<SharedData>();
            var subject = await data.SubjectAsync((await data.FindSubjectAsync(company))!, company, await data.ShareAsync(app.UnitIds["user"]));
            return await s.GetRequiredService<SharedExports>().ExportAsync(SharingApp.Staff("tracer", StaffRoles.UserUnitQuerier, app.UnitIds["user"]), app.UnitIds["user"], "招标投标", subject, SharedExports.Xlsx);
        });
        var auditor = await app.SignInOverTlsAsync(await app.CreateStaffAsync(StaffRoles.AuditAdmin));

        var page = System.Net.WebUtility.HtmlDecode(await auditor.GetStringAsync($"/Audit/Access?trace={file.TraceCode.ToLowerInvariant()}"));

        Assert.Contains("<td id=\"trace-unit\">测试发展和改革委员会</td>", page);
        Assert.Contains("<td id=\"trace-account\">tracer</td>", page);
        Assert.Contains($"<th>记录（1）</th><td class=\"mono small\">{ids[0]}</td>", page);
        var unknown = System.Net.WebUtility.HtmlDecode(await auditor.GetStringAsync("/Audit/Access?trace=AAAA-BBBB-CCCC"));
        Assert.Contains("没有该追溯码对应的导出记录", unknown);
        Assert.Equal(2, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EventCode == (int)AuditEvent.Data_ExportTraced
            && (e.Target == $"export:{file.TraceCode}" || e.Target == "export:AAAA-BBBB-CCCC"))));
    }

    [Fact]
    public async Task An_export_carries_its_trace_code_visibly_and_inside_and_the_code_resolves_to_its_recipient()
    {
        var company = TestRecords.Company(TestRecords.Next());
        var ids = await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next(), company));
        if (!await app.WithDbAsync(db => db.SharingGrants.AnyAsync(g => g.UnitId == app.UnitIds["user"] && g.CategoryCode == "XZCF")))
        {
            await app.GrantAsync("user", "XZCF", ["CF_XDR_MC", "CF_WSH"]);
        }

        var who = SharingApp.Staff("leaky", StaffRoles.UserUnitQuerier, app.UnitIds["user"]);
        var file = await WithAsync(async s =>
        {
            var data = s.GetRequiredService<SharedData>();
            var subject = await data.SubjectAsync((await data.FindSubjectAsync(company))!, company, await data.ShareAsync(app.UnitIds["user"]));
            return await s.GetRequiredService<SharedExports>().ExportAsync(who, app.UnitIds["user"], "招标投标", subject, SharedExports.Xlsx);
        });

        using (var workbook = SpreadsheetDocument.Open(new MemoryStream(file.Content), false))
        {
            Assert.Equal($"trace:{file.TraceCode}", workbook.PackageProperties.Keywords);
            var text = string.Concat(workbook.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Text>()).Select(t => t.Text));
            Assert.Contains(file.TraceCode, text);
            Assert.Contains("测试发展和改革委员会", text);
            Assert.Contains("leaky", text);
        }

        var pdf = await WithAsync(async s =>
        {
            var data = s.GetRequiredService<SharedData>();
            var subject = await data.SubjectAsync((await data.FindSubjectAsync(company))!, company, await data.ShareAsync(app.UnitIds["user"]));
            return await s.GetRequiredService<SharedExports>().ExportAsync(who, app.UnitIds["user"], "招标投标", subject, SharedExports.Pdf);
        });
        using (var document = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(pdf.Content), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import))
        {
            Assert.Equal($"trace:{pdf.TraceCode}", document.Info.Keywords);
        }

        var traced = await app.WithDbAsync(db => AccessTrail.TraceAsync(db, file.TraceCode.ToLowerInvariant()));
        Assert.NotNull(traced);
        Assert.Equal(("测试发展和改革委员会", "leaky", "xlsx"), (traced.Value.UnitName, traced.Value.Export.Account, traced.Value.Export.Format));
        Assert.Equal(ids, traced.Value.RecordIds);
        Assert.Null(await app.WithDbAsync(db => AccessTrail.TraceAsync(db, "AAAA-BBBB-CCCC")));
    }

    [Fact]
    public async Task A_source_unit_can_keep_a_category_of_its_records_to_named_units()
    {
        if (!await app.WithDbAsync(db => db.SharingGrants.AnyAsync(g => g.UnitId == app.UnitIds["user"] && g.CategoryCode == "XZCF")))
        {
            await app.GrantAsync("user", "XZCF", ["CF_XDR_MC", "CF_WSH"]);
        }

        var company = TestRecords.Company(TestRecords.Next());
        var ours = await app.ReportAsync("source2", "XZCF", TestRecords.Penalty(TestRecords.Next(), company));
        var theirs = await app.ReportAsync("source", "XZCF", TestRecords.Penalty(TestRecords.Next(), company));
        var reporter = SharingApp.Staff("rep2", StaffRoles.Reporter, app.UnitIds["source2"]);
        var restricted = await WithAsync(s => s.GetRequiredService<Grants>().RestrictAsync(reporter, "XZCF", [app.UnitIds["bank"]]));
        Assert.True(restricted.IsOk, restricted.Message);

        using var user = app.Unit("user");
        var records = JsonSerializer.Deserialize<SharedSubject>(await user.GetStringAsync($"/api/v1/shared/subjects/{company}?purpose=%E6%A0%B8%E6%9F%A5"), WireJson.Options)!.Records
            .Select(r => r.Id).ToList();
        Assert.Equal(theirs, records);

        Assert.True((await WithAsync(s => s.GetRequiredService<Grants>().RestrictAsync(reporter, "XZCF", null))).IsOk);
        records = JsonSerializer.Deserialize<SharedSubject>(await user.GetStringAsync($"/api/v1/shared/subjects/{company}?purpose=%E6%A0%B8%E6%9F%A5"), WireJson.Options)!.Records
            .Select(r => r.Id).ToList();
        Assert.Equal(ours.Concat(theirs).Order(), records.Order());
        Assert.Equal("restriction.not_source_unit", (await WithAsync(s => s.GetRequiredService<Grants>().RestrictAsync(SharingApp.Staff("x", StaffRoles.Reporter, app.UnitIds["user"]), "XZCF", null))).Code);
    }
}
