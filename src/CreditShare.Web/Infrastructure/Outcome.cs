using CreditShare.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CreditShare.Web.Infrastructure;

public enum OutcomeKind
{
    Ok,
    Invalid,
    Forbidden,
    NotFound,
    Conflict,
}

/// <summary>What a feature's command reports, so that the API and the console page answer the same thing in their own way.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "Outcome<T>.Ok(value) and friends read better at every call site than a non-generic factory.")]
public sealed record Outcome<T>(OutcomeKind Kind, T? Value, IReadOnlyList<FieldError> Errors, string? Code = null, string? Message = null)
{
    public bool IsOk => Kind == OutcomeKind.Ok;

    public static Outcome<T> Ok(T value) => new(OutcomeKind.Ok, value, []);

    public static Outcome<T> Invalid(IReadOnlyList<FieldError> errors) => new(OutcomeKind.Invalid, default, errors);

    public static Outcome<T> Invalid(FieldError error) => new(OutcomeKind.Invalid, default, [error]);

    public static Outcome<T> Forbidden(string code, string message) => new(OutcomeKind.Forbidden, default, [], code, message);

    public static Outcome<T> NotFound(string code, string message) => new(OutcomeKind.NotFound, default, [], code, message);

    public static Outcome<T> Conflict(string code, string message) => new(OutcomeKind.Conflict, default, [], code, message);

    /// <summary>200 with the value, or the problem.</summary>
    public Results<Ok<T>, ProblemHttpResult> ToOk() => IsOk ? TypedResults.Ok(Value!) : ToProblem();

    /// <summary>The problem+json answer for anything but success.</summary>
    public ProblemHttpResult ToProblem() => Kind switch
    {
        OutcomeKind.Invalid => Problems.Validation(Errors),
        OutcomeKind.Forbidden => Problems.Forbidden(Code!, Message!, Errors),
        OutcomeKind.NotFound => Problems.NotFound(Code!, Message!),
        OutcomeKind.Conflict => Problems.Conflict(Code!, Message!),
        _ => throw new InvalidOperationException("A successful outcome is not a problem."),
    };

    /// <summary>Puts the reasons next to the fields of a console form (prefix is the bound property, e.g. "Input").</summary>
    public void CopyTo(ModelStateDictionary modelState, string prefix = "Input")
    {
        if (Message is not null)
        {
            modelState.AddModelError(string.Empty, Message);
        }

        foreach (var error in Errors)
        {
            var key = error.Field.Length == 0 ? string.Empty
                : $"{prefix}.{string.Join('.', error.Field.Split('.').Select(s => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..]))}";
            modelState.AddModelError(key, error.Message);
        }
    }
}
