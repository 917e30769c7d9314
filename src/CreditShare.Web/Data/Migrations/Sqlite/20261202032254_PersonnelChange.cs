using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PersonnelChange : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReplacedHolderNameSealed",
                table: "CredentialApplications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReplacedHolderPhoneSealed",
                table: "CredentialApplications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReplacementReason",
                table: "CredentialApplications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReplacementReasonText",
                table: "CredentialApplications",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReplacedHolderNameSealed",
                table: "CredentialApplications");

            migrationBuilder.DropColumn(
                name: "ReplacedHolderPhoneSealed",
                table: "CredentialApplications");

            migrationBuilder.DropColumn(
                name: "ReplacementReason",
                table: "CredentialApplications");

            migrationBuilder.DropColumn(
                name: "ReplacementReasonText",
                table: "CredentialApplications");
        }
    }
}
