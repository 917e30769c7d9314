using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Pkcs12CollectedAt",
                table: "IssuedCertificates",
                type: "INTEGER",
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
