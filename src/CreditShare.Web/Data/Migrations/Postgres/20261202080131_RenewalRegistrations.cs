using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UnitId = table.Column<int>(type: "integer", nullable: false),
                    UnitCode = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: false),
                    OrganisationName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SubmittedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ClientIp = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ScanFileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ScanContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ScanSize = table.Column<long>(type: "bigint", nullable: true),
                    ScanSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ScanStoredName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ScanUploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AcceptedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    AcceptedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Opinion = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RenewalRegistrations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RenewalRegistrationEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RegistrationId = table.Column<long>(type: "bigint", nullable: false),
                    Sequence = table.Column<int>(type: "integer", nullable: false),
                    AccountName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UserNameSealed = table.Column<string>(type: "text", nullable: false),
                    PhoneSealed = table.Column<string>(type: "text", nullable: false),
                    Remarks = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CertificateSerial = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CertificateNotAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RenewedSerial = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RenewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RenewalRegistrationEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RenewalRegistrationEntries_RenewalRegistrations_Registratio~",
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
