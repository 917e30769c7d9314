using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CreditShare.Bench;

/// <summary>
/// The ceiling the public API is measured against: the same queries — a subject by code with its disclosed records;
/// a name search, prefix then substring, with record counts for the page — as a minimal ASP.NET endpoint over the raw
/// driver, writing JSON straight from the rows. No validation, masking, caching headers or rate limiting.
/// </summary>
public static class SearchCeiling
{
    private const string Disclosed = """
        "Status" = 0 AND "CategoryCode" IN ('XZCF', 'XZXK') AND ("DecisionDate" IS NULL OR "DecisionDate" <= @today)
          AND ("DisclosureEnd" IS NULL OR "DisclosureEnd" >= @today)
        """;

    public static WebApplication Build(string provider, string connection, string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var postgres = provider == "Postgres" ? NpgsqlDataSource.Create(connection) : null;
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        app.MapGet("/subjects/{code}", async (string code, HttpContext http) =>
        {
            await using var db = await OpenAsync(postgres, connection);
            var subject = await ReadAsync(db, """SELECT "Id", "Key", "Name", "Type" FROM "Subjects" WHERE "Key" = @code AND "Type" <> 1""", ("code", code));
            if (subject.Count == 0)
            {
                http.Response.StatusCode = 404;
                return;
            }

            var records = await ReadAsync(db, $"""
                SELECT "Id", "CategoryCode", "SourceUnitId", "DecisionDate", "DisclosureEnd", "DataJson" FROM "CreditRecords"
                WHERE "SubjectId" = @id AND {Disclosed} ORDER BY "DecisionDate" DESC, "Id" DESC
                """, ("id", subject[0][0]!), ("today", today));
            await WriteAsync(http, new { subject = subject[0], records });
        });
        app.MapGet("/subjects", async (string q, int? page, HttpContext http) =>
        {
            await using var db = await OpenAsync(postgres, connection);
            var wanted = ((page ?? 1) * 10) + 1;
            var starts = q + "%";
            var rows = await ReadAsync(db, postgres is null
                ? """SELECT "Id", "Key", "Name", "Type" FROM "Subjects" WHERE "Type" <> 1 AND "Name" >= @q AND "Name" < @upper AND "Name" LIKE @starts ORDER BY "Name", "Id" LIMIT @limit"""
                : """SELECT "Id", "Key", "Name", "Type" FROM "Subjects" WHERE "Type" <> 1 AND ("Name" COLLATE "C") >= @q AND ("Name" COLLATE "C") < @upper AND "Name" LIKE @starts ORDER BY "Name" COLLATE "C", "Id" LIMIT @limit""",
                ("q", q), ("upper", q + "\U0010FFFF"), ("starts", starts), ("limit", wanted));
            if (rows.Count < wanted)
            {
                var limit = wanted - rows.Count;
                var early = await ReadAsync(db, """
                    SELECT "Id", "Key", "Name", "Type" FROM (SELECT * FROM "Subjects" WHERE "Type" <> 1 ORDER BY "Id" LIMIT @window) AS early
                    WHERE "Name" LIKE @contains AND "Name" NOT LIKE @starts ORDER BY "Id" LIMIT @limit
                    """, ("contains", "%" + starts), ("starts", starts), ("limit", limit), ("window", limit * 50));
                rows.AddRange(early.Count == limit ? early : await ReadAsync(db, postgres is null
                    ? """SELECT "Id", "Key", "Name", "Type" FROM "Subjects" WHERE "Type" <> 1 AND "Name" LIKE @contains AND "Name" NOT LIKE @starts ORDER BY "Id" LIMIT @limit"""
                    : """
                        SELECT "Id", "Key", "Name", "Type" FROM (SELECT * FROM "Subjects" WHERE "Type" <> 1 AND cs_name_bigrams("Name") @> cs_name_bigrams(@q)
                            AND "Name" LIKE @contains AND "Name" NOT LIKE @starts OFFSET 0) AS matching ORDER BY "Id" LIMIT @limit
                        """,
                    ("q", q), ("contains", "%" + starts), ("starts", starts), ("limit", limit)));
            }

            var shown = rows.Skip(wanted - 11).Take(10).ToList();
            var ids = string.Join(", ", shown.Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)));
            var counts = shown.Count == 0 ? [] : await ReadAsync(db, $"""
                SELECT "SubjectId", count(*) FROM "CreditRecords" WHERE "SubjectId" IN ({ids}) AND {Disclosed} GROUP BY "SubjectId"
                """, ("today", today));
            await WriteAsync(http, new { subjects = shown, counts, hasMore = rows.Count == wanted });
        });
        return app;
    }

    private static async Task<System.Data.Common.DbConnection> OpenAsync(NpgsqlDataSource? postgres, string connection)
    {
        if (postgres is not null)
        {
            return await postgres.OpenConnectionAsync();
        }

        var sqlite = new SqliteConnection(connection);
        await sqlite.OpenAsync();
        return sqlite;
    }

    private static async Task<List<object?[]>> ReadAsync(System.Data.Common.DbConnection db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value is DateOnly date && db is SqliteConnection ? date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : value;
            command.Parameters.Add(parameter);
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static Task WriteAsync(HttpContext http, object value)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(http.Response.Body, value);
    }
}
