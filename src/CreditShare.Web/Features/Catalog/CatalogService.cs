using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Catalog;

public sealed record CategorySummary(string Code, string Name, int Version, int FieldCount, string Sharing, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record CatalogExport(string Format, DateTimeOffset ExportedAt, IReadOnlyList<CategoryDefinition> Categories);

public sealed record ImportResult(IReadOnlyList<CategorySummary> Created, IReadOnlyList<string> Unchanged);

/// <summary>
/// The versioned information catalog (art. 5, 9, 14). A change never edits a version: it stores the next one, so every
/// record keeps pointing at the rules it was validated against.
/// </summary>
public sealed class CatalogService(AppDbContext db, AuditWriter audit, TimeProvider time, ParsedCatalogVersions parsed)
{
    public const string ExportFormat = "creditshare-catalog/1";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        AllowTrailingCommas = true,
    };

    public async Task<IReadOnlyList<CategorySummary>> ListCurrentAsync()
    {
        var rows = await db.CatalogVersions.AsNoTracking().Where(c => c.IsCurrent).OrderBy(c => c.Id).ToListAsync();
        return [.. rows.Select(Summary)];
    }

    /// <summary>The current version of every category, in the order they were first created.</summary>
    public async Task<IReadOnlyList<CategoryDefinition>> CurrentDefinitionsAsync()
    {
        if (parsed.Current(time.GetUtcNow()) is { } cached)
        {
            return cached;
        }

        var current = await db.CatalogVersions.AsNoTracking().Where(c => c.IsCurrent).OrderBy(c => c.Id).Select(c => new { c.Code, c.Version }).ToListAsync();
        var definitions = new List<CategoryDefinition>(current.Count);
        foreach (var version in current)
        {
            definitions.Add(await GetAsync(version.Code, version.Version) ?? throw new InvalidOperationException($"{version.Code} v{version.Version} vanished"));
        }

        parsed.RememberCurrent(definitions, time.GetUtcNow());
        return definitions;
    }

    public async Task<CategoryDefinition?> GetAsync(string code, int? version = null)
    {
        if (version is { } known && parsed.TryGet(code, known) is { } cached)
        {
            return cached;
        }

        var query = db.CatalogVersions.AsNoTracking().Where(c => c.Code == code);
        query = version is { } v ? query.Where(c => c.Version == v) : query.Where(c => c.IsCurrent);
        var row = await query.FirstOrDefaultAsync();
        return row is null ? null : parsed.Add(row.Code, row.Version, row.DefinitionJson);
    }

    public async Task<IReadOnlyList<CategorySummary>> VersionsAsync(string code)
    {
        var rows = await db.CatalogVersions.AsNoTracking().Where(c => c.Code == code).OrderByDescending(c => c.Version).ToListAsync();
        return [.. rows.Select(Summary)];
    }

    /// <summary>Stores <paramref name="definition"/> as the next version of its category (or version 1 of a new one).</summary>
    public async Task<Outcome<CategorySummary>> SaveAsync(ClaimsPrincipal actor, CategoryDefinition definition, string? note = null)
    {
        var errors = DefinitionChecker.Check(definition);
        if (errors.Count > 0)
        {
            return Outcome<CategorySummary>.Invalid(errors);
        }

        CategorySummary? saved;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            saved = await StoreVersionAsync(actor, definition, note);
            if (saved is null)
            {
                return Outcome<CategorySummary>.Conflict("catalog.concurrent_edit", "该类别刚被他人修改，请刷新后重试");
            }

            await transaction.CommitAsync();
        }

        parsed.ForgetCurrent();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Catalog_VersionCreated, AuditOutcome.Success) { Target = $"catalog:{saved.Code}", Detail = $"version={saved.Version}" });
        return Outcome<CategorySummary>.Ok(saved);
    }

    public async Task<CatalogExport> ExportAsync()
    {
        var rows = await db.CatalogVersions.AsNoTracking().Where(c => c.IsCurrent).OrderBy(c => c.Id).ToListAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Catalog_Exported, AuditOutcome.Success) { ResultCount = rows.Count });
        return new CatalogExport(ExportFormat, time.GetUtcNow(), [.. rows.Select(r => Deserialize(r.DefinitionJson))]);
    }

    /// <summary>All or nothing: every category in the file is checked before any is stored; unchanged ones make no new version.</summary>
    public async Task<Outcome<ImportResult>> ImportAsync(ClaimsPrincipal actor, string json)
    {
        CatalogExport? document;
        try
        {
            document = JsonSerializer.Deserialize<CatalogExport>(json, Json);
        }
        catch (JsonException ex)
        {
            return await RefuseImportAsync([new FieldError(ex.Path ?? "$", "catalog.import_json", $"文件不是有效的目录 JSON：{ex.Message.Split('.')[0]}")]);
        }

        if (document?.Categories is null || document.Categories.Count == 0)
        {
            return await RefuseImportAsync([new FieldError("categories", "catalog.import_empty", "文件中没有任何类别")]);
        }

        var errors = new List<FieldError>();
        for (var i = 0; i < document.Categories.Count; i++)
        {
            var category = document.Categories[i];
            if (category is null)
            {
                errors.Add(new FieldError($"categories[{i}]", "catalog.import_null", "类别为空"));
                continue;
            }

            errors.AddRange(DefinitionChecker.Check(category).Select(e => e with { Field = $"categories[{i}].{e.Field}" }));
        }

        var duplicates = document.Categories.Where(c => c is not null).GroupBy(c => c.Code).Where(g => g.Count() > 1).Select(g => g.Key);
        errors.AddRange(duplicates.Select(code => new FieldError("categories", "catalog.import_duplicate", $"类别“{code}”在文件中出现多次")));
        if (errors.Count > 0)
        {
            return await RefuseImportAsync(errors);
        }

        var created = new List<CategorySummary>();
        var unchanged = new List<string>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        foreach (var category in document.Categories)
        {
            var current = await GetAsync(category.Code);
            if (current is not null && Serialize(current with { Version = 0 }) == Serialize(category with { Version = 0 }))
            {
                unchanged.Add(category.Code);
                continue;
            }

            var saved = await StoreVersionAsync(actor, category, "导入");
            if (saved is null)
            {
                return Outcome<ImportResult>.Conflict("catalog.concurrent_edit", "导入期间目录被他人修改，未做任何更改，请重试");
            }

            created.Add(saved);
        }

        await transaction.CommitAsync();
        parsed.ForgetCurrent();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Catalog_Imported, AuditOutcome.Success)
        { ResultCount = created.Count, Detail = string.Join(",", created.Select(c => $"{c.Code}@{c.Version}")) });
        return Outcome<ImportResult>.Ok(new ImportResult(created, unchanged));
    }

    /// <summary>Loads the built-in categories into an empty catalog (first start, or a new database).</summary>
    public async Task EnsureBuiltInAsync()
    {
        if (await db.CatalogVersions.AnyAsync())
        {
            return;
        }

        foreach (var category in BuiltInCatalog.All)
        {
            db.CatalogVersions.Add(Row(category with { Version = 1 }, "system", "内置目录"));
        }

        await db.SaveChangesAsync();
    }

    private async Task<Outcome<ImportResult>> RefuseImportAsync(IReadOnlyList<FieldError> errors)
    {
        await audit.WriteAsync(new AuditRecord(AuditEvent.Catalog_ImportRefused, AuditOutcome.Refused) { Detail = string.Join(";", errors.Select(e => e.Code).Distinct()) });
        return Outcome<ImportResult>.Invalid(errors);
    }

    /// <summary>Runs inside the caller's transaction: the old version stops being current only if the new one is stored.</summary>
    private async Task<CategorySummary?> StoreVersionAsync(ClaimsPrincipal actor, CategoryDefinition definition, string? note)
    {
        var latest = await db.CatalogVersions.Where(c => c.Code == definition.Code).OrderByDescending(c => c.Version).FirstOrDefaultAsync();
        var next = definition with { Version = (latest?.Version ?? 0) + 1 };
        await db.CatalogVersions.Where(c => c.Code == definition.Code && c.IsCurrent).ExecuteUpdateAsync(s => s.SetProperty(c => c.IsCurrent, false));
        var row = Row(next, actor.Actor(), note);
        db.CatalogVersions.Add(row);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // The unique (code, version) index caught a concurrent save.
            db.ChangeTracker.Clear();
            return null;
        }

        return Summary(row);
    }

    private CatalogCategoryVersion Row(CategoryDefinition definition, string by, string? note) => new()
    {
        Code = definition.Code,
        Version = definition.Version,
        Name = definition.Name,
        DefinitionJson = Serialize(definition),
        IsCurrent = true,
        CreatedAt = time.GetUtcNow(),
        CreatedBy = by,
        ChangeNote = note,
    };

    private static CategorySummary Summary(CatalogCategoryVersion row)
    {
        var definition = Deserialize(row.DefinitionJson);
        return new CategorySummary(row.Code, row.Name, row.Version, definition.Fields.Count, definition.Sharing.ToString(), row.CreatedAt, row.CreatedBy);
    }

    public static string Serialize(CategoryDefinition definition) => JsonSerializer.Serialize(definition, Json);

    public static CategoryDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize<CategoryDefinition>(json, Json) ?? throw new InvalidOperationException("Empty catalog definition.");
}

/// <summary>
/// Catalog versions already parsed, for this database. A stored version never changes (a change is the next
/// version), so a version once read is kept. Which versions are current is kept for a few seconds only: another
/// instance (the console, when the public site runs apart) may store a new one; this instance forgets at once.
/// </summary>
public sealed class ParsedCatalogVersions
{
    private static readonly TimeSpan CurrentFor = TimeSpan.FromSeconds(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Code, int Version), CategoryDefinition> versions = new();

    private (IReadOnlyList<CategoryDefinition> Definitions, DateTimeOffset ReadAt)? current;

    public IReadOnlyList<CategoryDefinition>? Current(DateTimeOffset now) =>
        current is { } known && now >= known.ReadAt && now - known.ReadAt < CurrentFor ? known.Definitions : null;

    public void RememberCurrent(IReadOnlyList<CategoryDefinition> definitions, DateTimeOffset now) => current = (definitions, now);

    public void ForgetCurrent() => current = null;

    public CategoryDefinition? TryGet(string code, int version) => versions.GetValueOrDefault((code, version));

    public CategoryDefinition Add(string code, int version, string json) => versions.GetOrAdd((code, version), _ => CatalogService.Deserialize(json));
}
