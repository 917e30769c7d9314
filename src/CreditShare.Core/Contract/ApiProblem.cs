namespace CreditShare.Core.Contract;

/// <summary>
/// Every API error (RFC 9457, <c>application/problem+json</c>): a stable machine <c>code</c>, a Chinese
/// <c>title</c>/<c>detail</c> for people, and field-level <c>errors</c> (possibly empty, never absent). The server
/// writes it through ASP.NET Core's problem details (which adds <c>traceId</c>); clients and tests read it as this.
/// </summary>
public sealed record ApiProblem(string? Type, string Title, int Status, string? Detail, string Code, IReadOnlyList<FieldError> Errors, string? TraceId = null)
{
    public const string MediaType = "application/problem+json";

    /// <summary>Where <c>type</c> points: one address per code.</summary>
    public static string TypeFor(string code) => $"https://creditshare.local/problems/{code}";
}
