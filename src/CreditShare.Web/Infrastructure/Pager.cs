namespace CreditShare.Web.Infrastructure;

/// <summary>What the shared pager partial needs: position, size, total, and the rest of the query string to keep.</summary>
public sealed record Pager(int Page, int PageSize, int Total, string Query = "")
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public static string Keep(params (string Name, string? Value)[] parameters) =>
        string.Concat(parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"&{p.Name}={Uri.EscapeDataString(p.Value!)}"));
}
