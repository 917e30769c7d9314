using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RefitCrypto : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Lookup hashes now name their algorithm (the crypto profile's tag): tag the ones stored before.
            migrationBuilder.Sql("UPDATE \"Subjects\" SET \"IdentityHash\" = 'hmac-sha256:' || \"IdentityHash\" WHERE \"IdentityHash\" IS NOT NULL AND \"IdentityHash\" NOT LIKE '%:%';");
            migrationBuilder.Sql("UPDATE \"Subjects\" SET \"Key\" = \"IdentityHash\" WHERE \"Uscc\" IS NULL AND \"IdentityHash\" IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE \"Subjects\" SET \"IdentityHash\" = substr(\"IdentityHash\", 13) WHERE \"IdentityHash\" LIKE 'hmac-sha256:%';");
            migrationBuilder.Sql("UPDATE \"Subjects\" SET \"Key\" = \"IdentityHash\" WHERE \"Uscc\" IS NULL AND \"IdentityHash\" IS NOT NULL;");
        }
    }
}
