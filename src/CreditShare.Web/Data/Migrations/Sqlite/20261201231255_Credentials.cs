using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CollectedBy",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "CollectorIdChecked",
                table: "IssuedCertificates",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "DeliveredAt",
                table: "IssuedCertificates",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryRecordedBy",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "KeyFromRequest",
                table: "IssuedCertificates",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "RenewedBySerial",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReplacesSerial",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RevocationCode",
                table: "IssuedCertificates",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RevokeAfter",
                table: "IssuedCertificates",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StaffUserId",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TrackingNumber",
                table: "IssuedCertificates",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CredentialApplications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    UnitId = table.Column<int>(type: "INTEGER", nullable: true),
                    OrganisationName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PostalCode = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    UserNameSealed = table.Column<string>(type: "TEXT", nullable: false),
                    OfficePhoneSealed = table.Column<string>(type: "TEXT", nullable: false),
                    MobileSealed = table.Column<string>(type: "TEXT", nullable: false),
                    EmailSealed = table.Column<string>(type: "TEXT", nullable: false),
                    IdType = table.Column<int>(type: "INTEGER", nullable: false),
                    IdNumberSealed = table.Column<string>(type: "TEXT", nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    ValidityMonths = table.Column<int>(type: "INTEGER", nullable: false),
                    Delivery = table.Column<int>(type: "INTEGER", nullable: false),
                    AgentNameSealed = table.Column<string>(type: "TEXT", nullable: false),
                    AgentDepartment = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AgentPhoneSealed = table.Column<string>(type: "TEXT", nullable: false),
                    AgentMobileSealed = table.Column<string>(type: "TEXT", nullable: false),
                    AgentEmailSealed = table.Column<string>(type: "TEXT", nullable: false),
                    AccountName = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Roles = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TermsVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ClientIp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ScanFileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ScanContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ScanSize = table.Column<long>(type: "INTEGER", nullable: true),
                    ScanSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ScanStoredName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ScanUploadedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcceptedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcceptanceOpinion = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ApprovedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ApprovedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ApprovalOpinion = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    StaffUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ReplacesSerial = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialApplications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExpiryReminders",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DaysAhead = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    DigestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpiryReminders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TermsAcceptances",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Version = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ApplicationNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    UnitCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClientIp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
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
