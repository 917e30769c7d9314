namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>Signs a staff account in over the real TLS port (the in-memory browser cannot reach a Kestrel app).</summary>
public static class KestrelSignIn
{
    public static async Task<HttpClient> SignInOverTlsAsync(this KestrelApp app, TestStaff staff)
    {
        var client = app.MachineClient(null);
        await client.PasswordStepAsync(staff.UserName, staff.Password);
        await client.PostFormAsync("/SignIn/SecondFactor", ("Code", app.TotpNow(staff)));
        var home = await client.GetAsync("/");
        Assert.False(home.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/SignIn", StringComparison.Ordinal), "not signed in");
        return client;
    }
}
