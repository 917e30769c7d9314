using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CreditShare.Core.Contract;

namespace CreditShare.Web.Tests;

/// <summary>Drives the sign-in pages the way a browser does: GET the form, post it back with its antiforgery token.</summary>
public static partial class StaffClient
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string page, params (string Name, string Value)[] fields)
    {
        var html = await client.GetStringAsync(page);
        var token = TokenPattern().Match(html);
        Assert.True(token.Success, $"no antiforgery token on {page}");
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token.Groups[1].Value));
        return await client.PostAsync(page, new FormUrlEncodedContent(form));
    }

    public static Task<HttpResponseMessage> PasswordStepAsync(this HttpClient client, string userName, string password) =>
        client.PostFormAsync("/SignIn", ("Input.UserName", userName), ("Input.Password", password));

    /// <summary>Both steps; asserts the account ends signed in.</summary>
    public static async Task<HttpClient> SignInAsync(this CreditShareApp app, TestStaff staff)
    {
        var client = app.Browser();
        var password = await client.PasswordStepAsync(staff.UserName, staff.Password);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.StartsWith("/SignIn/SecondFactor", password.Headers.Location!.OriginalString);
        var code = await client.PostFormAsync("/SignIn/SecondFactor", ("Code", app.TotpNow(staff)));
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal("/", code.Headers.Location!.OriginalString);
        return client;
    }

    /// <summary>Asserts the status and the problem+json type, and reads the body into the wire contract's problem shape.</summary>
    public static async Task<ApiProblem> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(ApiProblem.MediaType, response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<ApiProblem>(WireJson.Options))!;
    }

    public static IEnumerable<(string Field, string Code)> FieldErrors(this ApiProblem problem) => problem.Errors.Select(e => (e.Field, e.Code));
}
