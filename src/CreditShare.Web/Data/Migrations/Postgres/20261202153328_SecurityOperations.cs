using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AttackType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Target = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Evidence = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Simulated = table.Column<bool>(type: "boolean", nullable: false),
                    Review = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReviewedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ReviewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReviewReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    AllowedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AddressBlocks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ServiceSwitches",
                columns: table => new
                {
                    Service = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Closed = table.Column<bool>(type: "boolean", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ClosedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceSwitches", x => x.Service);
                });

            migrationBuilder.CreateTable(
                name: "TrafficCounts",
                columns: table => new
                {
                    Address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Signal = table.Column<int>(type: "integer", nullable: false),
                    Bucket = table.Column<long>(type: "bigint", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrafficCounts", x => new { x.Address, x.Signal, x.Bucket });
                });

            migrationBuilder.CreateTable(
                name: "TrafficSubjects",
                columns: table => new
                {
                    Address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SubjectHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Bucket = table.Column<long>(type: "bigint", nullable: false)
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
