using System.Text;

namespace CreditShare.Core.Catalog;

/// <summary>
/// How the columns (or JSON names) of a report are read: which layout of the category they are in, the field each one
/// fills, and what is said about the rest.
/// </summary>
public sealed class ColumnMap
{
    private readonly Dictionary<string, string?> targets;
    private readonly Dictionary<string, ImpliedValue> implied;
    private readonly Dictionary<string, string> codes;

    internal ColumnMap(CategoryDefinition category, TemplateLayout? layout, Dictionary<string, string?> targets, Dictionary<string, ImpliedValue> implied,
        Dictionary<string, string> codes, List<FieldError> errors, List<FieldError> warnings)
    {
        this.codes = codes;
        Category = layout?.Relax(category) ?? category;
        Layout = layout;
        this.targets = targets;
        this.implied = implied;
        Errors = errors;
        Warnings = warnings;
        IsIdentity = layout is null && targets.All(t => t.Key == t.Value) && implied.Count == 0;
    }

    /// <summary>The category a row is validated against: today's, with what the layout lacks made optional.</summary>
    public CategoryDefinition Category { get; }

    /// <summary>The older national template the report is in; null for today's layout.</summary>
    public TemplateLayout? Layout { get; }

    /// <summary>Columns no field or known layout explains: the file is refused, as its data would otherwise be lost.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>Columns ignored (序号, 数据导出时间) and the layout recognised.</summary>
    public IReadOnlyList<FieldError> Warnings { get; }

    /// <summary>
    /// The code a file's column has in its layout (today's field code, or an older template's, such as CF_CFLB1), under
    /// which a reader keys its rows; null for a column that holds no data. Rows keyed so resolve to the same layout again.
    /// </summary>
    public string? CodeOf(string header) => codes.GetValueOrDefault(header);

    /// <summary>Every name is a field code of today's layout: rows are used as they are.</summary>
    public bool IsIdentity { get; }

    /// <summary>
    /// A row under today's field codes. Columns filling one field are joined (处罚类别1 and 2); columns kept only as
    /// received (地方编码) go into <paramref name="kept"/>; a name the map does not know stays, for the validator to name.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Apply(IReadOnlyDictionary<string, string?> row, out Dictionary<string, string>? kept,
        out FieldError? inferred)
    {
        kept = null;
        inferred = null;
        if (IsIdentity)
        {
            return row;
        }

        var result = new Dictionary<string, string?>(row.Count, StringComparer.Ordinal);
        foreach (var (column, value) in row)
        {
            if (!targets.TryGetValue(column, out var field))
            {
                result[column] = value;
                continue;
            }

            if (field is null)
            {
                if (!string.IsNullOrWhiteSpace(value) && Layout is not null)
                {
                    (kept ??= new(StringComparer.Ordinal))[column] = value;
                }

                continue;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                result.TryAdd(field, value);
                continue;
            }

            result[field] = result.TryGetValue(field, out var earlier) && !string.IsNullOrWhiteSpace(earlier) ? $"{earlier};{value}" : value;
            if (implied.TryGetValue(column, out var also))
            {
                result.TryAdd(also.Field, also.Value);
            }
        }

        if (Layout is { InfersSubjectType: true } && Category.SubjectTypeField is { } typeField && string.IsNullOrWhiteSpace(result.GetValueOrDefault(typeField)))
        {
            var code = Category.SubjectCodeField is { } c ? result.GetValueOrDefault(c) : null;
            var id = Category.SubjectIdNumberField is { } i ? result.GetValueOrDefault(i) : null;
            var label = string.IsNullOrWhiteSpace(code) && !string.IsNullOrWhiteSpace(id) ? SubjectTypes.NaturalPersonLabel : SubjectTypes.LegalPersonLabel;
            result[typeField] = label;
            inferred = new FieldError(typeField, "value.inferred", $"{Layout.Label}没有{Category.Field(typeField)?.Label}，按所填代码推定为“{label}”");
        }

        return result;
    }
}

/// <summary>
/// Reads header rows as departments' systems write them: field codes in any case, labels with half- or full-width
/// brackets, the <c>*</c> the platform's template puts before required columns, the headers of the national 2016 and 2019
/// templates; columns that are not data (序号, 数据导出时间) are ignored with a warning; a header that matches nothing is
/// reported with the closest known ones.
/// </summary>
public static class ReportHeaders
{
    /// <summary>Columns exports add that hold no data of the record.</summary>
    public static IReadOnlyList<string> NonDataColumns { get; } =
        ["序号", "编号", "行号", "数据导出时间", "导出时间", "备注说明", "填报说明", "填表说明", "错误原因", "校验结果", "ID", "主键"];

    /// <param name="category">Today's version of the category.</param>
    /// <param name="headers">The header row of a file, or the names used in JSON records.</param>
    /// <param name="headerRow">A file's header row: unknown and missing columns are errors that refuse the file
    /// (<paramref name="channel"/><c>.unknown_column</c>, <c>.missing_column</c>). JSON names the map does not know are
    /// left for the validator to report per record.</param>
    /// <param name="channel">Prefix of the error codes: <c>csv</c> or <c>xlsx</c>.</param>
    /// <param name="template">The layout a file's reader already recognised from its header row (the names are then
    /// its columns' codes, which need not tell it again); null to recognise it here.</param>
    public static ColumnMap Resolve(CategoryDefinition category, IReadOnlyList<string> headers, bool headerRow, string channel = "csv", string? template = null)
    {
        var current = Index(category, null);
        var candidates = new List<(TemplateLayout? Layout, Dictionary<string, TemplateColumn> Index)>();
        if (template is null || category.Templates.All(t => t.Name != template))
        {
            candidates.Add((null, current));
        }

        candidates.AddRange(category.Templates.Where(t => template is null || t.Name == template).Select(t => ((TemplateLayout?)t, Index(category, t))));

        // The layout that explains the most headers, then the one whose own columns explain the most (a 2019 file also
        // matches the 2016 layout's 行政相对人代码_1); today's wins a tie, so a file in today's layout is never taken for
        // an old one, and of two old ones the later.
        var best = candidates
            .Select(c => (c.Layout, c.Index, Known: headers.Count(h => c.Index.ContainsKey(Key(h))), Own: OwnColumns(c.Layout, headers, current)))
            .OrderByDescending(c => c.Known).ThenByDescending(c => c.Own).ThenBy(c => c.Layout is null ? 0 : 1)
            .ThenByDescending(c => c.Layout?.Name, StringComparer.Ordinal).First();

        var targets = new Dictionary<string, string?>(StringComparer.Ordinal);
        var implied = new Dictionary<string, ImpliedValue>(StringComparer.Ordinal);
        var codes = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<FieldError>();
        var warnings = new List<FieldError>();
        var noDataKeys = NonDataColumns.Select(Key).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            var key = Key(header);
            var where = headerRow ? $"第 {i + 1} 列“{header.Trim()}”" : $"“{header}”";
            if (best.Index.TryGetValue(key, out var column))
            {
                targets[header] = column.Field;
                codes[header] = column.Code;
                if (column.Implies is not null)
                {
                    implied[header] = column.Implies;
                }

                if (column.Field is null)
                {
                    warnings.Add(new FieldError(header, "column.kept", $"{where}在现行目录中没有对应字段，其内容随记录保存备查"));
                }
            }
            else if (key.Length == 0 || noDataKeys.Contains(key))
            {
                targets[header] = null;
                if (key.Length > 0)
                {
                    warnings.Add(new FieldError(header, "column.ignored", $"{where}不是数据列，已忽略"));
                }
            }
            else if (headerRow)
            {
                var closest = Closest(category, best.Index, key);
                errors.Add(new FieldError(header.Trim(), $"{channel}.unknown_column",
                    $"{where}不是{category.Name}的字段" + (closest.Count > 0 ? $"，最接近的是：{string.Join("、", closest)}" : "")));
            }
        }

        if (best.Layout is { } layout)
        {
            warnings.Insert(0, new FieldError("$", "template.recognised", $"按{category.Name}{layout.Label}的格式读取，各列已对应到现行目录的字段"));
        }

        if (headerRow)
        {
            var relaxed = best.Layout?.Relax(category) ?? category;
            var present = targets.Values.Where(v => v is not null).ToHashSet(StringComparer.Ordinal);
            var inferred = best.Layout is { InfersSubjectType: true } ? category.SubjectTypeField : null;
            var implies = targets.Keys.Where(implied.ContainsKey).Select(h => implied[h].Field).ToHashSet(StringComparer.Ordinal);
            foreach (var missing in relaxed.Fields.Where(f => f.Required && !present.Contains(f.Code) && !IsFilledByReporter(category, f.Code)
                && f.Code != inferred && !implies.Contains(f.Code)))
            {
                errors.Add(new FieldError(missing.Code, $"{channel}.missing_column", $"缺少必填列“{missing.Label}”（{missing.Code}）"));
            }
        }

        return new ColumnMap(category, best.Layout, targets, implied, codes, errors, warnings);
    }

    /// <summary>Headers only this layout knows: its columns that are not also today's codes or labels.</summary>
    private static int OwnColumns(TemplateLayout? layout, IReadOnlyList<string> headers, Dictionary<string, TemplateColumn> current)
    {
        if (layout is null)
        {
            return 0;
        }

        var own = layout.Columns.SelectMany(c => new[] { Key(c.Code), Key(c.Label) }).ToHashSet(StringComparer.Ordinal);
        return headers.Count(h => own.Contains(Key(h)) && !current.ContainsKey(Key(h)));
    }

    // Source unit and authority are taken from the reporting unit when left empty, so their columns may be absent.
    private static bool IsFilledByReporter(CategoryDefinition category, string code) =>
        code == category.SourceUnitCodeField || code == category.SourceUnitNameField || code == category.AuthorityCodeField || code == category.AuthorityNameField;

    /// <summary>A header as compared: width, case, spaces, brackets and the required-column star do not matter.</summary>
    public static string Key(string header)
    {
        var builder = new StringBuilder(header.Length);
        foreach (var c in ValueNormalizer.HalfWidth(header))
        {
            if (char.IsWhiteSpace(c) || c is '*' or '\uFEFF')
            {
                continue;
            }

            builder.Append(c switch
            {
                '（' or '【' or '[' => '(',
                '）' or '】' or ']' => ')',
                _ => char.ToUpperInvariant(c),
            });
        }

        return builder.ToString();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CategoryDefinition, Dictionary<string, Dictionary<string, TemplateColumn>>> Indexes = [];

    private static Dictionary<string, TemplateColumn> Index(CategoryDefinition category, TemplateLayout? layout)
    {
        var perLayout = Indexes.GetValue(category, _ => []);
        lock (perLayout)
        {
            var name = layout?.Name ?? "";
            if (!perLayout.TryGetValue(name, out var index))
            {
                index = new Dictionary<string, TemplateColumn>(StringComparer.Ordinal);
                foreach (var column in layout?.Columns ?? [])
                {
                    index.TryAdd(Key(column.Code), column);
                    index.TryAdd(Key(column.Label), column);
                }

                // Today's codes and labels are understood in an older layout too (a system half migrated).
                foreach (var field in category.Fields)
                {
                    var own = new TemplateColumn(field.Code, field.Label, field.Code);
                    index.TryAdd(Key(field.Code), own);
                    index.TryAdd(Key(field.Label), own);
                }

                perLayout[name] = index;
            }

            return index;
        }
    }

    /// <summary>Up to three known headers nearest to an unknown one (edit distance), for the reason shown.</summary>
    private static List<string> Closest(CategoryDefinition category, Dictionary<string, TemplateColumn> index, string key)
    {
        var limit = Math.Max(2, key.Length / 2);
        return index
            .Select(e => (Column: e.Value, Distance: Distance(key, e.Key)))
            .Where(e => e.Distance <= limit)
            .OrderBy(e => e.Distance)
            .Select(e => e.Column.Field is { } f && category.Field(f) is { } field ? $"{field.Label}（{field.Code}）" : e.Column.Label)
            .Distinct(StringComparer.Ordinal)
            .Take(3)
            .ToList();
    }

    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 8)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                row[j] = Math.Min(Math.Min(row[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, row) = (row, previous);
        }

        return previous[b.Length];
    }
}
