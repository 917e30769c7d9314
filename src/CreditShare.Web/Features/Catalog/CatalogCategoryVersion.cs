namespace CreditShare.Web.Features.Catalog;

/// <summary>One stored version of a catalog category; the definition itself is kept as JSON so old versions never change shape.</summary>
public sealed class CatalogCategoryVersion
{
    public long Id { get; set; }

    public string Code { get; set; } = "";

    public int Version { get; set; }

    public string Name { get; set; } = "";

    public string DefinitionJson { get; set; } = "";

    public bool IsCurrent { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public string? ChangeNote { get; set; }
}
