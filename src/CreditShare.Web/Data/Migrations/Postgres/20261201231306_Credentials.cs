using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Credentials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ApplicationId",
                table: "IssuedCertificates",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CollectedBy",
                table: "IssuedCertificates",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "CollectorIdChecked",
                table: "IssuedCertificates",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeliveredAt",
                table: "IssuedCertificates",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryRecordedBy",
                table: "IssuedCertificates",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "KeyFromRequest",
                table: "IssuedCertificates",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "RenewedBySerial",
                table: "IssuedCertificates",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReplacesSerial",
                table: "IssuedCertificates",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RevocationCode",
                table: "IssuedCertificates",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RevokeAfter",
                table: "IssuedCertificates",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StaffUserId",
                table: "IssuedCertificates",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TrackingNumber",
                table: "IssuedCertificates",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CredentialApplications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    UnitCode = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: false),
                    UnitId = table.Column<int>(type: "integer", nullable: true),
                    OrganisationName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Address = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PostalCode = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    UserNameSealed = table.Column<string>(type: "text", nullable: false),
                    OfficePhoneSealed = table.Column<string>(type: "text", nullable: false),
                    MobileSealed = table.Column<string>(type: "text", nullable: false),
                    EmailSealed = table.Column<string>(type: "text", nullable: false),
                    IdType = table.Column<int>(type: "integer", nullable: false),
                    IdNumberSealed = table.Column<string>(type: "text", nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    ValidityMonths = table.Column<int>(type: "integer", nullable: false),
                    Delivery = table.Column<int>(type: "integer", nullable: false),
                    AgentNameSealed = table.Column<string>(type: "text", nullable: false),
                    AgentDepartment = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AgentPhoneSealed = table.Column<string>(type: "text", nullable: false),
                    AgentMobileSealed = table.Column<string>(type: "text", nullable: false),
                    AgentEmailSealed = table.Column<string>(type: "text", nullable: false),
                    AccountName = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Roles = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TermsVersion = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SubmittedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ClientIp = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ScanFileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ScanContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ScanSize = table.Column<long>(type: "bigint", nullable: true),
                    ScanSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ScanStoredName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ScanUploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AcceptedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    AcceptedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AcceptanceOpinion = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ApprovedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ApprovalOpinion = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    StaffUserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ReplacesSerial = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialApplications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExpiryReminders",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SerialNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DaysAhead = table.Column<int>(type: "integer", nullable: false),
                    UnitId = table.Column<int>(type: "integer", nullable: false),
                    DigestId = table.Column<Guid>(type: "uuid", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpiryReminders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TermsAcceptances",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ApplicationNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    UnitCode = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: false),
                    AcceptedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClientIp = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TermsAcceptances", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_NotAfter",
                table: "IssuedCertificates",
                column: "NotAfter");

            migrationBuilder.CreateIndex(
                name: "IX_IssuedCertificates_StaffUserId",
                table: "IssuedCertificates",
                column: "StaffUserId");

            migrationBuilder.CreateIndex(
                name: "IX_CredentialApplications_Number",
                table: "CredentialApplications",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CredentialApplications_State_SubmittedAt",
                table: "CredentialApplications",
                columns: new[] { "State", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ExpiryReminders_DigestId",
                table: "ExpiryReminders",
                column: "DigestId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpiryReminders_SerialNumber_DaysAhead",
                table: "ExpiryReminders",
                columns: new[] { "SerialNumber", "DaysAhead" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TermsAcceptances_UserId_Version",
                table: "TermsAcceptances",
                columns: new[] { "UserId", "Version" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CredentialApplications");

            migrationBuilder.DropTable(
                name: "ExpiryReminders");

            migrationBuilder.DropTable(
                name: "TermsAcceptances");

            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_NotAfter",
                table: "IssuedCertificates");

            migrationBuilder.DropIndex(
                name: "IX_IssuedCertificates_StaffUserId",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "ApplicationId",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "CollectedBy",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "CollectorIdChecked",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "DeliveredAt",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "DeliveryRecordedBy",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "KeyFromRequest",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "RenewedBySerial",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "ReplacesSerial",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "RevocationCode",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "RevokeAfter",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "StaffUserId",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "TrackingNumber",
                table: "IssuedCertificates");
        }
    }
}
