using System.Globalization;
using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;
using CreditShare.Core.Contract;
using CreditShare.Core.Sharing;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Sharing;

/// <summary>A change with its own feed position, for consumers that move their cursor one change at a time.</summary>
public sealed record PositionedChange(FeedPosition Position, SharedChange Change);


/// <summary>A position on the feed for one unit: readable, and signed so that it cannot be forged or used by another unit.</summary>
public readonly record struct FeedPosition(long Tx, long Id)
{
    public static FeedPosition Start => new(0, 0);

    public string Format(int unitId, PersonalDataProtector protector) =>
        string.Create(CultureInfo.InvariantCulture, $"{unitId}-{Tx}-{Id}-{Mac(unitId, Tx, Id, protector)}");

    public static Outcome<FeedPosition> Parse(string? cursor, int unitId, PersonalDataProtector protector)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return Outcome<FeedPosition>.Ok(Start);
        }

        var parts = cursor.Split('-');
        if (parts.Length != 4 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var owner)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var tx) || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Outcome<FeedPosition>.Invalid(new FieldError("after", "cursor.malformed", "游标格式不正确：请使用上一次响应中的 next 原样传回"));
        }

        if (owner != unitId)
        {
            return Outcome<FeedPosition>.Invalid(new FieldError("after", "cursor.other_unit", "该游标属于其他单位，不能使用"));
        }

        return parts[3] == Mac(unitId, tx, id, protector)
            ? Outcome<FeedPosition>.Ok(new FeedPosition(tx, id))
            : Outcome<FeedPosition>.Invalid(new FieldError("after", "cursor.forged", "游标校验失败（被改动或伪造）"));
    }

    private static string Mac(int unitId, long tx, long id, PersonalDataProtector protector) =>
        protector.KeyedHash(string.Create(CultureInfo.InvariantCulture, $"feed-cursor:{unitId}:{tx}:{id}"))[..16];
}

/// <summary>
/// Reads credit records for a data-user unit (art. 10): by subject, or as the change feed — only the categories and
/// fields of the unit's grants, only records within their sharing period. Personal fields that are granted are
/// decrypted: the unit is entitled to them, and every handing-out is audited by the caller with the record ids.
/// </summary>
public sealed class SharedData(AppDbContext db, CatalogService catalog, PersonalDataProtector protector, TimeProvider time)
{
    public const int MaxChanges = 1000;

    public DateOnly Today => ProvincialTime.Today(time);

    public Task<UnitShare> ShareAsync(int unitId, CancellationToken cancellationToken = default) => UnitShares.ForAsync(db, catalog, unitId, Today, cancellationToken);

    /// <summary>
    /// Finds a subject by ID number through the keyed hash (the number itself is not stored in clear), or by USCC — an
    /// 18-digit code can pass both checks, so both are tried.
    /// </summary>
    public async Task<Subject?> FindSubjectAsync(string code, CancellationToken cancellationToken = default)
    {
        var normalized = CodeText.Normalize(code).ToUpperInvariant();
        List<string> keys = [];
        if (CitizenIdNumber.Check(normalized, Today).IsValid)
        {
            keys.Add(protector.LookupHash($"身份证:{normalized}"));
        }

        if (UnifiedSocialCreditCode.Check(normalized).IsValid)
        {
            keys.Add(normalized);
        }

        return keys.Count == 0 ? null : await db.Subjects.AsNoTracking().Where(s => keys.Contains(s.Key)).OrderBy(s => s.Type == SubjectType.NaturalPerson ? 0 : 1)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The subject's shareable records in the given fields (a unit's share, or a formal request's scope).</summary>
    public async Task<SharedSubject> SubjectAsync(Subject subject, string code, UnitShare share, CancellationToken cancellationToken = default)
    {
        if (subject.Type == SubjectType.NaturalPerson && !share.NaturalPersons)
        {
            throw new InvalidOperationException("Callers refuse natural persons to this unit before asking for records.");
        }

        var today = Today;
        var categories = share.Categories.ToList();
        var records = await db.CreditRecords.AsNoTracking()
            .Where(r => r.SubjectId == subject.Id && categories.Contains(r.CategoryCode) && r.Status == RecordStatus.Active && (r.SharingEnd == null || r.SharingEnd >= today))
            .OrderBy(r => r.CategoryCode).ThenByDescending(r => r.DecisionDate).ThenByDescending(r => r.Id)
            .ToListAsync(cancellationToken);
        var units = await UnitNamesAsync(cancellationToken);
        var shared = new List<SharedRecord>();
        foreach (var record in records.Where(share.Allows))
        {
            shared.Add(await ToSharedAsync(record, share.Fields[record.CategoryCode], units));
        }

        return new SharedSubject(code, subject.Name, SubjectTypes.Label(subject.Type), shared);
    }

    /// <summary>
    /// The changes after <paramref name="after"/> in the unit's granted categories (narrowed to <paramref name="only"/>
    /// if given), in feed order, up to the horizon. A change about a record withheld from the unit is skipped, but the
    /// position moves past it.
    /// </summary>
    public async Task<(List<PositionedChange> Changes, FeedPosition Next, bool HasMore)> ChangesAsync(UnitShare share, FeedPosition after, int limit,
        IReadOnlyCollection<string>? only = null, CancellationToken cancellationToken = default)
    {
        var categories = share.Categories.Where(c => only is null || only.Contains(c)).ToList();
        if (categories.Count == 0)
        {
            return ([], after, false);
        }

        var horizon = await ChangeFeed.HorizonAsync(db, cancellationToken);
        var (tx, id) = (after.Tx, after.Id);
        var rows = await db.CreditRecords.AsNoTracking()
            .Where(r => categories.Contains(r.CategoryCode) && r.ChangeTx < horizon && (r.ChangeTx > tx || (r.ChangeTx == tx && r.Id > id)))
            .OrderBy(r => r.ChangeTx).ThenBy(r => r.Id).Take(limit + 1)
            .Select(r => new
            {
                Record = r,
                Subject = db.Subjects.Where(s => s.Id == r.SubjectId).Select(s => s.Uscc).FirstOrDefault(),
                Person = db.Subjects.Any(s => s.Id == r.SubjectId && s.Type == SubjectType.NaturalPerson),
            })
            .ToListAsync(cancellationToken);
        var hasMore = rows.Count > limit;
        var page = rows.Take(limit).ToList();
        var units = await UnitNamesAsync(cancellationToken);
        var today = Today;
        var changes = new List<PositionedChange>();
        foreach (var row in page.Where(r => share.Allows(r.Record) && (share.NaturalPersons || !r.Person)))
        {
            var r = row.Record;
            var kind = ChangeKinds.Of(withdrawn: r.Status == RecordStatus.Withdrawn, corrected: r.LastAction == RecordAction.Corrected, r.SharingEnd, today);
            var content = ChangeKinds.CarriesRecord(kind) ? await ToSharedAsync(r, share.Fields[r.CategoryCode], units) : null;
            changes.Add(new PositionedChange(new FeedPosition(r.ChangeTx, r.Id), new SharedChange(r.Id, kind, r.CategoryCode, row.Subject, r.CurrentVersion, r.UpdatedAt, content)));
        }

        var next = page.Count == 0 ? after : new FeedPosition(page[^1].Record.ChangeTx, page[^1].Record.Id);
        return (changes, next, hasMore);
    }

    private async Task<Dictionary<int, string>> UnitNamesAsync(CancellationToken cancellationToken) =>
        await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);

    private async Task<SharedRecord> ToSharedAsync(CreditRecord record, IReadOnlySet<string> fields, Dictionary<int, string> units)
    {
        var definition = await catalog.GetAsync(record.CategoryCode, record.CatalogVersion);
        var values = JsonSerializer.Deserialize<Dictionary<string, string?>>(record.DataJson) ?? [];
        var shown = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (code, value) in values)
        {
            if (value is not null && fields.Contains(code))
            {
                shown[code] = definition?.Field(code)?.Personal == true ? protector.Unprotect(value) : value;
            }
        }

        return new SharedRecord(record.Id, record.CategoryCode, definition?.Name ?? record.CategoryCode, units.GetValueOrDefault(record.SourceUnitId) ?? "",
            record.CurrentVersion, record.DecisionDate, record.SharingEnd, record.UpdatedAt, shown);
    }
}
