using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ServerKeyDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PendingPkcs12Sealed",
                table: "IssuedCertificates",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Pkcs12CollectedAt",
                table: "IssuedCertificates",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PendingPkcs12Sealed",
                table: "IssuedCertificates");

            migrationBuilder.DropColumn(
                name: "Pkcs12CollectedAt",
                table: "IssuedCertificates");
        }
    }
}
