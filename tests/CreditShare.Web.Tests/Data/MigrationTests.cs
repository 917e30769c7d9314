using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Data;

public class MigrationTests(MigrationTests.EmptyDatabaseApp app) : IClassFixture<MigrationTests.EmptyDatabaseApp>
{
    /// <summary>Other apps start from a copy of a migrated template; this one starts from nothing, as a new installation does.</summary>
    public sealed class EmptyDatabaseApp : CreditShareApp
    {
        protected override bool StartsFromEmptyDatabase => true;
    }

    [Fact]
    public async Task An_empty_database_is_migrated_to_the_latest_model_with_roles_and_catalog()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(8, await db.Roles.CountAsync());
        Assert.Equal(6, await db.CatalogVersions.CountAsync(c => c.IsCurrent));
        Assert.Equal(app.Database.IsPostgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite", db.Database.ProviderName);
    }

    [Fact]
    public async Task Sqlite_runs_in_wal_mode_with_full_synchronous_commits_unless_configured_otherwise()
    {
        Assert.Equal("FULL", DatabaseSetup.SqliteSynchronous(new ConfigurationBuilder().Build()));
        Assert.Equal("NORMAL", DatabaseSetup.SqliteSynchronous(new ConfigurationBuilder().AddInMemoryCollection([new("Database:SqliteSynchronous", "normal")]).Build()));
        Assert.Throws<InvalidOperationException>(() => DatabaseSetup.SqliteSynchronous(new ConfigurationBuilder().AddInMemoryCollection([new("Database:SqliteSynchronous", "OFF")]).Build()));

        if (app.Database.IsPostgres)
        {
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.OpenConnectionAsync();
        Assert.Equal("wal", await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToAsyncEnumerable().FirstAsync());
        // scripts/test may run the suite with Normal where it has no RAM disk (Database__SqliteSynchronous).
        var expected = DatabaseSetup.SqliteSynchronous(app.Services.GetRequiredService<IConfiguration>()) == "FULL" ? 2 : 1;
        Assert.Equal(expected, await db.Database.SqlQueryRaw<int>("PRAGMA synchronous").ToAsyncEnumerable().FirstAsync());
    }
}
