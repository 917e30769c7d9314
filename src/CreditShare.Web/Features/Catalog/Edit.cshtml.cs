using System.Globalization;
using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditShare.Web.Features.Catalog;

public sealed class FieldForm
{
    public string Code { get; set; } = "";

    public string? Label { get; set; }

    public FieldType Type { get; set; }

    public bool Required { get; set; }

    public int MaxLength { get; set; } = 200;

    public FieldFormat Format { get; set; }

    public string? AllowedValues { get; set; }

    public string? Pattern { get; set; }

    public SharingScope? Sharing { get; set; }

    public string? Hint { get; set; }

    public bool Remove { get; set; }

    public static FieldForm From(FieldDefinition f) => new()
    {
        Code = f.Code,
        Label = f.Label,
        Type = f.Type,
        Required = f.Required,
        MaxLength = f.MaxLength,
        Format = f.Format,
        AllowedValues = string.Join("、", f.AllowedValues),
        Pattern = f.Pattern,
        Sharing = f.Sharing,
        Hint = f.Hint,
    };

    public FieldDefinition Apply(FieldDefinition? existing) => (existing ?? new FieldDefinition { Code = Code.Trim().ToUpperInvariant(), Label = "" }) with
    {
        Label = Label?.Trim() ?? "",
        Type = Type,
        Required = Required,
        MaxLength = MaxLength,
        Format = Format,
        AllowedValues = [.. RecordValidator.SplitValues(AllowedValues ?? "")],
        Pattern = string.IsNullOrWhiteSpace(Pattern) ? null : Pattern.Trim(),
        Sharing = Sharing,
        Hint = string.IsNullOrWhiteSpace(Hint) ? null : Hint.Trim(),
    };
}

public sealed class CategoryForm
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public SharingScope Sharing { get; set; }

    public int DisclosureMonths { get; set; }

    public int DisclosureMinimumMonths { get; set; }

    /// <summary>Per-value periods as text, e.g. "警告=3；罚款=12".</summary>
    public string? MonthsByValue { get; set; }

    public int SharingMonths { get; set; }

    public string? ChangeNote { get; set; }

    public List<FieldForm> Fields { get; set; } = [];

    public FieldForm NewField { get; set; } = new();
}

/// <summary>Edits a category; saving never changes the current version but stores the next one.</summary>
[Authorize(Policy = Policies.SystemAdmin)]
public sealed class EditModel(CatalogService catalog) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty]
    public CategoryForm Input { get; set; } = new();

    public CategoryDefinition? Current { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Current = await catalog.GetAsync(Code);
        if (Current is null)
        {
            return NotFound();
        }

        Input = new CategoryForm
        {
            Name = Current.Name,
            Description = Current.Description,
            Sharing = Current.Sharing,
            DisclosureMonths = Current.Disclosure.DefaultMonths,
            DisclosureMinimumMonths = Current.Disclosure.MinimumMonths,
            MonthsByValue = string.Join("；", Current.Disclosure.MonthsByValue.Select(kv => $"{kv.Key}={kv.Value}")),
            SharingMonths = Current.SharingPeriod.DefaultMonths,
            Fields = [.. Current.Fields.Select(FieldForm.From)],
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Current = await catalog.GetAsync(Code);
        if (Current is null)
        {
            return NotFound();
        }

        var errors = new List<FieldError>();
        var byValue = ParseMonths(Input.MonthsByValue, errors);
        var fields = Input.Fields.Where(f => !f.Remove).Select(f => f.Apply(Current.Field(f.Code))).ToList();
        if (!string.IsNullOrWhiteSpace(Input.NewField.Code))
        {
            fields.Add(Input.NewField.Apply(null));
        }

        var edited = Current with
        {
            Name = Input.Name?.Trim() ?? "",
            Description = Input.Description?.Trim(),
            Sharing = Input.Sharing,
            Disclosure = Current.Disclosure with { DefaultMonths = Input.DisclosureMonths, MinimumMonths = Input.DisclosureMinimumMonths, MonthsByValue = byValue },
            SharingPeriod = Current.SharingPeriod with { DefaultMonths = Input.SharingMonths },
            Fields = fields,
        };
        if (errors.Count == 0)
        {
            var outcome = await catalog.SaveAsync(User, edited, Input.ChangeNote);
            if (outcome.IsOk)
            {
                TempData["Notice"] = $"已保存为第 {outcome.Value!.Version} 版";
                return RedirectToPage("/Catalog/Category", new { code = Code });
            }

            outcome.CopyTo(ModelState);
            return Page();
        }

        Outcome<CategorySummary>.Invalid(errors).CopyTo(ModelState);
        return Page();
    }

    private static Dictionary<string, int> ParseMonths(string? text, List<FieldError> errors)
    {
        var result = new Dictionary<string, int>();
        foreach (var pair in RecordValidator.SplitValues(text ?? ""))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var months))
            {
                errors.Add(new FieldError("monthsByValue", "catalog.months_by_value", $"“{pair}”应写成 取值=月数，如 罚款=12"));
                continue;
            }

            result[parts[0]] = months;
        }

        return result;
    }
}
