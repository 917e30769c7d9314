using System.Security.Claims;
using System.Security.Cryptography;
using CreditShare.Core;
using CreditShare.Core.Codes;
using CreditShare.Core.Contract;
using CreditShare.Web.Data;
using CreditShare.Web.Documents;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Infrastructure;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Pdf;

namespace CreditShare.Web.Features.Sharing;

public sealed record ExportFile(byte[] Content, string ContentType, string FileName, string TraceCode);

/// <summary>
/// Files that leave the platform (art. 23): each is stamped — visibly on every sheet or page, and in the document's
/// properties — with the recipient unit, the account, the time and a trace code that leads back to this export.
/// </summary>
public sealed class SharedExports(AppDbContext db, CatalogService catalog, AuditWriter audit, TimeProvider time)
{
    public const string Xlsx = "xlsx";
    public const string Pdf = "pdf";

    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /// <summary>Twelve characters from an alphabet without look-alikes, in groups of four: read out over the phone if need be.</summary>
    public static string NewTraceCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 12);
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}";
    }

    public Task<ExportFile> ExportAsync(ClaimsPrincipal who, int unitId, string purpose, SharedSubject subject, string format) =>
        ExportAsync(who, unitId, purpose, [subject], format, "export", null);

    public async Task<ExportFile> ExportAsync(ClaimsPrincipal who, int unitId, string purpose, IReadOnlyList<SharedSubject> subjects, string format, string channel, long? requestId)
    {
        var unit = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => new { u.Name, u.Uscc }).FirstAsync();
        var now = time.GetUtcNow();
        var trace = NewTraceCode();
        var stamp = $"接收单位：{unit.Name}（{unit.Uscc}）　导出账号：{who.Actor()}　导出时间：{ProvincialTime.ToBeijing(now):yyyy-MM-dd HH:mm:ss}　追溯码：{trace}";
        var labels = new Dictionary<string, Dictionary<string, string>>();
        foreach (var category in subjects.SelectMany(s => s.Records).Select(r => r.Category).Distinct())
        {
            labels[category] = (await catalog.GetAsync(category))?.Fields.ToDictionary(f => f.Code, f => f.Label) ?? [];
        }

        var content = format == Pdf ? RenderPdf(subjects, stamp, purpose, trace, labels) : RenderWorkbook(subjects, stamp, purpose, trace, labels);
        var records = subjects.SelectMany(s => s.Records).ToList();
        var described = string.Join("、", subjects.Select(s => s.Name));
        db.ShareExports.Add(new ShareExport
        {
            TraceCode = trace,
            UnitId = unitId,
            Account = who.Actor(),
            At = now,
            Format = format == Pdf ? Pdf : Xlsx,
            Purpose = purpose,
            Subject = described.Length > 300 ? described[..300] : described,
            RecordCount = records.Count,
            ContentSha256 = Core.Crypto.ContentDigest.Hex(content),
            RequestId = requestId,
        });
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_Exported, AuditOutcome.Success)
        {
            Target = $"export:{trace}",
            Purpose = purpose,
            ResultCount = records.Count,
            Detail = $"format={format};subjects={PersonalMask.Scrub(string.Join(',', subjects.Select(s => s.Code)))}" + (requestId is null ? "" : $";request={requestId}"),
            Shared = new SharedRecords(unitId, channel, [.. records.Select(r => r.Id)]),
        });
        var name = $"共享数据_{trace}.{(format == Pdf ? Pdf : Xlsx)}";
        return new ExportFile(content, format == Pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, trace);
    }

    private static byte[] RenderWorkbook(IReadOnlyList<SharedSubject> subjects, string stamp, string purpose, string trace, Dictionary<string, Dictionary<string, string>> labels)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            document.PackageProperties.Keywords = $"trace:{trace}";
            document.PackageProperties.Description = stamp;
            document.PackageProperties.Title = "共享数据";
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var sheets = workbookPart.Workbook.AppendChild(new Sheets());
            var bySubject = subjects.SelectMany(s => s.Records.Select(r => (Subject: s, Record: r))).ToList();
            var groups = bySubject.GroupBy(x => x.Record.Category)
                .Select(g => (Name: g.First().Record.CategoryName, Labels: labels.GetValueOrDefault(g.Key) ?? [], Records: g.ToList())).ToList();
            if (groups.Count == 0)
            {
                groups.Add(("无相关信息", [], []));
            }

            uint sheetId = 1;
            foreach (var (name, names, records) in groups)
            {
                var fields = records.SelectMany(x => x.Record.Fields.Keys).Distinct().ToList();
                var data = new SheetData();
                data.Append(new Row(Workbooks.Cell(0, 1, stamp)) { RowIndex = 1 });
                data.Append(new Row(Workbooks.Cell(0, 2, $"用途：{purpose}")) { RowIndex = 2 });
                var header = new Row { RowIndex = 3 };
                string[] fixedColumns = ["主体名称", "主体代码", "数据来源", "决定日期", "共享截止"];
                foreach (var (title, i) in fixedColumns.Concat(fields.Select(f => names.GetValueOrDefault(f) ?? f)).Select((t, i) => (t, i)))
                {
                    header.Append(Workbooks.Cell(i, 3, title));
                }

                data.Append(header);
                uint rowIndex = 4;
                foreach (var (subject, record) in records)
                {
                    var row = new Row { RowIndex = rowIndex };
                    row.Append(Workbooks.Cell(0, rowIndex, subject.Name), Workbooks.Cell(1, rowIndex, subject.Code), Workbooks.Cell(2, rowIndex, record.SourceUnit),
                        Workbooks.Cell(3, rowIndex, $"{record.DecisionDate:yyyy-MM-dd}"), Workbooks.Cell(4, rowIndex, $"{record.SharingEnd:yyyy-MM-dd}"));
                    foreach (var (field, i) in fields.Select((f, i) => (f, i)))
                    {
                        row.Append(Workbooks.Cell(i + fixedColumns.Length, rowIndex, record.Fields.GetValueOrDefault(field) ?? ""));
                    }

                    data.Append(row);
                    rowIndex++;
                }

                // The stamp again below the data, so that cutting off the top rows does not remove it.
                data.Append(new Row(Workbooks.Cell(0, rowIndex + 1, stamp)) { RowIndex = rowIndex + 1 });
                var part = workbookPart.AddNewPart<WorksheetPart>();
                part.Worksheet = new Worksheet(data);
                sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = sheetId++, Name = name.Length > 31 ? name[..31] : name });
            }

            workbookPart.Workbook.Save();
        }

        return stream.ToArray();
    }

    private static byte[] RenderPdf(IReadOnlyList<SharedSubject> subjects, string stamp, string purpose, string trace, Dictionary<string, Dictionary<string, string>> labels)
    {
        ReportPdf.EnsureFonts();
        using var document = new PdfDocument();
        document.Info.Title = "共享数据";
        document.Info.Keywords = $"trace:{trace}";
        document.Info.Subject = stamp;
        document.Info.Creator = "CreditShare 公共信用信息共享平台";
        var writer = new ReportPdf.Writer(document, $"追溯码 {trace} · 仅限接收单位按申明用途使用");
        writer.Line("共享数据（内部使用，不得公开或转交）", 16, bold: true);
        writer.Line(stamp, 9);
        writer.Line($"用途：{purpose}", 9);
        foreach (var subject in subjects)
        {
            writer.Gap(6);
            writer.Line($"{subject.Name}（{subject.Code}）· {subject.Type}", 13, bold: true);
            if (subject.Records.Count == 0)
            {
                writer.Line("授权范围内无相关信息", 10);
            }

            foreach (var group in subject.Records.GroupBy(r => r.Category))
            {
                writer.Gap(6);
                writer.Line($"{group.First().CategoryName}（{group.Count()}）", 12, bold: true);
                var names = labels.GetValueOrDefault(group.Key) ?? [];
                foreach (var record in group)
                {
                    writer.Rule();
                    foreach (var (code, value) in record.Fields)
                    {
                        writer.Pair(names.GetValueOrDefault(code) ?? code, value);
                    }

                    writer.Pair("数据来源", record.SourceUnit);
                    writer.Pair("共享截止", $"{record.SharingEnd:yyyy-MM-dd}");
                }
            }
        }

        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }
}
