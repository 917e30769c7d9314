using System.Globalization;
using CreditShare.Web.Features.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Data;

/// <summary>
/// A database whose history names migrations this build does not know was made by another build — today by one from
/// before the migrations were squashed into one baseline (docs/design.md, "Migrations"). EF would apply this build's
/// migrations over it and fail half-way (the tables exist), so such a database is never migrated: Development's own
/// embedded SQLite file is deleted and made again (the demo seed then runs again); anything else stops the start.
/// </summary>
public static partial class UnknownMigrations
{
    /// <summary>Runs under the migration lock, before <c>MigrateAsync</c>; throws when the database must not be touched.</summary>
    public static async Task CheckAsync(IServiceProvider services, AppDbContext db, ILogger logger, CancellationToken cancellationToken = default)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Where(m => !known.Contains(m)).ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", unknown);
        if (DevelopmentEmbeddedFile(services, db) is { } path)
        {
            LogRecreating(logger, path, names);
            DeleteSqliteFile(path);
            MoveArchiveAside(services, logger);
            return;
        }

        LogRefused(logger, names);
        throw new InvalidOperationException(Refusal(names));
    }

    public static string Refusal(string names) =>
        $"数据库由旧版本程序创建：其迁移记录中有本版本不认识的迁移（{names}）。本版本的迁移已合并为一个基线，不能在该数据库上升级，"
        + "数据库未作任何改动。请用创建它的版本导出所需数据，再用本版本在空数据库上运行 migrate 新建；或继续使用创建它的版本。"
        + $" / The database was made by an older build: its migrations history holds migrations this build does not know ({names})."
        + " This build's migrations are one squashed baseline and cannot upgrade it; nothing was changed. Export what you need"
        + " with the build that made it and create a new database with this build (migrate on an empty database), or keep running that build.";

    /// <summary>
    /// The file Development made for itself (no connection string configured): nothing in it but demo data. A SQLite
    /// file someone configured may hold anything, so it is treated like any other database.
    /// </summary>
    private static string? DevelopmentEmbeddedFile(IServiceProvider services, AppDbContext db)
    {
        if (!services.GetRequiredService<IHostEnvironment>().IsDevelopment() || !db.Database.IsSqlite()
            || !string.IsNullOrWhiteSpace(services.GetRequiredService<IConfiguration>().GetConnectionString("CreditShare")))
        {
            return null;
        }

        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" ? null : Path.GetFullPath(source);
    }

    private static void DeleteSqliteFile(string path)
    {
        // Pooled connections keep the file (and its WAL) open; a WAL left behind must not meet the new file.
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            File.Delete(file);
        }
    }

    /// <summary>The old database's archives and checkpoints sealed its chain, not the new one's: verify-audit would fail on them.</summary>
    private static void MoveArchiveAside(IServiceProvider services, ILogger logger)
    {
        var directory = Path.GetFullPath(services.GetRequiredService<IOptions<AuditOptions>>().Value.ArchiveDirectory);
        if (!Directory.Exists(directory))
        {
            return;
        }

        var stamp = services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var aside = $"{directory}.older-build-{stamp}";
        Directory.Move(directory, aside);
        LogArchiveMoved(logger, aside);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "开发数据库 {Path} 由旧版本程序创建（本版本不认识的迁移：{Migrations}），已删除并重建，演示数据将重新生成"
        + " / The Development database {Path} was made by an older build (migrations this build does not know: {Migrations}): deleted and created again, the demo seed runs again")]
    private static partial void LogRecreating(ILogger logger, string path, string migrations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "旧数据库的审计归档已移至 {Directory} / the old database's audit archive moved to {Directory}")]
    private static partial void LogArchiveMoved(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Critical, Message = "数据库由旧版本程序创建，未作改动，启动停止（本版本不认识的迁移：{Migrations}） / The database was made by an older build and was left as it was; start stopped (migrations this build does not know: {Migrations})")]
    private static partial void LogRefused(ILogger logger, string migrations);
}
