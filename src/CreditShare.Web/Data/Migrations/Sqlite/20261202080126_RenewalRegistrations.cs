using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RenewalRegistrations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RenewalRegistrations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    OrganisationName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ClientIp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ScanFileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ScanContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ScanSize = table.Column<long>(type: "INTEGER", nullable: true),
                    ScanSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ScanStoredName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ScanUploadedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcceptedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Opinion = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RenewalRegistrations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RenewalRegistrationEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RegistrationId = table.Column<long>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    AccountName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserNameSealed = table.Column<string>(type: "TEXT", nullable: false),
                    PhoneSealed = table.Column<string>(type: "TEXT", nullable: false),
                    Remarks = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CertificateSerial = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CertificateNotAfter = table.Column<long>(type: "INTEGER", nullable: false),
                    RenewedSerial = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RenewedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RenewalRegistrationEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RenewalRegistrationEntries_RenewalRegistrations_RegistrationId",
                        column: x => x.RegistrationId,
                        principalTable: "RenewalRegistrations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RenewalRegistrationEntries_CertificateSerial",
                table: "RenewalRegistrationEntries",
                column: "CertificateSerial");

            migrationBuilder.CreateIndex(
                name: "IX_RenewalRegistrationEntries_RegistrationId_Sequence",
                table: "RenewalRegistrationEntries",
                columns: new[] { "RegistrationId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RenewalRegistrations_Number",
                table: "RenewalRegistrations",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RenewalRegistrations_UnitId_State",
                table: "RenewalRegistrations",
                columns: new[] { "UnitId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RenewalRegistrationEntries");

            migrationBuilder.DropTable(
                name: "RenewalRegistrations");
        }
    }
}
