using CreditShare.Core.Disclosure;

namespace CreditShare.Web.Features.Public;

/// <summary>
/// The public name search as one statement per provider (docs/design.md, "Public search"), so that a search is one
/// round trip. Names starting with the words come first, in code-point order, from a range on PostgreSQL's name index
/// (SQLite scans the names: an index there cost 17 % of its ingest rate); then
/// names containing them elsewhere, in the order subjects were first reported. For those, the earliest
/// <c>@window</c> subjects are read first: a common word (公司, 银川) fills the page there, and the statement stops;
/// otherwise the word is rare, all its matches are few, and PostgreSQL takes them from the name-bigram GIN index
/// (SQLite scans in id order, stopping at the limit). Ordering by name there instead would cost a sort of every match
/// of a common word, and walking the name index finds nothing quickly when matches cluster (every 宁夏银川… sorts
/// together). Only the page's rows are counted. A step that is not needed gets <c>LIMIT 0</c>, which both databases
/// honour without reading a row (SQLite still scans under a false constant WHERE term; measured).
/// </summary>
/// <remarks>
/// Parameters: @q the words, @upper the words followed by U+10FFFF, @starts and @contains the LIKE patterns (escaped
/// with \), @wanted rows up to the end of the page plus one, @window rows a common word is looked for in, @skip and
/// @take the page, @decided_by and @ending_from the public window's cut-off dates for the day in China
/// (<see cref="PublicDisclosure.On"/>: the one definition the LINQ queries use too), @categories the public categories
/// (an array on PostgreSQL, a JSON array on SQLite). The benchmark's ceiling runs the same text.
/// </remarks>
public static class PublicSearchSql
{
    public const string Postgres = """
        WITH prefix AS MATERIALIZED (
            SELECT "Id", "Key", "Name", "Type", "Uscc" FROM "Subjects"
            WHERE "Type" <> 1 AND ("Name" COLLATE "C") >= @q AND ("Name" COLLATE "C") < @upper AND "Name" LIKE @starts ESCAPE '\'
            ORDER BY "Name" COLLATE "C", "Id" LIMIT @wanted),
        early AS MATERIALIZED (
            SELECT "Id", "Key", "Name", "Type", "Uscc" FROM (SELECT * FROM "Subjects" WHERE "Type" <> 1 ORDER BY "Id" LIMIT @window) AS first_reported
            WHERE "Name" LIKE @contains ESCAPE '\' AND "Name" NOT LIKE @starts ESCAPE '\'
            ORDER BY "Id" LIMIT CASE WHEN (SELECT count(*) FROM prefix) < @wanted THEN @wanted ELSE 0 END),
        enough AS (SELECT (SELECT count(*) FROM prefix) + (SELECT count(*) FROM early) >= @wanted AS yes),
        rare AS MATERIALIZED (
            SELECT "Id", "Key", "Name", "Type", "Uscc" FROM (
                SELECT * FROM "Subjects" WHERE "Type" <> 1 AND cs_name_bigrams("Name") @> cs_name_bigrams(@q)
                  AND "Name" LIKE @contains ESCAPE '\' AND "Name" NOT LIKE @starts ESCAPE '\' OFFSET 0) AS matching
            ORDER BY "Id" LIMIT CASE WHEN (SELECT yes FROM enough) THEN 0 ELSE @wanted END),
        page AS (
            SELECT * FROM (
                SELECT *, 0 AS "Group" FROM prefix
                UNION ALL SELECT *, 1 FROM early WHERE (SELECT yes FROM enough)
                UNION ALL SELECT *, 2 FROM rare) AS found
            ORDER BY "Group" > 0, CASE WHEN "Group" = 0 THEN "Name" COLLATE "C" END, "Id"
            OFFSET @skip LIMIT @take)
        SELECT "Key", "Name", "Type", "Uscc", "Group",
            (SELECT count(*) FROM "CreditRecords" AS r WHERE r."SubjectId" = page."Id" AND r."Status" = 0 AND r."CategoryCode" = ANY(@categories)
               AND (r."DecisionDate" IS NULL OR r."DecisionDate" <= @decided_by) AND (r."DisclosureEnd" IS NULL OR r."DisclosureEnd" >= @ending_from))::int AS "PublicRecords"
        FROM page
        ORDER BY "Group" > 0, CASE WHEN "Group" = 0 THEN "Name" COLLATE "C" END, "Id"
        """;

    public const string Sqlite = """
        WITH prefix AS MATERIALIZED (
            SELECT "Id", "Key", "Name", "Type", "Uscc" FROM "Subjects"
            WHERE "Type" <> 1 AND "Name" >= @q AND "Name" < @upper AND "Name" LIKE @starts ESCAPE '\'
            ORDER BY "Name", "Id" LIMIT @wanted),
        early AS MATERIALIZED (
            SELECT "Id", "Key", "Name", "Type", "Uscc" FROM (SELECT * FROM "Subjects" WHERE "Type" <> 1 ORDER BY "Id" LIMIT @window) AS first_reported
            WHERE "Name" LIKE @contains ESCAPE '\' AND "Name" NOT LIKE @starts ESCAPE '\'
            ORDER BY "Id" LIMIT CASE WHEN (SELECT count(*) FROM prefix) < @wanted THEN @wanted ELSE 0 END),
        enough AS (SELECT (SELECT count(*) FROM prefix) + (SELECT count(*) FROM early) >= @wanted AS yes),
        rare AS MATERIALIZED (
            SELECT "Id", "Key", "Name", "Type", "Uscc" FROM "Subjects"
            WHERE "Type" <> 1 AND "Name" LIKE @contains ESCAPE '\' AND "Name" NOT LIKE @starts ESCAPE '\'
            ORDER BY "Id" LIMIT CASE WHEN (SELECT yes FROM enough) THEN 0 ELSE @wanted END),
        page AS (
            SELECT * FROM (
                SELECT *, 0 AS "Group" FROM prefix
                UNION ALL SELECT *, 1 FROM early WHERE (SELECT yes FROM enough)
                UNION ALL SELECT *, 2 FROM rare) AS found
            ORDER BY "Group" > 0, CASE WHEN "Group" = 0 THEN "Name" END, "Id"
            LIMIT @take OFFSET @skip)
        SELECT "Key", "Name", "Type", "Uscc", "Group",
            (SELECT count(*) FROM "CreditRecords" AS r WHERE r."SubjectId" = page."Id" AND r."Status" = 0
               AND r."CategoryCode" IN (SELECT value FROM json_each(@categories))
               AND (r."DecisionDate" IS NULL OR r."DecisionDate" <= @decided_by) AND (r."DisclosureEnd" IS NULL OR r."DisclosureEnd" >= @ending_from)) AS "PublicRecords"
        FROM page
        ORDER BY "Group" > 0, CASE WHEN "Group" = 0 THEN "Name" END, "Id"
        """;

    /// <summary>The parameters' values, by name without the @.</summary>
    public static Dictionary<string, object> Parameters(string words, int page, int pageSize, int window, DateOnly today, IReadOnlyList<string> categories, bool sqlite)
    {
        var starts = EscapeLike(words) + "%";
        var skip = (page - 1) * pageSize;
        var disclosed = PublicDisclosure.On(today);
        return new()
        {
            ["q"] = words,
            ["upper"] = words + "\U0010FFFF",
            ["starts"] = starts,
            ["contains"] = "%" + starts,
            ["wanted"] = skip + pageSize + 1,
            ["window"] = window,
            ["skip"] = skip,
            ["take"] = pageSize + 1,
            ["decided_by"] = Date(disclosed.DecidedBy, sqlite),
            ["ending_from"] = Date(disclosed.EndingFrom, sqlite),
            ["categories"] = sqlite ? System.Text.Json.JsonSerializer.Serialize(categories) : categories.ToArray(),
        };
    }

    /// <summary>SQLite stores dates as ISO text; PostgreSQL takes them as <c>date</c>.</summary>
    private static object Date(DateOnly day, bool sqlite) => sqlite ? day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : day;

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}

/// <summary>One row of a public search page.</summary>
public sealed class PublicSearchRow
{
    public string Key { get; init; } = "";

    public string Name { get; init; } = "";

    public Core.Catalog.SubjectType Type { get; init; }

    public string? Uscc { get; init; }

    /// <summary>0 name starts with the words, 1 contains a common word, 2 contains a rare word.</summary>
    public int Group { get; init; }

    public int PublicRecords { get; init; }
}
