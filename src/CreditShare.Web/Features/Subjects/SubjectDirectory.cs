using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Subjects;

/// <summary>
/// Finds or creates the subject of each record in a batch (art. 3 integration): one query per 500 codes up front,
/// then lookups in memory. Natural persons are found by the keyed hash of their ID number, never by the number.
/// </summary>
public sealed class SubjectDirectory(AppDbContext db, PersonalDataProtector protector, DateTimeOffset now, int unitId)
{
    private readonly Dictionary<string, Subject> byUscc = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subject> byIdentity = new(StringComparer.Ordinal);
    private readonly HashSet<(Subject, string)> flagged = [];

    /// <summary>Subjects met for the first time in this batch; the caller gives them ids and writes them.</summary>
    public List<Subject> NewSubjects { get; } = [];

    /// <summary>Names to record: the first name of each new subject, and every differing name for review.</summary>
    public List<SubjectName> NewNames { get; } = [];

    public async Task PreloadAsync(CategoryDefinition category, IEnumerable<IReadOnlyDictionary<string, string>> rows, CancellationToken cancellationToken)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        var identities = new HashSet<string>(StringComparer.Ordinal);
        foreach (var values in rows)
        {
            if (Code(category, values) is { } code)
            {
                codes.Add(code);
            }

            if (Identity(category, values) is { } identity)
            {
                identities.Add(identity.Hash);
            }
        }

        foreach (var chunk in codes.Chunk(500))
        {
            foreach (var subject in await db.Subjects.AsNoTracking().Where(s => s.Uscc != null && chunk.Contains(s.Uscc)).ToListAsync(cancellationToken))
            {
                byUscc[subject.Uscc!] = subject;
            }
        }

        foreach (var chunk in identities.Chunk(500))
        {
            foreach (var subject in await db.Subjects.AsNoTracking().Where(s => s.IdentityHash != null && chunk.Contains(s.IdentityHash)).ToListAsync(cancellationToken))
            {
                byIdentity[subject.IdentityHash!] = subject;
            }
        }
    }

    public (Subject? Subject, FieldError? Error, FieldError? Warning) Resolve(CategoryDefinition category, RecordValidation validation)
    {
        var values = validation.Values;
        var type = validation.SubjectType ?? category.SubjectTypes[0];
        var name = values.TryGetValue(category.SubjectNameField, out var n) ? n.Trim() : "";
        var code = Code(category, values);
        var identity = Identity(category, values);
        if (type == SubjectType.LegalPerson && code is null)
        {
            return (null, new FieldError(category.SubjectCodeField ?? category.SubjectNameField, "subject.uscc_required", "法人及非法人组织须填写统一社会信用代码"), null);
        }

        if (type == SubjectType.NaturalPerson && identity is null)
        {
            return (null, new FieldError(category.SubjectIdNumberField ?? category.SubjectNameField, "subject.id_required", "自然人须填写证件号码"), null);
        }

        if (code is null && identity is null)
        {
            return (null, new FieldError(category.SubjectCodeField ?? category.SubjectNameField, "subject.identifier_required", "个体工商户须填写统一社会信用代码或经营者证件号码"), null);
        }

        Subject? subject = null;
        if (code is not null && type != SubjectType.NaturalPerson)
        {
            byUscc.TryGetValue(code, out subject);
        }
        else if (identity is not null)
        {
            byIdentity.TryGetValue(identity.Value.Hash, out subject);
        }

        if (subject is null)
        {
            subject = new Subject
            {
                Type = type,
                Uscc = type == SubjectType.NaturalPerson ? null : code,
                IdentityHash = code is null || type == SubjectType.NaturalPerson ? identity?.Hash : null,
                IdentityCipher = code is null || type == SubjectType.NaturalPerson ? (identity is { } id ? protector.Protect(id.Number) : null) : null,
                Name = name,
                CreatedAt = now,
                UpdatedAt = now,
            };
            NewSubjects.Add(subject);
            NewNames.Add(new SubjectName { Subject = subject, Name = name, SourceUnitId = unitId, FirstSeenAt = now });
            if (subject.Uscc is not null)
            {
                byUscc[subject.Uscc] = subject;
            }
            else
            {
                byIdentity[subject.IdentityHash!] = subject;
            }

            return (subject, null, null);
        }

        if (subject.Name == name)
        {
            return (subject, null, null);
        }

        if (flagged.Add((subject, name)))
        {
            NewNames.Add(new SubjectName { Subject = subject, Name = name, SourceUnitId = unitId, FirstSeenAt = now, NeedsReview = true });
        }

        // A natural person's registered name is not told to the reporter: that would disclose another unit's data.
        var message = subject.Type == SubjectType.NaturalPerson
            ? "该证件号码已登记的姓名与报送的不一致，已接收并提交中心核对"
            : $"该统一社会信用代码已登记的名称为“{subject.Name}”，与报送的“{name}”不一致，已接收并提交中心核对";
        return (subject, null, new FieldError(category.SubjectNameField, "name_mismatch", message));
    }

    private static string? Code(CategoryDefinition category, IReadOnlyDictionary<string, string> values) =>
        category.SubjectCodeField is { } field && values.TryGetValue(field, out var code) && code.Length > 0 ? code : null;

    private (string Number, string Hash)? Identity(CategoryDefinition category, IReadOnlyDictionary<string, string> values)
    {
        if (category.SubjectIdNumberField is not { } field || !values.TryGetValue(field, out var number) || number.Length == 0)
        {
            return null;
        }

        var kind = category.SubjectIdTypeField is { } typeField && values.TryGetValue(typeField, out var t) ? t : "身份证";
        return (number, protector.LookupHash($"{kind}:{number}"));
    }
}
