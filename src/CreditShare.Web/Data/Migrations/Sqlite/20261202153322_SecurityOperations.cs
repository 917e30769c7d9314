using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SecurityOperations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AddressBlocks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Address = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AttackType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Evidence = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Simulated = table.Column<bool>(type: "INTEGER", nullable: false),
                    Review = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ReviewedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReviewReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    AllowedUntil = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AddressBlocks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ServiceSwitches",
                columns: table => new
                {
                    Service = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Closed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ClosedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceSwitches", x => x.Service);
                });

            migrationBuilder.CreateTable(
                name: "TrafficCounts",
                columns: table => new
                {
                    Address = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Signal = table.Column<int>(type: "INTEGER", nullable: false),
                    Bucket = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrafficCounts", x => new { x.Address, x.Signal, x.Bucket });
                });

            migrationBuilder.CreateTable(
                name: "TrafficSubjects",
                columns: table => new
                {
                    Address = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SubjectHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Bucket = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrafficSubjects", x => new { x.Address, x.SubjectHash, x.Bucket });
                });

            migrationBuilder.CreateIndex(
                name: "IX_AddressBlocks_Address_CreatedAt",
                table: "AddressBlocks",
                columns: new[] { "Address", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AddressBlocks_ExpiresAt",
                table: "AddressBlocks",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_TrafficCounts_Bucket",
                table: "TrafficCounts",
                column: "Bucket");

            migrationBuilder.CreateIndex(
                name: "IX_TrafficSubjects_Bucket",
                table: "TrafficSubjects",
                column: "Bucket");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AddressBlocks");

            migrationBuilder.DropTable(
                name: "ServiceSwitches");

            migrationBuilder.DropTable(
                name: "TrafficCounts");

            migrationBuilder.DropTable(
                name: "TrafficSubjects");
        }
    }
}
