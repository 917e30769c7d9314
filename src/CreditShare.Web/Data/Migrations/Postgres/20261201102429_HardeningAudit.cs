using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class HardeningAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "AuditEntries",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "AuditArchives",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Signature",
                table: "AuditArchives",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "AuditArchives");

            migrationBuilder.DropColumn(
                name: "Signature",
                table: "AuditArchives");
        }
    }
}
