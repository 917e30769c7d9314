using CreditShare.Web.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Postgres
{
    /// <summary>
    /// Indexes for the public name search (docs/design.md, "Public search"), outside the EF model because they are
    /// PostgreSQL's own: names in code-point order for prefixes and ranking, and a GIN index over each name's character
    /// bigrams for substrings of two characters or more (a trigram index cannot answer two-character words). Both skip
    /// natural persons, who are never searched.
    /// </summary>
    [DbContext(typeof(PostgresAppDbContext))]
    [Migration("20261127072000_NameSearchIndexes")]
    public partial class NameSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION cs_name_bigrams(name text) RETURNS text[]
                LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
                DECLARE
                    result text[] := '{}';
                BEGIN
                    FOR i IN 1 .. char_length(name) - 1 LOOP
                        result := result || substr(name, i, 2);
                    END LOOP;
                    RETURN result;
                END
                $$;
                """);
            migrationBuilder.Sql("""CREATE INDEX "IX_Subjects_Name_Listed" ON "Subjects" (("Name" COLLATE "C"), "Id") WHERE "Type" <> 1;""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Subjects_NameBigrams_Listed" ON "Subjects" USING gin (cs_name_bigrams("Name")) WHERE "Type" <> 1;""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_Subjects_NameBigrams_Listed";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Subjects_Name_Listed";""");
            migrationBuilder.Sql("DROP FUNCTION cs_name_bigrams(text);");
        }
    }
}
