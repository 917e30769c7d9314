using Microsoft.AspNetCore.Identity;

namespace CreditShare.Web.Features.Accounts;

/// <summary>At least 8 characters from at least 3 of 4 classes, and not the user name (等保三级 password complexity).</summary>
public sealed class PasswordRules : IPasswordValidator<StaffUser>
{
    public const int MinimumLength = 8;

    public const int RequiredClasses = 3;

    public Task<IdentityResult> ValidateAsync(UserManager<StaffUser> manager, StaffUser user, string? password)
    {
        var errors = new List<IdentityError>();
        password ??= string.Empty;
        if (password.Length < MinimumLength)
        {
            errors.Add(new IdentityError { Code = "password.too_short", Description = $"密码至少{MinimumLength}位" });
        }

        var classes = new[] { password.Any(char.IsAsciiLetterUpper), password.Any(char.IsAsciiLetterLower), password.Any(char.IsAsciiDigit), password.Any(c => !char.IsAsciiLetterOrDigit(c)) }
            .Count(x => x);
        if (classes < RequiredClasses)
        {
            errors.Add(new IdentityError { Code = "password.classes", Description = "密码须包含大写字母、小写字母、数字、符号中的至少三类" });
        }

        if (user.UserName is { } name && password.Contains(name, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new IdentityError { Code = "password.contains_user_name", Description = "密码不能与用户名相同或包含用户名" });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}
