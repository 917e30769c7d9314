using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using CreditShare.Core.Contract;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Tests.Features.Reporting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Features.Subjects;

/// <summary>What the crypto profile stores names its algorithm, end to end through the reporting API.</summary>
public class StoredCryptoFormatTests(ReportingApp app) : IClassFixture<ReportingApp>
{
    [Fact]
    public async Task A_natural_persons_subject_key_names_its_hash_and_its_cipher()
    {
        using var client = app.Unit("source");
        var id = TestRecords.IdNumber(TestRecords.Next());
        var response = await client.PostAsJsonAsync("/api/v1/reports/XZCF", new[] { TestRecords.PersonPenalty(TestRecords.Next(), id) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var protector = app.Services.GetRequiredService<PersonalDataProtector>();
        var hash = protector.LookupHash($"身份证:{id}");
        var subject = await app.WithDbAsync(db => db.Subjects.SingleAsync(s => s.Key == hash));
        Assert.StartsWith("hmac-sha256:", subject.Key);
        Assert.Equal(subject.Key, subject.IdentityHash);
        Assert.StartsWith("enc:v1:", subject.IdentityCipher);
        Assert.Equal(id, protector.Unprotect(subject.IdentityCipher!));
        Assert.Throws<CryptographicException>(() => protector.Unprotect(subject.IdentityCipher!.Replace("enc:v1:", "enc:sm4-gcm:", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_webhook_signature_names_its_algorithm_and_another_is_refused()
    {
        var body = Encoding.UTF8.GetBytes("""{"change":"created"}""");
        var now = app.Clock.GetUtcNow();
        var header = WebhookSignature.Sign("secret", now.ToUnixTimeSeconds(), body);
        Assert.Matches("^t=[0-9]+,hmac-sha256=[0-9a-f]{64}$", header);
        Assert.True(WebhookSignature.Verify("secret", header, body, now));
        Assert.False(WebhookSignature.Verify("secret", header.Replace("hmac-sha256=", "hmac-sm3=", StringComparison.Ordinal), body, now));
        Assert.False(WebhookSignature.Verify("secret", header.Replace("hmac-sha256=", "v1=", StringComparison.Ordinal), body, now));
    }
}
