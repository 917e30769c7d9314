using System.IO.Compression;
using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Web.Documents;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CreditShare.Web.Tests.Features.Reporting;

public class WorkbookTests
{
    [Fact]
    public void The_template_has_chinese_headers_a_hint_row_and_drop_downs_and_reads_back_empty()
    {
        var bytes = Workbooks.Template(BuiltInCatalog.Penalty);
        using (var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false))
        {
            var sheets = document.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().ToList();
            Assert.Equal("行政处罚", sheets[0].Name!.Value);
            Assert.Equal(SheetStateValues.Hidden, sheets[1].State!.Value);
            var worksheet = ((WorksheetPart)document.WorkbookPart.GetPartById(sheets[0].Id!)).Worksheet;
            var firstRow = worksheet.Descendants<Row>().First().Elements<Cell>().Select(c => c.InnerText).ToList();
            Assert.Equal("*行政相对人名称", firstRow[0]);
            Assert.StartsWith(Workbooks.HintMarker, worksheet.Descendants<Row>().ElementAt(1).Elements<Cell>().First().InnerText);
            var validations = worksheet.Descendants<DataValidation>().ToList();
            Assert.Contains(validations, v => v.Formula1!.Text.Contains("取值", StringComparison.Ordinal));
            Assert.Equal(BuiltInCatalog.Penalty.Fields.Count(f => f.Type == FieldType.Enum), validations.Count);
        }

        var (rows, errors, _) = Workbooks.Read(new MemoryStream(bytes), BuiltInCatalog.Penalty);
        Assert.Empty(errors);
        Assert.Empty(rows!);
    }

    [Fact]
    public void Formula_like_text_is_neutralised_in_written_workbooks_and_restored_on_reading()
    {
        var row = new Dictionary<string, string?> { ["CF_XDR_MC"] = "=HYPERLINK(\"http://evil\",\"点我\")", ["CF_WSH"] = "+1", ["CF_SY"] = "@SUM(A1)", ["CF_YJ"] = "-2" };
        var bytes = Workbooks.ErrorWorkbook(BuiltInCatalog.Penalty, [(row, [new FieldError("CF_WSH", "x", "=1+1")])]);
        using (var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false))
        {
            var texts = document.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<Cell>()).Select(c => c.InnerText).ToList();
            Assert.DoesNotContain(texts, t => t.Length > 0 && t[0] is '=' or '+' or '-' or '@');
            Assert.Contains("'=HYPERLINK(\"http://evil\",\"点我\")", texts);
            Assert.Empty(document.WorkbookPart.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<CellFormula>()));
        }

        var (rows, _, _) = Workbooks.Read(new MemoryStream(bytes), BuiltInCatalog.Penalty with { Fields = [.. BuiltInCatalog.Penalty.Fields.Select(f => f with { Required = false })] });
        Assert.Equal("=HYPERLINK(\"http://evil\",\"点我\")", rows![0]["CF_XDR_MC"]);
    }

    [Fact]
    public void A_zip_bomb_disguised_as_xlsx_is_refused_without_inflating_it()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Optimal).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 210; i++)
            {
                entry.Write(zeros);
            }
        }

        Assert.True(buffer.Length < 2 * 1024 * 1024);
        buffer.Position = 0;
        var (rows, errors, _) = Workbooks.Read(buffer, BuiltInCatalog.Penalty);
        Assert.Null(rows);
        Assert.Equal("xlsx.too_large", Assert.Single(errors).Code);
    }

    [Fact]
    public void Garbage_named_xlsx_is_refused_with_a_reason()
    {
        var (rows, errors, _) = Workbooks.Read(new MemoryStream("not a workbook"u8.ToArray()), BuiltInCatalog.Penalty);
        Assert.Null(rows);
        Assert.Equal("xlsx.malformed", Assert.Single(errors).Code);
    }
}
