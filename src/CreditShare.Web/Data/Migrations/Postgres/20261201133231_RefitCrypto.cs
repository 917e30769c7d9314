using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RefitCrypto : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Key",
                table: "Subjects",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.AlterColumn<string>(
                name: "IdentityHash",
                table: "Subjects",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64,
                oldNullable: true);

            // Lookup hashes now name their algorithm (the crypto profile's tag): tag the ones stored before.
            migrationBuilder.Sql("UPDATE \"Subjects\" SET \"IdentityHash\" = 'hmac-sha256:' || \"IdentityHash\" WHERE \"IdentityHash\" IS NOT NULL AND \"IdentityHash\" NOT LIKE '%:%';");
            migrationBuilder.Sql("UPDATE \"Subjects\" SET \"Key\" = \"IdentityHash\" WHERE \"Uscc\" IS NULL AND \"IdentityHash\" IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE \"Subjects\" SET \"IdentityHash\" = substr(\"IdentityHash\", 13) WHERE \"IdentityHash\" LIKE 'hmac-sha256:%';");
            migrationBuilder.Sql("UPDATE \"Subjects\" SET \"Key\" = \"IdentityHash\" WHERE \"Uscc\" IS NULL AND \"IdentityHash\" IS NOT NULL;");

            migrationBuilder.AlterColumn<string>(
                name: "Key",
                table: "Subjects",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(100)",
                oldMaxLength: 100);

            migrationBuilder.AlterColumn<string>(
                name: "IdentityHash",
                table: "Subjects",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(100)",
                oldMaxLength: 100,
                oldNullable: true);
        }
    }
}
