using CreditShare.Core.Accounts;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CreditShare.Web.Tests.Infrastructure;

public class StartupTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    [Fact]
    public async Task Two_instances_started_together_on_an_empty_database_both_come_up_and_migrate_it_once_quietly()
    {
        for (var trial = 0; trial < 2; trial++)
        {
            var empty = TestDatabase.Create(); // on PostgreSQL not even created: the instances race to create it
            try
            {
                var settings = new Dictionary<string, string>
                {
                    ["ConnectionStrings:CreditShare"] = empty.ConnectionString,
                    ["Database:MigrateOnStart"] = "true",
                };
                var starting = new[] { ServerProcess.StartAsync(app, settings), ServerProcess.StartAsync(app, settings) };
                await Task.WhenAll(starting.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
                using var first = await starting[0];
                using var second = await starting[1];

                // The console shows warnings and errors only (Logging:LogLevel:Default=Warning): a clean start shows none.
                Assert.DoesNotContain("fail:", first.Output + second.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("warn:", first.Output + second.Output, StringComparison.Ordinal);

                var (migrations, roles) = await CountAsync(empty);
                Assert.Equal(await app.WithDbAsync(db => Task.FromResult(db.Database.GetMigrations().LongCount())), migrations);
                Assert.Equal(StaffRoles.All.Count, roles);
            }
            finally
            {
                await empty.DropAsync();
            }
        }
    }

    [Fact]
    public async Task The_data_protection_keys_are_stored_encrypted_with_the_configured_certificate()
    {
        var keys = await app.WithDbAsync(db => db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
        });
    }

    private static async Task<(long Migrations, long Roles)> CountAsync(TestDatabase database)
    {
        const string Sql = """SELECT (SELECT COUNT(*) FROM "__EFMigrationsHistory"), (SELECT COUNT(*) FROM "AspNetRoles")""";
        if (database.IsPostgres)
        {
            await using var pg = new NpgsqlConnection(database.ConnectionString);
            await pg.OpenAsync();
            await using var command = new NpgsqlCommand(Sql, pg);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }

        await using var sqlite = new SqliteConnection(database.ConnectionString);
        await sqlite.OpenAsync();
        await using var query = sqlite.CreateCommand();
        query.CommandText = Sql;
        await using var rows = await query.ExecuteReaderAsync();
        await rows.ReadAsync();
        return (rows.GetInt64(0), rows.GetInt64(1));
    }
}
