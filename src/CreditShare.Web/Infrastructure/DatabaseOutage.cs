using System.Globalization;

namespace CreditShare.Web.Infrastructure;

/// <summary>
/// Tells a database that cannot be reached (down, restarting, refusing connections, out of connections, busy) from a
/// query that is wrong: the first is answered 503 with <c>Retry-After</c> on every surface — never a 500 or a stack
/// trace — and the next request after the database is back simply works (the connection pool opens fresh connections).
/// </summary>
public static class DatabaseOutage
{
    public const int RetryAfterSeconds = 30;

    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Connection exceptions (08…), shutdown and start-up (57P01–57P03), too many connections (53300).
                case Npgsql.PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case Npgsql.NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN.
                case Microsoft.Data.Sqlite.SqliteException sqlite:
                    return sqlite.SqliteErrorCode is 5 or 6 or 10 or 14;
                case System.Net.Sockets.SocketException:
                    return true;
            }
        }

        return false;
    }

    public static async Task AnswerAsync(HttpContext context)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        const string Detail = "平台数据库暂时不可用，请稍后重试。已提交但未收到答复的报送可按原幂等键重新提交，不会重复。";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            await Problems.Create(StatusCodes.Status503ServiceUnavailable, "database.unavailable", "服务暂时不可用", Detail).ExecuteAsync(context);
            return;
        }

        await PlainPage.WriteAsync(context, "服务暂时不可用", $"<p id=\"unavailable\">{PlainPage.Html.Encode(Detail)}</p><p>请 {RetryAfterSeconds} 秒后刷新本页。</p>", styled: true);
    }
}
