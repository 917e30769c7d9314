using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
{
    /// <summary>
    /// Takes back <c>NameSearchIndexes</c> on SQLite: the name index cost about 17 % of the ingest rate (measured,
    /// docs/benchmarks.md), and the embedded database can afford to scan names for a prefix search at its size.
    /// </summary>
    [DbContext(typeof(SqliteAppDbContext))]
    [Migration("20261127093000_DropSqliteNameIndex")]
    public partial class DropSqliteNameIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Subjects_Name_Listed";""");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""CREATE INDEX "IX_Subjects_Name_Listed" ON "Subjects" ("Name", "Id") WHERE "Type" <> 1;""");
    }
}
