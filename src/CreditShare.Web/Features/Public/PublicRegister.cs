using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;
using CreditShare.Core.Disclosure;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Public;

public sealed record PublicSubjectSummary(string Code, string Name, string Type, string Region, int PublicRecords);

public sealed record PublicSearchResult(string Query, int Page, int PageSize, IReadOnlyList<PublicSubjectSummary> Subjects, bool HasMore, string? Hint);

public sealed record PublicField(string Code, string Label, string Value);

public sealed record PublicRecord(long Id, string SourceUnit, DateOnly? DecisionDate, DateOnly? DisclosureEnd, IReadOnlyList<PublicField> Fields);

public sealed record PublicSection(string Category, string Name, IReadOnlyList<PublicRecord> Records);

public sealed record PublicSubject(string Code, string Name, string Type, string Region, DateOnly AsOf, IReadOnlyList<PublicField> BasicInformation,
    IReadOnlyList<PublicSection> Sections);

/// <summary>
/// What anyone may see (art. 12, 14): organisations and individual businesses found by name or code, and their records
/// in public categories while inside the disclosure period — computed from the date at the moment of the request, so
/// a record leaves the day after its period ends without any job running. Only public fields are shown, and personal
/// data is masked. Natural persons are not on the public register: nobody can search for them or list them.
/// </summary>
public sealed class PublicRegister(AppDbContext db, CatalogService catalog, PersonalDataProtector protector, TimeProvider time, Security.TrafficCounter traffic, IHttpContextAccessor http)
{
    public const int PageSize = 10;

    private const string BasicInformationCategory = "FRJC";

    /// <summary>Paging stops here, so that the register cannot be copied out by walking the pages.</summary>
    public const int MaxPage = 10;

    public DateOnly Today => ProvincialTime.Today(time);

    public async Task<PublicSearchResult> SearchAsync(string? query, int page)
    {
        var q = (query ?? "").Trim();
        page = Math.Clamp(page, 1, MaxPage);
        var echoed = PersonalMask.Scrub(q);
        var code = CodeText.Normalize(q).ToUpperInvariant();
        if (UnifiedSocialCreditCode.Check(code).IsValid)
        {
            var found = await Listed().Where(s => s.Key == code).ToListAsync();
            return new PublicSearchResult(echoed, 1, PageSize, await SummariesAsync(found), false, found.Count == 0 ? "没有找到该统一社会信用代码对应的主体" : null);
        }

        // An old 工商注册号: 15 digits (13 before 2007).
        if (code.Length is 13 or 15 && code.All(char.IsAsciiDigit))
        {
            var found = await Listed().Where(s => s.RegistrationNumber == code).OrderBy(s => s.Id).Take(PageSize).ToListAsync();
            return new PublicSearchResult(echoed, 1, PageSize, await SummariesAsync(found), false, found.Count == 0 ? "没有找到该注册号对应的主体" : null);
        }

        if (q.Length < 2)
        {
            return new PublicSearchResult(echoed, 1, PageSize, [], false, q.Length == 0 ? null : "请至少输入两个字，或完整的18位统一社会信用代码、15位注册号");
        }

        if (q.Length > 50)
        {
            return new PublicSearchResult(echoed, 1, PageSize, [], false, "检索词过长，请输入名称中的关键字（不超过50字）");
        }

        // One statement (PublicSearchSql): names starting with the words, then names containing them; only the rows up
        // to the end of the page and one more are read (one more tells whether there is a next page), never a count of
        // every match — a common word like 公司 matches most names.
        var codes = (await PublicCategoriesAsync()).Where(c => c.Code != BasicInformationCategory).Select(c => c.Code).ToList();
        var values = PublicSearchSql.Parameters(q, page, PageSize, (page * PageSize + 1) * CommonWordRarity, Today, codes, db.IsSqlite);
        var rows = await db.Database.SqlQueryRaw<PublicSearchRow>(db.IsSqlite ? PublicSearchSql.Sqlite : PublicSearchSql.Postgres,
            [.. values.Select(v => db.IsSqlite ? (object)new Microsoft.Data.Sqlite.SqliteParameter("@" + v.Key, v.Value) : new Npgsql.NpgsqlParameter(v.Key, v.Value))])
            .ToListAsync();
        var hasMore = rows.Count > PageSize;
        var shown = rows.Take(PageSize).Select(r => new PublicSubjectSummary(r.Key, r.Name, SubjectTypes.Label(r.Type), Regions.Of(r.Uscc), r.PublicRecords)).ToList();
        var hint = rows.Count == 0 ? (page == 1 ? "没有找到名称含有该关键字的主体" : "没有更多结果")
            : hasMore && page == MaxPage ? $"结果较多，仅显示前 {MaxPage * PageSize} 条，请输入更完整的名称缩小范围"
            : rows.Any(r => r.Group == 1) ? $"名称含“{echoed}”的主体很多，请输入更完整的名称缩小范围"
            : null;
        return new PublicSearchResult(echoed, page, PageSize, shown, hasMore && page < MaxPage, hint);
    }

    /// <summary>
    /// A word is common when it is in at least one name in this many among the earliest subjects: its first matches
    /// are then found by reading that many rows, where its index entry would be long.
    /// </summary>
    private const int CommonWordRarity = 50;

    public async Task<PublicSubject?> FindAsync(string code)
    {
        var key = CodeText.Normalize(code).ToUpperInvariant();
        if (http.HttpContext is { } context)
        {
            // Distinct subjects per address tell scraping from reading (art. 19); the table keeps a keyed hash, not the code.
            traffic.RecordSubject(context.Connection.RemoteIpAddress, protector.KeyedHash("public-subject:" + key)[..32]);
        }

        var today = Today;
        var categories = await PublicCategoriesAsync();
        var window = PublicDisclosure.On(today);
        var found = await SubjectWithDisclosedRecords(db, key, [.. categories.Select(c => c.Code)], window.DecidedBy, window.EndingFrom);
        if (found is null)
        {
            return null;
        }

        var (subject, records) = (found.Subject, found.Records);
        var basic = new List<PublicField>();
        var sections = new List<PublicSection>();
        var versions = new Dictionary<(string, int), CategoryDefinition?>();
        foreach (var category in categories)
        {
            var list = new List<PublicRecord>();
            foreach (var (record, unit) in records.Where(r => r.Record.CategoryCode == category.Code))
            {
                if (!versions.TryGetValue((record.CategoryCode, record.CatalogVersion), out var definition))
                {
                    definition = versions[(record.CategoryCode, record.CatalogVersion)] = await catalog.GetAsync(record.CategoryCode, record.CatalogVersion);
                }

                definition ??= category;
                list.Add(new PublicRecord(record.Id, unit ?? "", record.DecisionDate, record.DisclosureEnd,
                    PublicFields(definition, record.DataJson)));
            }

            // 法人基础信息 is the subject's basic information, not a section of its own.
            if (category.Code == BasicInformationCategory)
            {
                basic.AddRange(list.FirstOrDefault()?.Fields ?? []);
                continue;
            }

            sections.Add(new PublicSection(category.Code, category.Name, list));
        }

        return new PublicSubject(subject.Key, subject.Name, SubjectTypes.Label(subject.Type), Regions.Of(subject.Uscc), today, basic, sections);
    }

    // A subject page is one compiled statement (the subject and its disclosed records): a lookup is the public site's
    // most frequent request. The window's dates come from PublicDisclosure, as for Disclosed and PublicSearchSql.
    private static readonly Func<AppDbContext, string, List<string>, DateOnly, DateOnly, Task<SubjectWithRecords?>> SubjectWithDisclosedRecords =
        EF.CompileAsyncQuery((AppDbContext db, string key, List<string> publicCategories, DateOnly decidedBy, DateOnly endingFrom) =>
            db.Subjects.AsNoTracking().Where(s => s.Key == key && s.Type != SubjectType.NaturalPerson)
                .Select(s => new SubjectWithRecords(s, db.CreditRecords
                    .Where(r => r.SubjectId == s.Id && r.Status == RecordStatus.Active && publicCategories.Contains(r.CategoryCode)
                        && (r.DecisionDate == null || r.DecisionDate <= decidedBy) && (r.DisclosureEnd == null || r.DisclosureEnd >= endingFrom))
                    .OrderByDescending(r => r.DecisionDate).ThenByDescending(r => r.Id)
                    .Select(r => new RecordWithUnit(r, db.Units.Where(u => u.Id == r.SourceUnitId).Select(u => u.Name).FirstOrDefault()))
                    .ToList()))
                .FirstOrDefault());

    private sealed record SubjectWithRecords(Subject Subject, List<RecordWithUnit> Records);

    private sealed record RecordWithUnit(CreditRecord Record, string? Unit);

    /// <summary>Subjects on the public register: everyone but natural persons.</summary>
    private IQueryable<Subject> Listed() => db.Subjects.AsNoTracking().Where(s => s.Type != SubjectType.NaturalPerson);

    /// <summary>Records the public may see in the window: active, in a public category, decided, and not past disclosure.</summary>
    private IQueryable<CreditRecord> Disclosed(PublicWindow window, List<string> publicCategories) =>
        db.CreditRecords.AsNoTracking().Where(r => r.Status == RecordStatus.Active && publicCategories.Contains(r.CategoryCode)
            && (r.DecisionDate == null || r.DecisionDate <= window.DecidedBy) && (r.DisclosureEnd == null || r.DisclosureEnd >= window.EndingFrom));

    private async Task<List<CategoryDefinition>> PublicCategoriesAsync() =>
        [.. (await catalog.CurrentDefinitionsAsync()).Where(c => c.Sharing == SharingScope.Public)];

    private async Task<IReadOnlyList<PublicSubjectSummary>> SummariesAsync(List<Subject> subjects)
    {
        var ids = subjects.Select(s => s.Id).ToList();
        var codes = (await PublicCategoriesAsync()).Where(c => c.Code != BasicInformationCategory).Select(c => c.Code).ToList();
        var counts = await Disclosed(PublicDisclosure.On(Today), codes).Where(r => ids.Contains(r.SubjectId)).GroupBy(r => r.SubjectId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        return [.. subjects.Select(s => new PublicSubjectSummary(s.Key, s.Name, SubjectTypes.Label(s.Type), Regions.Of(s.Uscc), counts.GetValueOrDefault(s.Id)))];
    }

    /// <summary>
    /// The public fields of a record, in catalog order; personal values masked even where a field is public, and every
    /// other value scrubbed of personal numbers (rows stored before free text was masked on the way in have them).
    /// </summary>
    private List<PublicField> PublicFields(CategoryDefinition definition, string dataJson)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, string?>>(dataJson) ?? [];
        var fields = new List<PublicField>();
        foreach (var field in definition.Fields.Where(f => definition.ScopeOf(f) == SharingScope.Public))
        {
            if (values.TryGetValue(field.Code, out var value) && !string.IsNullOrEmpty(value))
            {
                fields.Add(new PublicField(field.Code, field.Label, field.Personal ? PersonalMask.Mask(protector.Unprotect(value)) : FreeText.OnTheWayOut(field, value)));
            }
        }

        return fields;
    }
}
