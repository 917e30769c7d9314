using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RenewalReplay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CertificatePem",
                table: "IssuedCertificates",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublicKeySha256",
                table: "IssuedCertificates",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CertificatePem",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "PublicKeySha256",
                table: "IssuedCertificates");
        }
    }
}
