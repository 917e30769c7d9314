using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CreditShare.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CurrentVersionOnRecord : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_CreditRecords_Subjects_SubjectId",
                table: "CreditRecords");

            migrationBuilder.DropForeignKey(
                name: "FK_CreditRecords_Units_SourceUnitId",
                table: "CreditRecords");

            migrationBuilder.DropIndex(
                name: "IX_Subjects_IdentityHash",
                table: "Subjects");

            migrationBuilder.DropIndex(
                name: "IX_Subjects_Uscc",
                table: "Subjects");

            migrationBuilder.DropIndex(
                name: "IX_CreditRecords_SourceUnitId_CategoryCode_SourceKey",
                table: "CreditRecords");

            migrationBuilder.DropIndex(
                name: "IX_AbnormalEntries_UnitId_CategoryCode_SourceKey",
                table: "AbnormalEntries");

            migrationBuilder.AddColumn<int>(
                name: "FirstSourceUnitId",
                table: "Subjects",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Key",
                table: "Subjects",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "BatchId",
                table: "CreditRecords",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "CreditRecords",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "LastAction",
                table: "CreditRecords",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Reason",
                table: "CreditRecords",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubmittedBy",
                table: "CreditRecords",
                type: "TEXT",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            // Existing data in the new shape: the current version's provenance moves onto the record row and leaves the
            // history table; a subject's first name is Subjects.Name, so its first SubjectNames row goes; subjects get their
            // lookup key; abnormal entries without a document number get an empty one.
            migrationBuilder.Sql("""
                UPDATE "Subjects" SET "FirstSourceUnitId" = (SELECT n."SourceUnitId" FROM "SubjectNames" n WHERE n."SubjectId" = "Subjects"."Id" ORDER BY n."Id" LIMIT 1)
                WHERE EXISTS (SELECT 1 FROM "SubjectNames" n WHERE n."SubjectId" = "Subjects"."Id");
                DELETE FROM "SubjectNames" WHERE NOT "NeedsReview" AND "Id" = (SELECT min(m."Id") FROM "SubjectNames" m WHERE m."SubjectId" = "SubjectNames"."SubjectId");
                UPDATE "CreditRecords" SET ("LastAction", "BatchId", "Channel", "SubmittedBy", "Reason", "UpdatedAt") =
                    (SELECT v."Action", v."BatchId", v."Channel", v."SubmittedBy", v."Reason", v."ReceivedAt" FROM "RecordVersions" v
                     WHERE v."RecordId" = "CreditRecords"."Id" AND v."Version" = "CreditRecords"."CurrentVersion")
                WHERE EXISTS (SELECT 1 FROM "RecordVersions" v WHERE v."RecordId" = "CreditRecords"."Id" AND v."Version" = "CreditRecords"."CurrentVersion");
                DELETE FROM "RecordVersions" WHERE "Version" = (SELECT r."CurrentVersion" FROM "CreditRecords" r WHERE r."Id" = "RecordVersions"."RecordId");
                UPDATE "Subjects" SET "Key" = COALESCE("Uscc", "IdentityHash", '');
                UPDATE "AbnormalEntries" SET "SourceKey" = '' WHERE "SourceKey" IS NULL;
                """);

            migrationBuilder.AlterColumn<string>(
                name: "SourceKey",
                table: "AbnormalEntries",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 200,
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Subjects_Key",
                table: "Subjects",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CreditRecords_SourceKey_SourceUnitId_CategoryCode",
                table: "CreditRecords",
                columns: new[] { "SourceKey", "SourceUnitId", "CategoryCode" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AbnormalEntries_SourceKey_UnitId_CategoryCode",
                table: "AbnormalEntries",
                columns: new[] { "SourceKey", "UnitId", "CategoryCode" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Subjects_Key",
                table: "Subjects");

            migrationBuilder.DropIndex(
                name: "IX_CreditRecords_SourceKey_SourceUnitId_CategoryCode",
                table: "CreditRecords");

            migrationBuilder.DropIndex(
                name: "IX_AbnormalEntries_SourceKey_UnitId_CategoryCode",
                table: "AbnormalEntries");

            migrationBuilder.DropColumn(
                name: "FirstSourceUnitId",
                table: "Subjects");

            migrationBuilder.DropColumn(
                name: "Key",
                table: "Subjects");

            migrationBuilder.DropColumn(
                name: "BatchId",
                table: "CreditRecords");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "CreditRecords");

            migrationBuilder.DropColumn(
                name: "LastAction",
                table: "CreditRecords");

            migrationBuilder.DropColumn(
                name: "Reason",
                table: "CreditRecords");

            migrationBuilder.DropColumn(
                name: "SubmittedBy",
                table: "CreditRecords");

            migrationBuilder.AlterColumn<string>(
                name: "SourceKey",
                table: "AbnormalEntries",
                type: "TEXT",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 200);

            migrationBuilder.CreateIndex(
                name: "IX_Subjects_IdentityHash",
                table: "Subjects",
                column: "IdentityHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Subjects_Uscc",
                table: "Subjects",
                column: "Uscc",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CreditRecords_SourceUnitId_CategoryCode_SourceKey",
                table: "CreditRecords",
                columns: new[] { "SourceUnitId", "CategoryCode", "SourceKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AbnormalEntries_UnitId_CategoryCode_SourceKey",
                table: "AbnormalEntries",
                columns: new[] { "UnitId", "CategoryCode", "SourceKey" });

            migrationBuilder.AddForeignKey(
                name: "FK_CreditRecords_Subjects_SubjectId",
                table: "CreditRecords",
                column: "SubjectId",
                principalTable: "Subjects",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_CreditRecords_Units_SourceUnitId",
                table: "CreditRecords",
                column: "SourceUnitId",
                principalTable: "Units",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
