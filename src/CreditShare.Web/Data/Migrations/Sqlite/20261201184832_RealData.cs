using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceTemplate",
                table: "RecordVersions",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReceivedJson",
                table: "CreditRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceTemplate",
                table: "CreditRecords",
                type: "TEXT",
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
