using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Credentials;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Credentials;

/// <summary>The console over real mutual TLS where 查询员 must sign in with their U-key.</summary>
public sealed class UKeyConsoleApp : KestrelApp
{
    public UKeyConsoleApp() => ExtraSettings["Credentials:CertificateRequiredRoles:0"] = StaffRoles.Querier;
}

/// <summary>Sign-in with the U-key's certificate plus the password, on a real Kestrel port with real certificates made by openssl.</summary>
public class UKeySignInTests(UKeyConsoleApp app) : IClassFixture<UKeyConsoleApp>
{
    private readonly string work = Path.Combine(Path.GetTempPath(), $"creditshare-ukey-{Guid.NewGuid():N}");

    /// <summary>An approved application for a center 查询员, its certificate signed from an openssl request, loaded with its key as a browser would hold it.</summary>
    private async Task<(X509Certificate2 Certificate, string Account, string Password)> HolderAsync()
    {
        var anonymous = app.MachineClient(null);
        var form = await UKeyRig.FormAsync(app, unit: "user", role: StaffRoles.UserUnitQuerier);
        var (number, approval, operatorClient) = await UKeyRig.ApprovedAsync(app, anonymous, app.SignInOverTlsAsync, form);
        var (csr, keyPath) = await UKeyRig.OpenSslRequestAsync(work, $"/CN={UKeyRig.UserName}");
        var issued = await operatorClient.PostAsJsonAsync($"/api/v1/credential-applications/{number}/certificates", new CertificateFromRequest(csr), WireJson.Options);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var pem = (await issued.Content.ReadFromJsonAsync<IssuedFromRequest>(WireJson.Options))!.CertificatePem;
        var key = await File.ReadAllTextAsync(keyPath);
        using var withKey = X509Certificate2.CreateFromPem(pem, key);
        // SslStream wants the key in a form the platform can use for the handshake: round-trip through PKCS#12.
        return (X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12, "t"), "t"), form.AccountName, approval.InitialPassword!);
    }

    [Fact]
    public async Task The_certificate_and_the_password_sign_in_without_a_one_time_code()
    {
        var (certificate, account, password) = await HolderAsync();
        using var client = app.MachineClient(certificate);
        var response = await client.PasswordStepAsync(account, password);
        // Signed in at once (then sent to change the one-time password), never to the TOTP step.
        Assert.DoesNotContain("/SignIn/SecondFactor", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain("/SignIn/Enrol", response.RequestMessage.RequestUri.AbsolutePath);
        Assert.Contains("/SignIn/ChangePassword", response.RequestMessage.RequestUri.AbsolutePath);
        var detail = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.EventCode == (int)AuditEvent.SignIn_Succeeded && e.Account == account)
            .Select(e => e.Detail).SingleAsync());
        Assert.Equal("factors=pwd+x509", detail);
    }

    [Fact]
    public async Task Another_accounts_certificate_is_refused_and_does_not_fall_back_to_the_code()
    {
        var (certificate, _, _) = await HolderAsync();
        var (_, other, otherPassword) = await HolderAsync();
        using var client = app.MachineClient(certificate);
        var response = await client.PasswordStepAsync(other, otherPassword);
        Assert.Contains("/SignIn", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("不属于该账号", await response.Content.ReadAsStringAsync());
        Assert.Equal("other_account", await app.WithDbAsync(db => db.AuditEntries
            .Where(e => e.EventCode == (int)AuditEvent.SignIn_CertificateRefused && e.Account == other).Select(e => e.Detail).SingleAsync()));
    }

    [Fact]
    public async Task A_cancelled_certificate_is_refused_at_the_next_sign_in()
    {
        var (certificate, account, password) = await HolderAsync();
        await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == certificate.SerialNumber)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, app.Clock.GetUtcNow())));
        using var client = app.MachineClient(certificate);
        var response = await client.PasswordStepAsync(account, password);
        Assert.Contains("已注销", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_account_that_must_use_its_U_key_cannot_sign_in_with_the_code()
    {
        var querier = await app.CreateStaffAsync(StaffRoles.Querier);
        using var client = app.MachineClient(null);
        var response = await client.PasswordStepAsync(querier.UserName, querier.Password);
        Assert.Contains("须使用U-key登录", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EventCode == (int)AuditEvent.SignIn_CertificateRequired && e.Account == querier.UserName)));
    }
}
