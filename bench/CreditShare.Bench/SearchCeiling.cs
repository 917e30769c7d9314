using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
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
            var values = CreditShare.Web.Features.Public.PublicSearchSql.Parameters(q, page ?? 1, 10, (((page ?? 1) * 10) + 1) * 50, today, ["XZCF", "XZXK"], postgres is null);
            var rows = await ReadAsync(db, postgres is null ? CreditShare.Web.Features.Public.PublicSearchSql.Sqlite : CreditShare.Web.Features.Public.PublicSearchSql.Postgres,
                [.. values.Select(v => (v.Key, v.Value))]);
            await WriteAsync(http, new { subjects = rows.Take(10), hasMore = rows.Count > 10 });
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
