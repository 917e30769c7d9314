using System.IO.Compression;
using CreditShare.Core;
using CreditShare.Core.Catalog;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CreditShare.Web.Documents;

/// <summary>
/// Excel workbooks of the reporting portal: the template generated from the catalog (Chinese headers, a hint row,
/// drop-downs for enumerations), reading an uploaded workbook, and the error workbook that gives rejected rows back
/// with their reasons. Every cell the platform writes is text, and text that a spreadsheet would take for a formula
/// is neutralised.
/// </summary>
public static class Workbooks
{
    public const string HintMarker = "填写说明";
    public const string ReasonHeader = "错误原因";
    public const int TemplateRows = 5000;
    private const long MaxUncompressedBytes = 200L * 1024 * 1024;
    private const int MaxCompressionRatio = 100;

    public static byte[] Template(CategoryDefinition category) => Write(category, [], includeReasons: false);

    public static byte[] ErrorWorkbook(CategoryDefinition category, IEnumerable<(IReadOnlyDictionary<string, string?> Row, IReadOnlyList<FieldError> Errors)> rejected) =>
        Write(category, rejected.ToList(), includeReasons: true);

    /// <summary>A leading =, +, -, @, tab or CR makes spreadsheet programs evaluate a cell: prefix an apostrophe.</summary>
    public static string Neutralise(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static string Restore(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;

    public static string Hint(FieldDefinition field)
    {
        var parts = new List<string> { field.Required ? "必填" : "选填" };
        parts.Add(field.Type switch
        {
            FieldType.Date => "日期，如 2026-01-31",
            FieldType.Decimal => "数字",
            FieldType.Enum => "从下拉列表选择",
            FieldType.MultiEnum => "可多选，以分号分隔：" + string.Join("；", field.AllowedValues),
            _ => field.Format switch
            {
                FieldFormat.Uscc => "18位统一社会信用代码",
                FieldFormat.IdNumber => "18位身份证号码",
                _ => $"不超过{field.MaxLength}字",
            },
        });
        if (field.Hint is { } hint)
        {
            parts.Add(hint);
        }

        return string.Join("；", parts);
    }

    private static byte[] Write(CategoryDefinition category, List<(IReadOnlyDictionary<string, string?> Row, IReadOnlyList<FieldError> Errors)> rows, bool includeReasons)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var sheets = workbookPart.Workbook.AppendChild(new Sheets());

            var dataPart = workbookPart.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            var columns = category.Fields.Count + (includeReasons ? 1 : 0);
            var header = new Row { RowIndex = 1 };
            var hints = new Row { RowIndex = 2 };
            for (var i = 0; i < category.Fields.Count; i++)
            {
                var field = category.Fields[i];
                header.Append(Cell(i, 1, field.Required ? $"*{field.Label}" : field.Label));
                hints.Append(Cell(i, 2, i == 0 ? $"{HintMarker}（本行不报送）：{Hint(field)}" : Hint(field)));
            }

            if (includeReasons)
            {
                header.Append(Cell(category.Fields.Count, 1, ReasonHeader));
                hints.Append(Cell(category.Fields.Count, 2, "改正后可删除本列，整表重新上传"));
            }

            data.Append(header, hints);
            uint rowIndex = 3;
            foreach (var (values, errors) in rows)
            {
                var row = new Row { RowIndex = rowIndex };
                for (var i = 0; i < category.Fields.Count; i++)
                {
                    if (values.TryGetValue(category.Fields[i].Code, out var value) && !string.IsNullOrEmpty(value))
                    {
                        row.Append(Cell(i, rowIndex, value));
                    }
                }

                row.Append(Cell(category.Fields.Count, rowIndex, string.Join("；", errors.Select(e => $"{Label(category, e.Field)}：{e.Message}"))));
                data.Append(row);
                rowIndex++;
            }

            var worksheet = new Worksheet();
            worksheet.Append(new Columns(Enumerable.Range(1, columns).Select(c => new Column { Min = (uint)c, Max = (uint)c, Width = 22, CustomWidth = true })));
            worksheet.Append(data);
            AddDropDowns(workbookPart, worksheet, category, sheets);
            dataPart.Worksheet = worksheet;
            sheets.InsertAt(new Sheet { Id = workbookPart.GetIdOfPart(dataPart), SheetId = 1, Name = category.Name }, 0);
            workbookPart.Workbook.Save();
        }

        return stream.ToArray();
    }

    /// <summary>Enumerations become list validations pointing at a hidden sheet (no 255-character limit that way).</summary>
    private static void AddDropDowns(WorkbookPart workbookPart, Worksheet worksheet, CategoryDefinition category, Sheets sheets)
    {
        var enums = category.Fields.Select((f, i) => (Field: f, Index: i)).Where(x => x.Field.Type == FieldType.Enum).ToList();
        if (enums.Count == 0)
        {
            return;
        }

        var listPart = workbookPart.AddNewPart<WorksheetPart>();
        var listData = new SheetData();
        var longest = enums.Max(e => e.Field.AllowedValues.Count);
        for (var r = 0; r < longest; r++)
        {
            var row = new Row { RowIndex = (uint)(r + 1) };
            for (var c = 0; c < enums.Count; c++)
            {
                if (r < enums[c].Field.AllowedValues.Count)
                {
                    row.Append(Cell(c, (uint)(r + 1), enums[c].Field.AllowedValues[r]));
                }
            }

            listData.Append(row);
        }

        listPart.Worksheet = new Worksheet(listData);
        sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(listPart), SheetId = 2, Name = "取值", State = SheetStateValues.Hidden });

        var validations = new DataValidations();
        for (var c = 0; c < enums.Count; c++)
        {
            var column = ColumnName(enums[c].Index);
            var listColumn = ColumnName(c);
            validations.Append(new DataValidation
            {
                Type = DataValidationValues.List,
                AllowBlank = true,
                ShowErrorMessage = true,
                ErrorTitle = "取值无效",
                Error = $"请从下拉列表中选择{enums[c].Field.Label}",
                SequenceOfReferences = new ListValue<StringValue> { InnerText = $"{column}3:{column}{TemplateRows + 2}" },
                Formula1 = new Formula1($"'取值'!${listColumn}$1:${listColumn}${enums[c].Field.AllowedValues.Count}"),
            });
        }

        validations.Count = (uint)enums.Count;
        worksheet.Append(validations);
    }

    /// <summary>
    /// Reads the first sheet: the header row gives field labels or codes (a leading * is ignored), a hint row is
    /// skipped, an error-workbook reason column is ignored. Refuses archives that would inflate beyond reason.
    /// </summary>
    public static (List<IReadOnlyDictionary<string, string?>>? Rows, List<FieldError> Errors, Features.Reporting.FileRead? Read) Read(Stream input, CategoryDefinition category)
    {
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        if (CheckArchive(buffer) is { } refusal)
        {
            return (null, [refusal], null);
        }

        buffer.Position = 0;
        try
        {
            using var document = SpreadsheetDocument.Open(buffer, false);
            var workbookPart = document.WorkbookPart ?? throw new InvalidDataException("no workbook");
            var sheet = workbookPart.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new InvalidDataException("no sheet");
            var worksheet = ((WorksheetPart)workbookPart.GetPartById(sheet.Id!)).Worksheet;
            var shared = workbookPart.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
            var rows = worksheet.Descendants<Row>().ToList();
            if (rows.Count == 0)
            {
                return (null, [new FieldError("$", "xlsx.empty", "工作表为空")], null);
            }

            var headerCells = Cells(rows[0], shared);
            var headers = headerCells.Where(h => h.Text.Trim().Length > 0).ToDictionary(h => h.Column, h => h.Text.Trim());
            // Rows are keyed by each column's code in the sheet's layout; the reporting service maps them onto today's fields.
            var columns = ReportHeaders.Resolve(category, [.. headers.Values], headerRow: true, "xlsx");
            if (columns.Errors.Count > 0)
            {
                return (null, [.. columns.Errors], null);
            }

            var codes = headers.Where(h => columns.CodeOf(h.Value) is not null).ToDictionary(h => h.Key, h => columns.CodeOf(h.Value)!);

            var result = new List<IReadOnlyDictionary<string, string?>>();
            foreach (var row in rows.Skip(1))
            {
                var cells = Cells(row, shared);
                if (cells.FirstOrDefault().Text?.StartsWith(HintMarker, StringComparison.Ordinal) == true)
                {
                    continue;
                }

                var values = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var (column, text) in cells)
                {
                    if (codes.TryGetValue(column, out var code) && text.Trim().Length > 0)
                    {
                        values[code] = Restore(text.Trim());
                    }
                }

                if (values.Count > 0)
                {
                    result.Add(values);
                }
            }

            return (result, [], new Features.Reporting.FileRead(columns.Layout?.Name, columns.Warnings));
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or InvalidOperationException or FileFormatException or System.Xml.XmlException)
        {
            return (null, [new FieldError("$", "xlsx.malformed", "文件不是有效的 Excel 工作簿（.xlsx）")], null);
        }
    }

    private static FieldError? CheckArchive(MemoryStream buffer)
    {
        buffer.Position = 0;
        try
        {
            using var zip = new ZipArchive(buffer, ZipArchiveMode.Read, leaveOpen: true);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > MaxUncompressedBytes || (entry.Length > 1024 * 1024 && entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > MaxCompressionRatio))
                {
                    return new FieldError("$", "xlsx.too_large", "工作簿解压后过大（疑似压缩炸弹），已拒绝");
                }
            }

            return null;
        }
        catch (InvalidDataException)
        {
            return new FieldError("$", "xlsx.malformed", "文件不是有效的 Excel 工作簿（.xlsx）");
        }
    }

    private static List<(int Column, string Text)> Cells(Row row, List<string> shared)
    {
        var cells = new List<(int, string)>();
        var next = 0;
        foreach (var cell in row.Elements<Cell>())
        {
            var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : next;
            next = column + 1;
            var text = cell.DataType?.Value == CellValues.SharedString && int.TryParse(cell.CellValue?.Text, out var s) && s < shared.Count
                ? shared[s]
                : cell.DataType?.Value == CellValues.InlineString ? cell.InlineString?.InnerText ?? "" : cell.CellValue?.Text ?? cell.InnerText;
            cells.Add((column, text));
        }

        return cells;
    }

    internal static Cell Cell(int column, uint row, string text) => new()
    {
        CellReference = $"{ColumnName(column)}{row}",
        DataType = CellValues.InlineString,
        InlineString = new InlineString(new Text(Neutralise(text)) { Space = SpaceProcessingModeValues.Preserve }),
    };

    private static string Label(CategoryDefinition category, string field) => category.Field(field)?.Label ?? field;

    public static string ColumnName(int index)
    {
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26)
        {
            name = (char)('A' + ((index - 1) % 26)) + name;
        }

        return name;
    }

    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference.TakeWhile(char.IsAsciiLetter))
        {
            index = (index * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }

        return index - 1;
    }
}
