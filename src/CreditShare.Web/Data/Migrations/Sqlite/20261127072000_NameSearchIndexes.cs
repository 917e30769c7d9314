using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
{
    /// <summary>
    /// Names in code-point order for the public search's prefixes and ranking (docs/design.md, "Public search"),
    /// natural persons left out as the search leaves them out. Outside the EF model: PostgreSQL's counterpart differs.
    /// </summary>
    [DbContext(typeof(SqliteAppDbContext))]
    [Migration("20261127072000_NameSearchIndexes")]
    public partial class NameSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""CREATE INDEX "IX_Subjects_Name_Listed" ON "Subjects" ("Name", "Id") WHERE "Type" <> 1;""");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""DROP INDEX "IX_Subjects_Name_Listed";""");
    }
}
