namespace CreditShare.Core.Catalog;

/// <summary>
/// One column of an older national template: its code and header, and the field of today's category it fills. Several
/// columns may fill one field (处罚类别1 and 处罚类别2); a column with no field (地方编码, 数据更新时间戳) is kept only in
/// the record's provenance.
/// </summary>
/// <param name="Code">The column's code in that template.</param>
/// <param name="Label">Its header text.</param>
/// <param name="Field">The field of today's category it fills, or null.</param>
/// <param name="Implies">A value another field takes when this column is filled (居民身份证号 means 证件类型 = 身份证).</param>
public sealed record TemplateColumn(string Code, string Label, string? Field, ImpliedValue? Implies = null);

public sealed record ImpliedValue(string Field, string Value);

/// <summary>
/// An older layout of a category that departments' systems still export (the 2016 试行 and 2019 national templates):
/// a version of the same category with a mapping to today's fields, so that a department reports without changing its
/// system. A record keeps the layout it came in.
/// </summary>
public sealed record TemplateLayout
{
    /// <summary>Short stable name kept with each record, e.g. <c>2016</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What people see, e.g. 2016年试行版.</summary>
    public required string Label { get; init; }

    public required IReadOnlyList<TemplateColumn> Columns { get; init; }

    /// <summary>
    /// The layout has no 行政相对人类别: a row with an ID number and no USCC is about a natural person, any other about
    /// an organisation (said in a warning).
    /// </summary>
    public bool InfersSubjectType { get; init; }

    /// <summary>The layout is today's with other headers for some columns (2019): every field of today's has a column.</summary>
    public bool ExtendsCurrent { get; init; }

    /// <summary>Today's fields whose columns the layout lacks: not required of a record in it.</summary>
    public IEnumerable<string> Missing(CategoryDefinition category)
    {
        if (ExtendsCurrent)
        {
            return [];
        }

        var filled = Columns.Where(c => c.Field is not null).Select(c => c.Field!).Concat(Columns.Where(c => c.Implies is not null).Select(c => c.Implies!.Field))
            .ToHashSet(StringComparer.Ordinal);
        if (InfersSubjectType && category.SubjectTypeField is { } typeField)
        {
            filled.Add(typeField);
        }

        return category.Fields.Where(f => !filled.Contains(f.Code)).Select(f => f.Code);
    }

    /// <summary>
    /// The category as a record in this layout is validated against: the fields the layout has no column for are
    /// optional (the source and authority are then the reporting unit, as for any record that leaves them empty).
    /// </summary>
    public CategoryDefinition Relax(CategoryDefinition category)
    {
        var missing = Missing(category).ToHashSet(StringComparer.Ordinal);
        return category with
        {
            Fields = [.. category.Fields.Select(f => missing.Contains(f.Code) && f.Required ? f with { Required = false } : f)],
            // A rule that requires a field the layout lacks cannot be met by its records.
            Rules = [.. category.Rules.Where(r => r.Kind != CrossFieldRuleKind.RequiredWhen || !missing.Contains(r.Field))],
        };
    }
}
