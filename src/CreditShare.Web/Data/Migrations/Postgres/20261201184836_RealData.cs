using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RealData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReceivedJson",
                table: "RecordVersions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceTemplate",
                table: "RecordVersions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReceivedJson",
                table: "CreditRecords",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceTemplate",
                table: "CreditRecords",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReceivedJson",
                table: "RecordVersions");

            migrationBuilder.DropColumn(
                name: "SourceTemplate",
                table: "RecordVersions");

            migrationBuilder.DropColumn(
                name: "ReceivedJson",
                table: "CreditRecords");

            migrationBuilder.DropColumn(
                name: "SourceTemplate",
                table: "CreditRecords");
        }
    }
}
