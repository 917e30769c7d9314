namespace CreditShare.Core;

/// <summary>One reason why an input was refused (or accepted with a warning).</summary>
/// <param name="Field">The field code the reason is about, e.g. <c>CF_XDR_SHXYM</c> or <c>uscc</c>.</param>
/// <param name="Code">Stable machine code, e.g. <c>uscc.check_digit</c>.</param>
/// <param name="Message">Chinese explanation for people.</param>
public sealed record FieldError(string Field, string Code, string Message);
