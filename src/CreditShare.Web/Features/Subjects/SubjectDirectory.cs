using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Core.Subjects;
using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Subjects;

/// <summary>
/// Who a row is about: a USCC, or the keyed hash of an ID number with the number already encrypted. Worked out from the
/// row alone, so it is done before a batch waits for the database.
/// </summary>
public sealed record SubjectKey(SubjectType Type, string Name, string? Uscc, string? IdentityHash, string? IdentityCipher, string? RegistrationNumber = null)
{
    /// <summary>See <see cref="Subject.Key"/>.</summary>
    public string Key => Uscc ?? IdentityHash ?? SubjectIdentification.RegistrationKey(RegistrationNumber!);
}

/// <summary>
/// Finds or creates the subject of each record in a batch (art. 3 integration): one query up front, then lookups in
/// memory. Natural persons are found by the keyed hash of their ID number, never by the number.
/// </summary>
public sealed class SubjectDirectory(AppDbContext db, DateTimeOffset now, int unitId)
{
    private readonly Dictionary<string, Subject> byKey = new(StringComparer.Ordinal);
    private readonly HashSet<(Subject, string)> flagged = [];

    /// <summary>Subjects met for the first time in this batch; the caller gives them ids and writes them.</summary>
    public List<Subject> NewSubjects { get; } = [];

    /// <summary>Names differing from the one already known, for the center to review.</summary>
    public List<SubjectName> NewNames { get; } = [];

    /// <summary>Old registration numbers learnt for known subjects that had none; the caller stores them.</summary>
    public Dictionary<long, string> LearntRegistrationNumbers { get; } = [];

    /// <summary>
    /// The subject's key for a validated row: who it is about is decided in Core (<see cref="SubjectIdentity.Identify"/>);
    /// here a natural person's ID number becomes the keyed lookup hash and its cipher.
    /// </summary>
    public static (SubjectKey? Key, FieldError? Error) Identify(CategoryDefinition category, RecordValidation validation, PersonalDataProtector protector)
    {
        var (identity, error) = SubjectIdentity.Identify(category, validation);
        if (identity is null)
        {
            return (null, error);
        }

        var (type, name, kind, number) = (identity.Type, identity.Name, identity.IdKind, identity.IdNumber);
        if (identity.ByUscc || identity.ByRegistrationNumber)
        {
            return (new SubjectKey(type, name, identity.Uscc, null, null, identity.RegistrationNumber), null);
        }

        return (new SubjectKey(type, name, null, protector.LookupHash($"{kind}:{number}"), protector.Protect(number!)), null);
    }

    public async Task PreloadAsync(IEnumerable<SubjectKey> keys, CancellationToken cancellationToken)
    {
        var list = keys.Select(k => k.Key).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            return;
        }

        // One array parameter (see ReportingService.LoadRecordsAsync); Key is not nullable, so EF adds no null check
        // that would defeat the index.
        foreach (var subject in await db.Subjects.AsNoTracking().Where(s => EF.Parameter(list).Contains(s.Key)).ToListAsync(cancellationToken))
        {
            byKey[subject.Key] = subject;
        }
    }

    public (Subject Subject, FieldError? Warning) Resolve(CategoryDefinition category, SubjectKey key)
    {
        if (!byKey.TryGetValue(key.Key, out var subject))
        {
            subject = new Subject
            {
                Key = key.Key,
                Type = key.Type,
                Uscc = key.Uscc,
                IdentityHash = key.IdentityHash,
                IdentityCipher = key.IdentityCipher,
                RegistrationNumber = key.RegistrationNumber,
                Name = key.Name,
                FirstSourceUnitId = unitId,
                CreatedAt = now,
                UpdatedAt = now,
            };
            NewSubjects.Add(subject);
            byKey[key.Key] = subject;
            return (subject, null);
        }

        if (subject.RegistrationNumber is null && key.RegistrationNumber is { } registration)
        {
            subject.RegistrationNumber = registration;
            LearntRegistrationNumbers[subject.Id] = registration;
        }

        if (subject.Name == key.Name)
        {
            return (subject, null);
        }

        if (flagged.Add((subject, key.Name)))
        {
            NewNames.Add(new SubjectName { Subject = subject, Name = key.Name, SourceUnitId = unitId, FirstSeenAt = now, NeedsReview = true });
        }

        // A natural person's registered name is not told to the reporter: that would disclose another unit's data.
        var message = subject.Type == SubjectType.NaturalPerson
            ? "该证件号码已登记的姓名与报送的不一致，已接收并提交中心核对"
            : $"该统一社会信用代码已登记的名称为“{subject.Name}”，与报送的“{key.Name}”不一致，已接收并提交中心核对";
        return (subject, new FieldError(category.SubjectNameField, "name_mismatch", message));
    }
}
