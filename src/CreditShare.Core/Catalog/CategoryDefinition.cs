using System.Text.Json.Serialization;

namespace CreditShare.Core.Catalog;

/// <summary>Who may see a category or a field, from widest to narrowest (art. 9).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SharingScope>))]
public enum SharingScope
{
    Public = 0,
    Government = 1,
    OnRequest = 2,
    NotShared = 3,
}

[JsonConverter(typeof(JsonStringEnumConverter<FieldType>))]
public enum FieldType
{
    Text,
    Date,
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The catalog's field type names are stored and exchanged; Decimal is the field type.")]
    Decimal,
    Enum,
    MultiEnum,
}

/// <summary>Code standards a text field must satisfy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FieldFormat>))]
public enum FieldFormat
{
    None,
    Uscc,
    IdNumber,
    Regex,

    /// <summary>组织机构代码 (GB 11714): eight characters and a check character, printed as <c>XXXXXXXX-X</c>.</summary>
    OrganizationCode,
}

[JsonConverter(typeof(JsonStringEnumConverter<SubjectType>))]
public enum SubjectType
{
    LegalPerson,
    NaturalPerson,
    IndividualBusiness,
}

[JsonConverter(typeof(JsonStringEnumConverter<CrossFieldRuleKind>))]
public enum CrossFieldRuleKind
{
    /// <summary>The date in <c>Field</c> is not before the date in <c>OtherField</c>.</summary>
    NotBefore,

    /// <summary><c>Field</c> is required when <c>OtherField</c> holds (or, for multi-value fields, includes) <c>Value</c>.</summary>
    RequiredWhen,

    /// <summary><c>Field</c> is an ID number (GB 11643) when <c>OtherField</c> equals <c>Value</c> (e.g. 证件类型 = 身份证).</summary>
    IdNumberWhen,
}

public sealed record CrossFieldRule(CrossFieldRuleKind Kind, string Field, string OtherField, string? Value = null, string? Message = null);

public sealed record FieldDefinition
{
    public required string Code { get; init; }

    public required string Label { get; init; }

    public FieldType Type { get; init; } = FieldType.Text;

    public bool Required { get; init; }

    public int MaxLength { get; init; } = 200;

    public FieldFormat Format { get; init; } = FieldFormat.None;

    public string? Pattern { get; init; }

    public IReadOnlyList<string> AllowedValues { get; init; } = [];

    /// <summary>Other spellings of the allowed values that are accepted and stored as the value they stand for.</summary>
    public IReadOnlyList<ValueAlias> Aliases { get; init; } = [];

    /// <summary>An end of validity: <c>长期</c> / <c>长期有效</c> is accepted as 2099-12-31.</summary>
    public bool LongTerm { get; init; }

    /// <summary>The unit an amount is kept in (<c>万元</c>): <c>2万元</c> is 2, a value in 元 is refused.</summary>
    public string? Unit { get; init; }

    /// <summary>Dates that describe decisions already taken may not lie in the future.</summary>
    public bool NotInFuture { get; init; }

    /// <summary>Narrows the category's scope for this field; never widens it.</summary>
    public SharingScope? Sharing { get; init; }

    public string? Hint { get; init; }

    /// <summary>Holds personal data: masked on public pages and encrypted at rest.</summary>
    public bool Personal { get; init; }
}

/// <summary>How long a record stays public: a default, overridden per value of one field (e.g. per 处罚类别).</summary>
public sealed record PeriodRule
{
    public int DefaultMonths { get; init; } = 36;

    public int MinimumMonths { get; init; }

    public string? ByField { get; init; }

    public IReadOnlyDictionary<string, int> MonthsByValue { get; init; } = new Dictionary<string, int>();
}

/// <summary>One version of one category of the information catalog (指导目录).</summary>
public sealed record CategoryDefinition
{
    public required string Code { get; init; }

    public required string Name { get; init; }

    public int Version { get; init; } = 1;

    public string? Description { get; init; }

    public IReadOnlyList<SubjectType> SubjectTypes { get; init; } = [SubjectType.LegalPerson];

    /// <summary>The field whose value says which kind of subject a record is about (行政相对人类别).</summary>
    public string? SubjectTypeField { get; init; }

    public required string SubjectNameField { get; init; }

    public string? SubjectCodeField { get; init; }

    public string? SubjectIdNumberField { get; init; }

    /// <summary>The field holding the kind of ID in <see cref="SubjectIdNumberField"/>; absent means 身份证.</summary>
    public string? SubjectIdTypeField { get; init; }

    /// <summary>The document number that, with the source unit, identifies a record for idempotent reporting.</summary>
    public required string DocumentNumberField { get; init; }

    public string? DecisionDateField { get; init; }

    public string? DisclosureEndField { get; init; }

    /// <summary>
    /// 数据来源单位's code and name: the reporting unit itself, or a unit the center let it report for; filled from the
    /// reporting unit when left empty. Null in a version stored before these existed: the built-in category's apply.
    /// </summary>
    public string? SourceUnitCodeField { get; init; }

    public string? SourceUnitNameField { get; init; }

    /// <summary>The deciding authority's code and name (处罚机关, 许可机关, 认定部门): bound to the reporting unit like the source unit.</summary>
    public string? AuthorityCodeField { get; init; }

    public string? AuthorityNameField { get; init; }

    public SharingScope Sharing { get; init; } = SharingScope.Public;

    public PeriodRule Disclosure { get; init; } = new();

    public PeriodRule SharingPeriod { get; init; } = new() { DefaultMonths = 60 };

    public required IReadOnlyList<FieldDefinition> Fields { get; init; }

    public IReadOnlyList<CrossFieldRule> Rules { get; init; } = [];

    /// <summary>Older national layouts of this category that reports may still come in (see <see cref="TemplateLayout"/>).</summary>
    public IReadOnlyList<TemplateLayout> Templates { get; init; } = [];

    // Keyed by the field list, not stored in the record, so that two equal definitions stay equal.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<FieldDefinition>, Dictionary<string, FieldDefinition>> FieldIndex = [];

    /// <summary>Looked up for every value of every reported row, hence the index.</summary>
    public FieldDefinition? Field(string code) =>
        FieldIndex.GetValue(Fields, fields => fields.DistinctBy(f => f.Code).ToDictionary(f => f.Code, StringComparer.Ordinal)).GetValueOrDefault(code);

    /// <summary>The effective scope of a field: the narrower of the category's and the field's own.</summary>
    public SharingScope ScopeOf(FieldDefinition field) =>
        field.Sharing is { } own && own > Sharing ? own : Sharing;
}

/// <summary>Maps the Chinese labels used in reports onto subject types.</summary>
public static class SubjectTypes
{
    public const string LegalPersonLabel = "法人及非法人组织";
    public const string NaturalPersonLabel = "自然人";
    public const string IndividualBusinessLabel = "个体工商户";

    public static IReadOnlyList<string> Labels { get; } = [LegalPersonLabel, NaturalPersonLabel, IndividualBusinessLabel];

    public static SubjectType? FromLabel(string? label) => label switch
    {
        LegalPersonLabel => SubjectType.LegalPerson,
        NaturalPersonLabel => SubjectType.NaturalPerson,
        IndividualBusinessLabel => SubjectType.IndividualBusiness,
        _ => null,
    };

    public static string Label(SubjectType type) => type switch
    {
        SubjectType.LegalPerson => LegalPersonLabel,
        SubjectType.NaturalPerson => NaturalPersonLabel,
        _ => IndividualBusinessLabel,
    };
}
