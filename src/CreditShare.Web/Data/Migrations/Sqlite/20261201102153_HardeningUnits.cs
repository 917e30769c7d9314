using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HardeningUnits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OnBehalfUnits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    Uscc = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AddedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OnBehalfUnits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OnBehalfUnits_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReportingAssignments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    CategoryCode = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AssignedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportingAssignments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReportingAssignments_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OnBehalfUnits_UnitId_Uscc",
                table: "OnBehalfUnits",
                columns: new[] { "UnitId", "Uscc" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReportingAssignments_UnitId_CategoryCode",
                table: "ReportingAssignments",
                columns: new[] { "UnitId", "CategoryCode" },
                unique: true);

            // The schedules already named unit × category: each becomes an assignment, so what was due stays allowed.
            migrationBuilder.Sql(@"INSERT INTO ""ReportingAssignments"" (""UnitId"", ""CategoryCode"", ""AssignedAt"", ""AssignedBy"")
                SELECT s.""UnitId"", s.""CategoryCode"", s.""UpdatedAt"", 'migration' FROM ""ReportingSchedules"" s
                WHERE NOT EXISTS (SELECT 1 FROM ""ReportingAssignments"" a WHERE a.""UnitId"" = s.""UnitId"" AND a.""CategoryCode"" = s.""CategoryCode"");");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OnBehalfUnits");

            migrationBuilder.DropTable(
                name: "ReportingAssignments");
        }
    }
}
