using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;

namespace CreditShare.Core.Reporting;

/// <summary>
/// The unit a batch comes from, as the center registered it: its code and name, the categories the center assigned it,
/// and the units it reports for (a city bureau for its districts), by code with their names. Nothing here comes from
/// the batch itself.
/// </summary>
public sealed record ReportingUnit(string Uscc, string Name, IReadOnlySet<string> Categories, IReadOnlyDictionary<string, string> OnBehalfOf)
{
    /// <summary>Whether a record may name <paramref name="uscc"/> (normalised) as its source unit or deciding authority.</summary>
    public bool MayName(string uscc) => uscc == Uscc || OnBehalfOf.ContainsKey(uscc);

    /// <summary>The registered name for a code this unit may name.</summary>
    public string? NameOf(string uscc) => uscc == Uscc ? Name : OnBehalfOf.GetValueOrDefault(uscc);
}

/// <summary>The fields of a category that name who produced a record: the 数据来源单位 and the deciding authority.</summary>
public sealed class AuthorityFields(string? sourceCode, string? sourceName, string? authorityCode, string? authorityName)
{
    public string? SourceCode => sourceCode;

    public string? SourceName => sourceName;

    public string? AuthorityCode => authorityCode;

    public string? AuthorityName => authorityName;

    /// <summary>The code fields bound to the reporting unit, each with its name field.</summary>
    public IReadOnlyList<(string Code, string? Name)> Bound { get; } =
        [.. new[] { (sourceCode, sourceName), (authorityCode, authorityName) }.Where(f => f.Item1 is not null).Select(f => (f.Item1!, f.Item2))];
}

/// <summary>
/// "Whoever produces it is responsible" (art. 5): a unit reports only the categories the center assigned it, and only in
/// its own name or the name of a unit it was registered to report for. An empty source-unit or authority field is
/// filled from the reporting unit, so a unit's system need not repeat what its certificate already says.
/// </summary>
public static class ReportingAuthority
{
    public const string NotAssignedCode = "report.category_not_assigned";
    public const string NotOwnCode = "report.unit_not_own";
    public const string FilledCode = "report.unit_filled";

    /// <summary>
    /// The category's own declaration; a version stored before categories declared these fields (all four null) uses
    /// the built-in category of the same code, as far as its fields exist in that version.
    /// </summary>
    public static AuthorityFields FieldsOf(CategoryDefinition category) => Resolved.GetValue(category, Resolve);

    // Asked for every row of every batch; a definition never changes once parsed.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CategoryDefinition, AuthorityFields> Resolved = [];

    private static AuthorityFields Resolve(CategoryDefinition category)
    {
        var declared = category;
        if (category is { SourceUnitCodeField: null, SourceUnitNameField: null, AuthorityCodeField: null, AuthorityNameField: null })
        {
            declared = BuiltInCatalog.All.FirstOrDefault(c => c.Code == category.Code) ?? category;
        }

        string? Existing(string? code) => code is not null && category.Field(code) is not null ? code : null;
        return new AuthorityFields(Existing(declared.SourceUnitCodeField), Existing(declared.SourceUnitNameField),
            Existing(declared.AuthorityCodeField), Existing(declared.AuthorityNameField));
    }

    /// <summary>The reason the whole batch is refused, or null when the unit may report the category.</summary>
    public static FieldError? Refusal(CategoryDefinition category, ReportingUnit unit) =>
        unit.Categories.Contains(category.Code)
            ? null
            : new FieldError("categoryCode", NotAssignedCode,
                $"信用中心未分配本单位报送“{category.Name}”（{category.Code}）；只能报送已分配的信息类别，如需报送请联系信用中心");

    /// <summary>
    /// The row with its empty source-unit and authority fields filled from the reporting unit, and one note per field
    /// filled. A field given with any value is left as it is: <see cref="Check"/> decides about it.
    /// </summary>
    public static (IReadOnlyDictionary<string, string?> Row, IReadOnlyList<FieldError> Notes) Fill(
        CategoryDefinition category, IReadOnlyDictionary<string, string?> row, ReportingUnit unit)
    {
        Dictionary<string, string?>? filled = null;
        List<FieldError>? notes = null;
        foreach (var (code, name) in FieldsOf(category).Bound)
        {
            if (string.IsNullOrWhiteSpace(row.GetValueOrDefault(code)))
            {
                filled ??= new Dictionary<string, string?>(row, StringComparer.Ordinal);
                filled[code] = unit.Uscc;
                (notes ??= []).Add(new FieldError(code, FilledCode, $"{Label(category, code)}未填写，已按报送单位填为 {unit.Uscc}"));
            }

            if (name is not null && string.IsNullOrWhiteSpace(row.GetValueOrDefault(name)))
            {
                // The registered name of the unit whose code the field holds; any other code keeps the name empty (and refused).
                if (unit.NameOf(CodeText.Normalize((filled ?? row).GetValueOrDefault(code) ?? "")) is { Length: > 0 } registered)
                {
                    filled ??= new Dictionary<string, string?>(row, StringComparer.Ordinal);
                    filled[name] = registered;
                    (notes ??= []).Add(new FieldError(name, FilledCode, $"{Label(category, name)}未填写，已按登记的单位名称填为“{registered}”"));
                }
            }
        }

        return (filled ?? row, notes is null ? [] : notes);
    }

    /// <summary>
    /// One error per source-unit or authority code (normalised by the validator) that is neither the reporting unit's
    /// nor that of a unit it reports for. A code the validator refused has its own error already and is not in
    /// <paramref name="values"/>.
    /// </summary>
    public static IReadOnlyList<FieldError> Check(CategoryDefinition category, IReadOnlyDictionary<string, string> values, ReportingUnit unit)
    {
        List<FieldError>? errors = null;
        foreach (var (code, _) in FieldsOf(category).Bound)
        {
            if (values.TryGetValue(code, out var value) && !unit.MayName(value))
            {
                (errors ??= []).Add(new FieldError(code, NotOwnCode,
                    $"{Label(category, code)}“{value}”不是本单位（{unit.Name}，{unit.Uscc}），也不是信用中心登记的本单位代报单位：只能以本单位或代报单位的名义报送"));
            }
        }

        return errors is null ? [] : errors;
    }

    private static string Label(CategoryDefinition category, string code) => category.Field(code)?.Label ?? code;
}
