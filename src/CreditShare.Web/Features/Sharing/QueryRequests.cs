using System.Security.Claims;
using System.Security.Cryptography;
using CreditShare.Core;
using CreditShare.Core.Accounts;
using CreditShare.Core.Codes;
using CreditShare.Core.Contract;
using CreditShare.Core.Sharing;
using CreditShare.Core.Subjects;
using CreditShare.Web.Attachments;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

/// <summary>A document for a formal request: which paper it is, and the file.</summary>
public sealed record UploadedFile(AttachmentKind Kind, AttachmentUpload File)
{
    public UploadedFile(AttachmentKind kind, string fileName, string? contentType, byte[] content)
        : this(kind, new AttachmentUpload(fileName, contentType, content))
    {
    }
}

public sealed record RequestInput(int UnitId, string? Subjects, IReadOnlyList<string>? Categories, string? Purpose);

public sealed record StoredAttachment(RequestAttachment Attachment, string Path);

/// <summary>
/// Formal written query requests (art. 13, 附3): a unit asks with an official letter; a 业务审核员 who did not submit it
/// approves or rejects it with a reason; a 查询员 who neither submitted nor reviewed it fulfils it; the result goes to
/// the requesting unit's inbox. A request about a natural person needs that person's ID copy, or their written
/// authorisation with the agent's ID copy, before it can be approved. Every step is audited.
/// </summary>
public sealed class QueryRequests(AppDbContext db, CatalogService catalog, SharedData data, SharedExports exports, PersonalDataProtector protector,
    AuditWriter audit, AttachmentStore attachments, TimeProvider time)
{
    public static string KindLabel(AttachmentKind kind) => kind switch
    {
        AttachmentKind.OfficialLetter => "公函",
        AttachmentKind.PersonIdCopy => "当事人身份证复印件",
        AttachmentKind.Authorisation => "当事人书面授权书",
        AttachmentKind.AgentIdCopy => "代理人身份证复印件",
        _ => "查询结果",
    };

    public static string StatusLabel(RequestStatus status) => status switch
    {
        RequestStatus.Submitted => "待审核",
        RequestStatus.Approved => "已批准，待办理",
        RequestStatus.Rejected => "已驳回",
        _ => "已办结",
    };

    public async Task<Outcome<QueryRequest>> SubmitAsync(ClaimsPrincipal who, RequestInput input, IReadOnlyList<UploadedFile> files)
    {
        var centerStaff = who.IsInRole(StaffRoles.Reviewer) || who.IsInRole(StaffRoles.Querier);
        var unitId = centerStaff ? input.UnitId : who.UnitId();
        var errors = new List<FieldError>();
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unitId);
        if (unit is null || !UnitKinds.IsDataUser(unit.Roles))
        {
            errors.Add(new FieldError("unitId", "request.not_data_user", "申请单位须为数据使用单位、信用服务机构或金融机构"));
        }

        var lines = (input.Subjects ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(SubjectIdentity.Normalize).Distinct().ToList();
        var today = data.Today;
        if (lines.Count is 0 or > 50)
        {
            errors.Add(new FieldError("subjects", "request.subjects_count", "请逐行填写 1 至 50 个统一社会信用代码或身份证号"));
        }

        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            if (!SubjectIdentity.IsSubjectCode(line, today))
            {
                errors.Add(new FieldError("subjects", "request.subject_invalid", $"第 {i + 1} 行“{PersonalMask.Scrub(line)}”不是有效的统一社会信用代码或身份证号"));
            }
        }

        var categories = input.Categories?.Distinct().ToList() ?? [];
        if (categories.Count == 0)
        {
            errors.Add(new FieldError("categories", "request.categories_required", "请选择查询的信息类别"));
        }

        foreach (var category in categories)
        {
            if (await catalog.GetAsync(category) is null)
            {
                errors.Add(new FieldError("categories", "request.category_unknown", $"信息类别“{category}”不存在"));
            }
        }

        if (string.IsNullOrWhiteSpace(input.Purpose) || input.Purpose.Trim().Length > 500)
        {
            errors.Add(new FieldError("purpose", "request.purpose_required", "请写明查询用途（不超过500字）"));
        }

        if (!files.Any(f => f.Kind == AttachmentKind.OfficialLetter))
        {
            errors.Add(new FieldError("letter", "request.letter_required", "请上传加盖公章的公函（PDF 或图片）"));
        }

        errors.AddRange(files.Select(f => attachments.Check(f.File, FieldOf(f.Kind))).OfType<FieldError>());
        if (errors.Count > 0)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Request_Refused, AuditOutcome.Refused) { Target = "request", Detail = string.Join(",", errors.Select(e => e.Code).Distinct()) });
            return Outcome<QueryRequest>.Invalid(errors);
        }

        var now = time.GetUtcNow();
        // An 18-digit code can pass both checks by chance: taken as an ID number, it is kept encrypted and the request
        // needs the person's consent — the safe side.
        bool IsIdNumber(string code) => SubjectIdentity.IsNaturalPerson(code, today);
        var request = new QueryRequest
        {
            Number = $"CX{ProvincialTime.ToBeijing(now):yyyyMMdd}-{RandomNumberGenerator.GetInt32(0, 1_000_000):D6}",
            UnitId = unitId,
            Subjects = [.. lines.Select(l => IsIdNumber(l) ? protector.Protect(l) : l)],
            Categories = categories,
            Purpose = input.Purpose!.Trim(),
            InvolvesNaturalPerson = lines.Any(IsIdNumber),
            Status = RequestStatus.Submitted,
            SubmittedBy = who.Actor(),
            SubmittedAt = now,
        };
        db.QueryRequests.Add(request);
        await StoreAsync(request, files, who.Actor(), async () => await db.SaveChangesAsync());
        await audit.WriteAsync(new AuditRecord(AuditEvent.Request_Submitted, AuditOutcome.Success)
        { Target = $"request:{request.Number}", Purpose = request.Purpose, Detail = $"unit={unit!.Uscc};subjects={lines.Count};categories={string.Join(',', categories)};natural_person={request.InvolvesNaturalPerson}" });
        return Outcome<QueryRequest>.Ok(request);
    }

    /// <summary>The submitting unit adds a missing document (an ID copy, say) while the request waits for review.</summary>
    public async Task<Outcome<QueryRequest>> AddAttachmentAsync(ClaimsPrincipal who, long id, UploadedFile file)
    {
        var request = await db.QueryRequests.FirstOrDefaultAsync(r => r.Id == id);
        if (request is null || !MayRead(who, request))
        {
            return Outcome<QueryRequest>.NotFound("request.not_found", "没有该申请");
        }

        if (request.Status != RequestStatus.Submitted || file.Kind == AttachmentKind.Result)
        {
            return Outcome<QueryRequest>.Conflict("request.not_open", "只能为待审核的申请补充材料");
        }

        if (attachments.Check(file.File, FieldOf(file.Kind)) is { } error)
        {
            return Outcome<QueryRequest>.Invalid(error);
        }

        await StoreAsync(request, [file], who.Actor(), async () => await db.SaveChangesAsync());
        await audit.WriteAsync(new AuditRecord(AuditEvent.Request_DocumentAdded, AuditOutcome.Success)
        { Target = $"request:{request.Number}", Detail = $"kind={file.Kind};bytes={file.File.Content.Length}" });
        return Outcome<QueryRequest>.Ok(request);
    }

    public async Task<Outcome<QueryRequest>> ReviewAsync(ClaimsPrincipal who, long id, bool approve, string? reason)
    {
        var request = await db.QueryRequests.FirstOrDefaultAsync(r => r.Id == id);
        if (request is null)
        {
            return Outcome<QueryRequest>.NotFound("request.not_found", "没有该申请");
        }

        var refusal = !who.IsInRole(StaffRoles.Reviewer) ? ("request.reviewer_required", "只有业务审核员可以审核书面查询申请")
            : !TwoPersonRule.IsDistinct(who.Actor(), request.SubmittedBy) ? ("request.self_review", "不能审核本人提交的申请")
            : request.Status != RequestStatus.Submitted ? ("request.not_open", $"该申请当前为“{StatusLabel(request.Status)}”")
            : ((string, string)?)null;
        if (refusal is { } r)
        {
            return await RefusedAsync(request, r.Item1, r.Item2);
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > 500)
        {
            return Outcome<QueryRequest>.Invalid(new FieldError("reason", "request.reason_required", "请填写审核意见（不超过500字）"));
        }

        if (approve && request.InvolvesNaturalPerson)
        {
            var kinds = await db.RequestAttachments.Where(a => a.RequestId == id).Select(a => a.Kind).Distinct().ToListAsync();
            if (PersonConsent.Check(request.InvolvesNaturalPerson, kinds.Contains(AttachmentKind.PersonIdCopy), kinds.Contains(AttachmentKind.Authorisation),
                kinds.Contains(AttachmentKind.AgentIdCopy)) is { } missing)
            {
                await audit.WriteAsync(new AuditRecord(AuditEvent.Request_Refused, AuditOutcome.Refused) { Target = $"request:{request.Number}", Detail = missing.Code });
                return Outcome<QueryRequest>.Invalid(missing);
            }
        }

        request.Status = approve ? RequestStatus.Approved : RequestStatus.Rejected;
        request.ReviewedBy = who.Actor();
        request.ReviewedAt = time.GetUtcNow();
        request.ReviewReason = reason.Trim();
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(approve ? AuditEvent.Request_Approved : AuditEvent.Request_Rejected, AuditOutcome.Success)
        { Target = $"request:{request.Number}", Detail = request.ReviewReason });
        return Outcome<QueryRequest>.Ok(request);
    }

    /// <summary>Produces the result document — the requested categories in every field short of "not shared" — into the unit's inbox.</summary>
    public async Task<Outcome<QueryRequest>> FulfilAsync(ClaimsPrincipal who, long id)
    {
        var request = await db.QueryRequests.FirstOrDefaultAsync(r => r.Id == id);
        if (request is null)
        {
            return Outcome<QueryRequest>.NotFound("request.not_found", "没有该申请");
        }

        var refusal = !who.IsInRole(StaffRoles.Querier) ? ("request.querier_required", "只有查询员可以办理书面查询申请")
            : !TwoPersonRule.IsDistinct(who.Actor(), request.SubmittedBy, request.ReviewedBy) ? ("request.same_person", "办理人不能是该申请的提交人或审核人")
            : request.Status != RequestStatus.Approved ? ("request.not_approved", $"该申请当前为“{StatusLabel(request.Status)}”，不能办理")
            : ((string, string)?)null;
        if (refusal is { } r)
        {
            return await RefusedAsync(request, r.Item1, r.Item2);
        }

        var fields = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var code in request.Categories)
        {
            if (await catalog.GetAsync(code) is { } definition)
            {
                fields[code] = UnitKinds.ForFormalRequest(definition);
            }
        }

        var restrictions = await db.SharingRestrictions.AsNoTracking().Where(x => request.Categories.Contains(x.CategoryCode)).ToListAsync();
        // Natural persons reach the unit here: a request about one was approved only with the person's consent on file.
        var scope = new UnitShare(request.UnitId, fields, restrictions.Where(x => !x.AllowedUnitIds.Contains(request.UnitId)).Select(x => (x.SourceUnitId, x.CategoryCode)).ToHashSet(),
            NaturalPersons: true);
        var results = new List<SharedSubject>();
        foreach (var stored in request.Subjects)
        {
            var code = protector.Unprotect(stored);
            var subject = await data.FindSubjectAsync(code);
            results.Add(subject is null ? new SharedSubject(code, "（平台中无此主体）", "", []) : await data.SubjectAsync(subject, code, scope));
        }

        var file = await exports.ExportAsync(who, request.UnitId, request.Purpose, results, SharedExports.Pdf, "request", request.Id);
        request.Status = RequestStatus.Fulfilled;
        request.FulfilledBy = who.Actor();
        request.FulfilledAt = time.GetUtcNow();
        await StoreAsync(request, [new UploadedFile(AttachmentKind.Result, file.FileName, file.ContentType, file.Content)], who.Actor(), async () => await db.SaveChangesAsync());
        await audit.WriteAsync(new AuditRecord(AuditEvent.Request_Fulfilled, AuditOutcome.Success)
        { Target = $"request:{request.Number}", Detail = $"trace={file.TraceCode};records={results.Sum(s => s.Records.Count)}" });
        return Outcome<QueryRequest>.Ok(request);
    }

    /// <summary>Center staff on the sharing desk see every request; a data-user unit's querier only the own unit's.</summary>
    public static bool MayRead(ClaimsPrincipal who, QueryRequest request) =>
        who.IsInRole(StaffRoles.Reviewer) || who.IsInRole(StaffRoles.Querier) || (who.IsInRole(StaffRoles.UserUnitQuerier) && request.UnitId == who.UnitId());

    /// <summary>An attachment for someone entitled to it, its download audited.</summary>
    public async Task<StoredAttachment?> OpenAsync(ClaimsPrincipal who, long attachmentId)
    {
        var attachment = await db.RequestAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId);
        var request = attachment is null ? null : await db.QueryRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == attachment.RequestId);
        if (attachment is null || request is null || !MayRead(who, request))
        {
            return null;
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_RequestDocumentDownloaded, AuditOutcome.Success)
        { Target = $"request:{request.Number}", Detail = $"attachment={attachment.Id};kind={attachment.Kind};sha256={attachment.Sha256}" });
        return new StoredAttachment(attachment, attachments.PathOf(attachment.StoredName));
    }

    public IReadOnlyList<string> DisplaySubjects(QueryRequest request) =>
        [.. request.Subjects.Select(s => PersonalDataProtector.IsProtected(s) ? CitizenIdNumber.Mask(protector.Unprotect(s)) : s)];

    private static string FieldOf(AttachmentKind kind) => kind switch
    {
        AttachmentKind.OfficialLetter => "letter",
        AttachmentKind.PersonIdCopy => "personIdCopy",
        AttachmentKind.Authorisation => "authorisation",
        AttachmentKind.AgentIdCopy => "agentIdCopy",
        _ => "result",
    };

    /// <summary>The request saved with its documents in one transaction, the files kept by the attachment store.</summary>
    private async Task StoreAsync(QueryRequest request, IReadOnlyList<UploadedFile> files, string by, Func<Task> save)
    {
        var now = time.GetUtcNow();
        await attachments.SaveAsync([.. files.Select(f => f.File)], async stored =>
        {
            await save();
            foreach (var (file, kept) in files.Zip(stored))
            {
                db.RequestAttachments.Add(new RequestAttachment
                {
                    RequestId = request.Id,
                    Kind = file.Kind,
                    FileName = kept.FileName,
                    ContentType = kept.ContentType,
                    Size = kept.Size,
                    Sha256 = kept.Sha256,
                    StoredName = kept.StoredName,
                    UploadedBy = by,
                    UploadedAt = now,
                });
            }

            await db.SaveChangesAsync();
        });
    }

    private async Task<Outcome<QueryRequest>> RefusedAsync(QueryRequest request, string code, string message)
    {
        await audit.WriteAsync(new AuditRecord(AuditEvent.Request_Refused, AuditOutcome.Refused) { Target = $"request:{request.Number}", Detail = code });
        return Outcome<QueryRequest>.Forbidden(code, message);
    }
}
