using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;

namespace CreditShare.Web.Tests.Features.Certificates;

/// <summary>
/// The OCSP responder on a real Kestrel port, asked by the real <c>openssl ocsp</c> and by BouncyCastle.
/// <para>
/// Times: answers carry thisUpdate = the app's clock and nextUpdate an hour later. The app's clock is the tests' fixed
/// start, months or years away from the wall clock that openssl compares the times with, so its window
/// (<c>-validity_period</c>) is opened to a century; the times themselves are checked exactly against the app's clock
/// in the printed answer, and no test reads the wall clock.
/// </para>
/// </summary>
public class OcspResponderTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    private CertificateAuthority Ca => app.Services.GetRequiredService<CertificateAuthority>();

    private async Task<(X509Certificate2 Certificate, string Serial)> IssueAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CertificateService>().IssueAsync(CreditShareApp.System, new IssueRequest(app.UnitIds["source"], 24));
        Assert.True(outcome.IsOk);
        return (X509Certificate2.CreateFromPem(outcome.Value!.CertificatePem), outcome.Value.Certificate.SerialNumber);
    }

    private async Task CancelAsync(string serial, Core.Credentials.CancellationReason reason)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CertificateService>().CancelAsync(CreditShareApp.System, serial, reason, null);
        Assert.True(outcome.IsOk);
    }

    /// <summary>Runs <c>openssl ocsp</c> against our responder and returns what it printed (status lines go to stdout, the verification to stderr).</summary>
    private async Task<string> OpensslOcspAsync(string folder, string issuerPem, params string[] certificatePems) =>
        await OpensslOcspAsync(folder, issuerPem, trustAsResponder: false, certificatePems);

    /// <param name="folder">Where the PEM files are written.</param>
    /// <param name="issuerPem">The issuer the request names (<c>-issuer</c>).</param>
    /// <param name="trustAsResponder">
    /// Trusts our CA as the responder for any issuer (<c>-VAfile</c>); without it openssl accepts an answer only from the
    /// certificate's own issuer, which is right for a relying party and is why it rejects our "unknown" for another CA.
    /// </param>
    /// <param name="certificatePems">The certificates asked about, one <c>-cert</c> each.</param>
    private async Task<string> OpensslOcspAsync(string folder, string issuerPem, bool trustAsResponder, params string[] certificatePems)
    {
        File.WriteAllText(Path.Combine(folder, "issuer.pem"), issuerPem);
        File.WriteAllText(Path.Combine(folder, "trust.pem"), Ca.Certificate.ExportCertificatePem());
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var argument in new[] { "ocsp", "-issuer", "issuer.pem" })
        {
            start.ArgumentList.Add(argument);
        }

        for (var i = 0; i < certificatePems.Length; i++)
        {
            File.WriteAllText(Path.Combine(folder, $"c{i}.pem"), certificatePems[i]);
            start.ArgumentList.Add("-cert");
            start.ArgumentList.Add($"c{i}.pem");
        }

        foreach (var argument in new[] { "-url", new Uri(app.BaseAddress, "/pki/ocsp").ToString(), "-CAfile", "trust.pem", "-resp_text", "-validity_period", "3153600000" }
            .Concat(trustAsResponder ? ["-VAfile", "trust.pem"] : []))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        return output;
    }

    [Fact]
    public async Task Openssl_hears_good_then_revoked_with_time_and_reason_and_unknown_for_what_we_did_not_register()
    {
        var folder = Directory.CreateTempSubdirectory("ocsp-").FullName;
        try
        {
            var caPem = Ca.Certificate.ExportCertificatePem();
            var (certificate, serial) = await IssueAsync();

            var good = await OpensslOcspAsync(folder, caPem, certificate.ExportCertificatePem());
            Assert.Contains("c0.pem: good", good);
            Assert.Contains("Response verify OK", good);
            Assert.Contains("OCSP Nonce", good); // echoed, so openssl had no "no nonce in response" to warn about
            Assert.DoesNotContain("WARNING", good);
            // openssl pads the day with a space ("Dec  1"); compared with single spaces.
            var thisUpdate = string.Create(CultureInfo.InvariantCulture, $"This Update: {app.Clock.GetUtcNow():MMM d HH:mm:ss yyyy} GMT");
            Assert.Contains(thisUpdate, good.Replace("  ", " ", StringComparison.Ordinal));

            // Effective at once: the next question after the cancellation is answered from the database.
            await CancelAsync(serial, Core.Credentials.CancellationReason.Lost);
            var revoked = await OpensslOcspAsync(folder, caPem, certificate.ExportCertificatePem());
            Assert.Contains("c0.pem: revoked", revoked);
            Assert.Contains("Reason: keyCompromise", revoked);
            Assert.Contains("Revocation Time:", revoked);
            Assert.Contains("Response verify OK", revoked);

            // Signed with our key but never registered (a bypass of the issuing service): we do not vouch for it.
            var unit = await app.WithDbAsync(db => db.Units.SingleAsync(u => u.Id == app.UnitIds["source"]));
            var (unregistered, key) = Ca.SignClientCertificate(unit, app.Clock.GetUtcNow().AddMinutes(-5), app.Clock.GetUtcNow().AddMonths(24));
            using (unregistered)
            using (key)
            {
                var (registered, _) = await IssueAsync();
                var mixed = await OpensslOcspAsync(folder, caPem, unregistered.ExportCertificatePem(), registered.ExportCertificatePem());
                Assert.Contains("c0.pem: unknown", mixed);
                Assert.Contains("c1.pem: good", mixed);
                Assert.Contains("Response verify OK", mixed);
            }

            // Another CA's certificate with the same serial as one of ours: the issuer hashes are not ours, so unknown.
            var foreignFolder = Directory.CreateTempSubdirectory("foreign-ca-").FullName;
            try
            {
                CertificateAuthority.CreateCa(Path.Combine(foreignFolder, "ca.crt"), Path.Combine(foreignFolder, "ca.key"), "Foreign CA", app.Clock.GetUtcNow());
                using var foreign = new CertificateAuthority(Options.Create(new CertificateAuthorityOptions
                {
                    CertificatePath = Path.Combine(foreignFolder, "ca.crt"),
                    KeyPath = Path.Combine(foreignFolder, "ca.key"),
                }));
                var (foreignCertificate, foreignKey) = foreign.SignClientCertificate(unit, app.Clock.GetUtcNow().AddMinutes(-5), app.Clock.GetUtcNow().AddMonths(24));
                using (foreignCertificate)
                using (foreignKey)
                {
                    var answer = await OpensslOcspAsync(folder, foreign.Certificate.ExportCertificatePem(), trustAsResponder: true, foreignCertificate.ExportCertificatePem());
                    Assert.Contains("c0.pem: unknown", answer);
                    Assert.Contains("Response verify OK", answer);
                }
            }
            finally
            {
                Directory.Delete(foreignFolder, recursive: true);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static OcspReq Request(Org.BouncyCastle.X509.X509Certificate issuer, string serialHex, byte[]? nonce)
    {
        var generator = new OcspReqGenerator();
        generator.AddRequest(new CertificateID(CertificateID.DigestSha1, issuer, new Org.BouncyCastle.Math.BigInteger(serialHex, 16)));
        if (nonce is not null)
        {
            generator.SetRequestExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, Org.BouncyCastle.Asn1.X509.X509Extension>
            {
                [OcspObjectIdentifiers.PkixOcspNonce] = new(false, new DerOctetString(new DerOctetString(nonce))),
            }));
        }

        return generator.Generate();
    }

    private static async Task<OcspResp> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return new OcspResp(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_get_request_is_answered_signed_by_the_ca_with_the_apps_times_and_the_nonce()
    {
        var (_, serial) = await IssueAsync();
        var issuer = new Org.BouncyCastle.X509.X509Certificate(Ca.Certificate.RawData);
        var nonce = RandomNumberGenerator.GetBytes(16);
        using var client = app.MachineClient(null);

        var response = await ReadAsync(await client.GetAsync("/pki/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(Request(issuer, serial, nonce).GetEncoded()))));
        Assert.Equal(OcspRespStatus.Successful, response.Status);
        var basic = (BasicOcspResp)response.GetResponseObject();
        Assert.True(basic.Verify(issuer.GetPublicKey()), "signed by the CA's own key");
        Assert.Equal(Org.BouncyCastle.Asn1.X9.X9ObjectIdentifiers.ECDsaWithSha384.Id, basic.SignatureAlgorithm.Algorithm.Id);
        var single = Assert.Single(basic.Responses);
        Assert.Null(single.GetCertStatus()); // good
        var now = app.Clock.GetUtcNow();
        var expected = new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        Assert.Equal(expected, single.ThisUpdate.ToUniversalTime());
        Assert.Equal(expected.AddHours(1), single.NextUpdate!.Value.ToUniversalTime());
        var echoed = Asn1OctetString.GetInstance(Asn1OctetString.GetInstance(basic.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNonce)).GetOctets()).GetOctets();
        Assert.Equal(nonce, echoed);

        // The same over POST after a cancellation: revoked, with the reason the 附3 choice maps to.
        await CancelAsync(serial, Core.Credentials.CancellationReason.UserInformationChanged);
        using var body = new ByteArrayContent(Request(issuer, serial, null).GetEncoded());
        body.Headers.ContentType = new("application/ocsp-request");
        var revoked = (BasicOcspResp)(await ReadAsync(await client.PostAsync("/pki/ocsp", body))).GetResponseObject();
        var status = Assert.IsType<RevokedStatus>(Assert.Single(revoked.Responses).GetCertStatus());
        Assert.Equal(CrlReason.AffiliationChanged, status.RevocationReason);
        var revokedAt = await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == serial).Select(c => c.RevokedAt).SingleAsync());
        Assert.Equal(revokedAt!.Value.UtcTicks / TimeSpan.TicksPerSecond, new DateTimeOffset(status.RevocationTime.ToUniversalTime()).UtcTicks / TimeSpan.TicksPerSecond);
        Assert.Null(revoked.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNonce));
    }

    [Fact]
    public async Task Malformed_requests_get_the_ocsp_status_malformed_request()
    {
        using var client = app.MachineClient(null);
        using var garbage = new ByteArrayContent([0x30, 0x03, 0x02, 0x01]);
        garbage.Headers.ContentType = new("application/ocsp-request");
        Assert.Equal(OcspRespStatus.MalformedRequest, (await ReadAsync(await client.PostAsync("/pki/ocsp", garbage))).Status);
        Assert.Equal(OcspRespStatus.MalformedRequest, (await ReadAsync(await client.GetAsync("/pki/ocsp/not%20base64!"))).Status);
        using var huge = new ByteArrayContent(new byte[OcspResponder.MaxRequestBytes + 1]);
        Assert.Equal(OcspRespStatus.MalformedRequest, (await ReadAsync(await client.PostAsync("/pki/ocsp", huge))).Status);

        // A well-formed request with no certificate in it.
        var empty = new OcspRequest(new TbsRequest(null, new DerSequence(), (X509Extensions?)null), null).GetEncoded();
        using var emptyBody = new ByteArrayContent(empty);
        Assert.Equal(OcspRespStatus.MalformedRequest, (await ReadAsync(await client.PostAsync("/pki/ocsp", emptyBody))).Status);
    }
}
