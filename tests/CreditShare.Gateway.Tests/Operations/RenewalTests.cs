using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Contract;
using CreditShare.Core.Credentials;
using CreditShare.Gateway.Delivery;
using CreditShare.Gateway.Operations;
using CreditShare.Gateway.Renewal;
using CreditShare.Web.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace CreditShare.Gateway.Tests.Operations;

/// <summary>
/// The gateway renews its own certificate before it expires, over real mutual TLS against the platform: the files are
/// replaced (the old pair kept as <c>.previous</c>), the next requests go with the new certificate, and a refusal
/// raises an alarm and leaves the old files as they were.
/// </summary>
/// <remarks>
/// The platform runs on its fixed clock (2026-06-15) and issues for 24 months; the handshakes check the machine's
/// clock, so the certificates stay ordinary ones and only the gateway's fake clock is moved into the renewal window.
/// </remarks>
public sealed class RenewalTests(KestrelApp app) : IClassFixture<KestrelApp>
{
    private static X509Certificate2 Read(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path));

    private static AsymmetricAlgorithm PrivateKey(X509Certificate2 pair) => (AsymmetricAlgorithm?)pair.GetRSAPrivateKey() ?? pair.GetECDsaPrivateKey()!;

    private static Heartbeat HeartbeatOf(GatewayRig rig) => rig.Get<IEnumerable<IHostedService>>().OfType<Heartbeat>().Single();

    private static void MoveIntoWindow(GatewayRig rig, X509Certificate2 certificate) =>
        rig.Clock.SetUtcNow(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).AddDays(-20));

    private Task<Web.Features.Certificates.IssuedCertificate> RowAsync(string serial) =>
        app.WithDbAsync(db => db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.SerialNumber == serial));

    private Task<List<string>> HeartbeatSerialsAsync(params string[] serials) =>
        app.WithDbAsync(db => db.GatewayStatuses.AsNoTracking().Where(g => serials.Contains(g.CertificateSerial)).Select(g => g.CertificateSerial).ToListAsync());

    [Fact]
    public async Task A_certificate_within_the_window_is_renewed_and_the_next_heartbeat_and_batch_go_with_the_new_one()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        await using var rig = GatewayRig.Build(credentials, GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF"));
        var (oldCertificatePem, oldKeyPem) = (await File.ReadAllTextAsync(credentials.Certificate), await File.ReadAllTextAsync(credentials.Key));
        using var old = Read(credentials.Certificate);
        var loop = rig.Get<RenewalLoop>();
        Assert.Equal(HttpStatusCode.NoContent, await HeartbeatOf(rig).BeatAsync(CancellationToken.None));

        // 31 days left: not yet, and nothing is written.
        rig.Clock.SetUtcNow(new DateTimeOffset(old.NotAfter.ToUniversalTime()).AddDays(-31));
        Assert.Equal(RenewalLoop.Recheck, await loop.RunOnceAsync(CancellationToken.None));
        Assert.Equal(credentials.Serial, rig.Get<ClientCertificate>().Current.SerialNumber);
        Assert.False(File.Exists(credentials.Key + ".next"));

        MoveIntoWindow(rig, old);
        await loop.RunOnceAsync(CancellationToken.None);

        var current = rig.Get<ClientCertificate>().Current;
        Assert.NotEqual(credentials.Serial, current.SerialNumber);
        Assert.DoesNotContain(CertificateRenewal.AlarmKey, rig.Status.Current().Alarms.Keys);
        // On disk: the new pair in the configured files, the old one beside it, nothing pending.
        using (var onDisk = X509Certificate2.CreateFromPemFile(credentials.Certificate, credentials.Key))
        {
            Assert.Equal(current.SerialNumber, onDisk.SerialNumber);
            Assert.Equal(old.SubjectName.Name, onDisk.SubjectName.Name);
            using var newKey = PrivateKey(onDisk);
            Assert.True(KeyKind.Fits(old, newKey), $"{old.PublicKey.Oid.FriendlyName} → {newKey.SignatureAlgorithm} {newKey.KeySize}");
            Assert.False(CredentialFiles.SamePublicKey(old, newKey));
        }

        Assert.NotEqual(oldKeyPem, await File.ReadAllTextAsync(credentials.Key));
        Assert.Equal(oldCertificatePem, await File.ReadAllTextAsync(credentials.Certificate + ".previous"));
        Assert.Equal(oldKeyPem, await File.ReadAllTextAsync(credentials.Key + ".previous"));
        Assert.Empty(Directory.GetFiles(credentials.Directory, "*.next").Concat(Directory.GetFiles(credentials.Directory, "*.tmp")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials.Key));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials.Key + ".previous"));
        }

        // The platform: the old certificate renewed by the new one and revoked after the overlap.
        var oldRow = await RowAsync(credentials.Serial);
        Assert.Equal(current.SerialNumber, oldRow.RenewedBySerial);
        Assert.Equal(app.Clock.GetUtcNow().AddDays(7), oldRow.RevokeAfter);
        Assert.Equal(credentials.Serial, (await RowAsync(current.SerialNumber)).ReplacesSerial);

        // The next heartbeat and batch, without a restart, through the new certificate.
        Assert.Empty(await HeartbeatSerialsAsync(current.SerialNumber));
        Assert.Equal(HttpStatusCode.NoContent, await HeartbeatOf(rig).BeatAsync(CancellationToken.None));
        Assert.Equal([current.SerialNumber], await HeartbeatSerialsAsync(current.SerialNumber));
        rig.Drop("XZCF_renewed.csv", Csv.Of([TestRecords.Penalty(TestRecords.Next())]));
        Assert.Equal(1, rig.Folders.ScanOnce());
        await rig.DrainAsync();
        Assert.Null(rig.Store.NextPending());
        Assert.Single(Directory.GetFiles(Path.Combine(rig.Exchange, "sent"), "*.csv"));
        Assert.Equal(1, await app.WithDbAsync(db => db.ReportBatches.CountAsync(b => b.SubmittedBy == "cert:" + current.SerialNumber)));
        Assert.Equal(0, await app.WithDbAsync(db => db.ReportBatches.CountAsync(b => b.SubmittedBy == "cert:" + credentials.Serial)));

        // The old certificate is refused once the overlap is over; the gateway no longer needs it.
        await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == credentials.Serial)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, app.Clock.GetUtcNow())));
        Assert.Equal(HttpStatusCode.NoContent, await HeartbeatOf(rig).BeatAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_refusal_raises_the_alarm_keeps_the_old_files_backs_off_and_a_later_success_uses_the_key_made_before_the_first_request()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        await using var rig = GatewayRig.Build(credentials, GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF"));
        var before = Directory.GetFiles(credentials.Directory).Order().ToDictionary(p => p, File.ReadAllBytes);
        using var old = Read(credentials.Certificate);
        await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == credentials.Serial)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, app.Clock.GetUtcNow())));
        var loop = rig.Get<RenewalLoop>();
        MoveIntoWindow(rig, old);

        var first = await loop.RunOnceAsync(CancellationToken.None);

        Assert.Equal(RenewalLoop.FirstRetry, first);
        var alarm = rig.Status.Current().Alarms[CertificateRenewal.AlarmKey];
        Assert.StartsWith("前置机证书自动更换失败：需要有效的客户端证书", alarm, StringComparison.Ordinal);
        Assert.Contains("未吊销", alarm, StringComparison.Ordinal);
        Assert.Contains("前置机证书自动更换失败", rig.Status.Heartbeat().LastError, StringComparison.Ordinal);
        Assert.Equal(credentials.Serial, rig.Get<ClientCertificate>().Current.SerialNumber);
        // The configured files as they were, nothing kept as .previous; only the new key, made before the request.
        var pending = credentials.Key + ".next";
        Assert.Equal(before.Keys.Append(pending).Order(), Directory.GetFiles(credentials.Directory).Order());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        var pendingKey = await File.ReadAllTextAsync(pending);

        rig.Clock.Advance(first);
        Assert.Equal(RenewalLoop.FirstRetry * 2, await loop.RunOnceAsync(CancellationToken.None));
        Assert.Equal(pendingKey, await File.ReadAllTextAsync(pending));

        // Reinstated (a mistaken revocation undone): the next round renews with the key that was on disk all along.
        await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == credentials.Serial)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, (DateTimeOffset?)null)));
        rig.Clock.Advance(RenewalLoop.FirstRetry * 2);
        await loop.RunOnceAsync(CancellationToken.None);
        Assert.DoesNotContain(CertificateRenewal.AlarmKey, rig.Status.Current().Alarms.Keys);
        using AsymmetricAlgorithm expected = old.GetRSAPublicKey() is null ? ECDsa.Create() : RSA.Create();
        expected.ImportFromPem(pendingKey);
        Assert.True(CredentialFiles.SamePublicKey(rig.Get<ClientCertificate>().Current, expected));
    }

    [Fact]
    public async Task A_renewal_whose_answer_was_lost_is_asked_again_with_the_pending_key_and_the_certificate_already_issued_is_installed()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        await using var rig = GatewayRig.Build(credentials, GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF"));
        using var old = X509Certificate2.CreateFromPemFile(credentials.Certificate, credentials.Key);
        var loop = rig.Get<RenewalLoop>();
        MoveIntoWindow(rig, old);
        // A refused first round leaves the pending key on disk, as a crash after the request left would.
        await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == credentials.Serial)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, app.Clock.GetUtcNow())));
        var first = await loop.RunOnceAsync(CancellationToken.None);
        await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == credentials.Serial)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, (DateTimeOffset?)null)));

        // The platform issues for the pending key, and the answer never reaches the gateway.
        using AsymmetricAlgorithm pending = old.GetRSAPublicKey() is null ? ECDsa.Create() : RSA.Create();
        pending.ImportFromPem(await File.ReadAllTextAsync(credentials.Key + ".next"));
        var der = KeyKind.SigningRequest(old, pending);
        using (var client = app.MachineClient(old))
        {
            var lost = await client.PostAsJsonAsync(CertificateRenewal.RenewalPath,
                new RenewalRequest(PemEncoding.WriteString("CERTIFICATE REQUEST", der), Convert.ToBase64String(RenewalProof.Sign(old, der))), WireJson.Options);
            Assert.Equal(HttpStatusCode.OK, lost.StatusCode);
        }

        var issuedSerial = (await RowAsync(credentials.Serial)).RenewedBySerial;
        Assert.NotNull(issuedSerial);

        rig.Clock.Advance(first);
        await loop.RunOnceAsync(CancellationToken.None);

        Assert.DoesNotContain(CertificateRenewal.AlarmKey, rig.Status.Current().Alarms.Keys);
        Assert.Equal(issuedSerial, rig.Get<ClientCertificate>().Current.SerialNumber);
        using (var onDisk = X509Certificate2.CreateFromPemFile(credentials.Certificate, credentials.Key))
        {
            Assert.Equal(issuedSerial, onDisk.SerialNumber);
        }

        Assert.Equal(1, await app.WithDbAsync(db => db.IssuedCertificates.CountAsync(c => c.ReplacesSerial == credentials.Serial)));
        Assert.Equal(HttpStatusCode.NoContent, await HeartbeatOf(rig).BeatAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_pkcs12_configuration_gets_a_pkcs12_under_the_same_password_and_keeps_the_previous_one()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        var options = GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF");
        options.Platform.Certificate = null;
        options.Platform.Key = null;
        options.Platform.Pkcs12 = credentials.Pkcs12;
        options.Platform.Pkcs12Password = credentials.Pkcs12Password;
        await using var rig = GatewayRig.Build(credentials, options);
        var oldBytes = await File.ReadAllBytesAsync(credentials.Pkcs12);
        using var old = X509CertificateLoader.LoadPkcs12(oldBytes, credentials.Pkcs12Password);
        MoveIntoWindow(rig, old);

        await rig.Get<RenewalLoop>().RunOnceAsync(CancellationToken.None);

        Assert.DoesNotContain(CertificateRenewal.AlarmKey, rig.Status.Current().Alarms.Keys);
        using var renewed = X509CertificateLoader.LoadPkcs12FromFile(credentials.Pkcs12, credentials.Pkcs12Password);
        Assert.True(renewed.HasPrivateKey);
        Assert.Equal(rig.Get<ClientCertificate>().Current.SerialNumber, renewed.SerialNumber);
        Assert.NotEqual(credentials.Serial, renewed.SerialNumber);
        Assert.Throws<CryptographicException>(() => X509CertificateLoader.LoadPkcs12FromFile(credentials.Pkcs12, "wrong"));
        Assert.Equal(oldBytes, await File.ReadAllBytesAsync(credentials.Pkcs12 + ".previous"));
        Assert.False(File.Exists(credentials.Pkcs12 + ".key.next"));
        Assert.False(File.Exists(credentials.Pkcs12 + ".next"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials.Pkcs12));
        }

        Assert.Equal(renewed.SerialNumber, (await RowAsync(credentials.Serial)).RenewedBySerial);
        Assert.Equal(HttpStatusCode.NoContent, await HeartbeatOf(rig).BeatAsync(CancellationToken.None));
        Assert.Equal([renewed.SerialNumber], await HeartbeatSerialsAsync(renewed.SerialNumber, credentials.Serial));
    }

    [Fact]
    public async Task Gateway_renew_renews_now_and_says_so_in_chinese_and_check_says_when_it_would_happen_by_itself()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        var options = GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF");
        using var old = Read(credentials.Certificate);
        await using (var rig = GatewayRig.Build(credentials, options))
        {
            rig.Clock.SetUtcNow(app.Clock.GetUtcNow());
            var lines = await GatewayCheck.RunAsync(rig.Options, rig.Get<PlatformClient>(), rig.Get<TrustRefusals>(), rig.Clock, CancellationToken.None);
            var line = Assert.Single(lines, l => l.Item == "证书自动更换");
            var due = CertificateRenewal.Beijing(new DateTimeOffset(old.NotAfter.ToUniversalTime()).AddDays(-30));
            Assert.Contains($"将于 {due}", line.Detail, StringComparison.Ordinal);
            Assert.Contains("到期前 30 天", line.Detail, StringComparison.Ordinal);

            rig.Options.Platform.RenewBeforeDays = 0;
            lines = await GatewayCheck.RunAsync(rig.Options, rig.Get<PlatformClient>(), rig.Get<TrustRefusals>(), rig.Clock, CancellationToken.None);
            Assert.Contains("已关闭", Assert.Single(lines, l => l.Item == "证书自动更换").Detail, StringComparison.Ordinal);
            rig.Options.Platform.RenewBeforeDays = 30;
        }

        var config = Path.Combine(credentials.Directory, "gateway.json");
        await GatewayRig.WriteConfigAsync(options, config);

        // Two years left on the machine's clock: the command renews anyway.
        var (exit, output) = await GatewayProcess.RunAsync(config, "renew");

        Assert.True(exit == 0, output);
        var renewedSerial = (await RowAsync(credentials.Serial)).RenewedBySerial;
        Assert.NotNull(renewedSerial);
        Assert.Contains($"证书已更换：新证书序列号 {renewedSerial}", output, StringComparison.Ordinal);
        Assert.Contains($"原证书 {credentials.Serial} 将于", output, StringComparison.Ordinal);
        using (var onDisk = X509Certificate2.CreateFromPemFile(credentials.Certificate, credentials.Key))
        {
            Assert.Equal(renewedSerial, onDisk.SerialNumber);
        }

        Assert.Equal(credentials.Serial, Read(credentials.Certificate + ".previous").SerialNumber);

        // A second run starts from the files the first one wrote: it renews the new certificate.
        (exit, output) = await GatewayProcess.RunAsync(config, "renew");
        Assert.True(exit == 0, output);
        Assert.Equal((await RowAsync(renewedSerial!)).RenewedBySerial, Read(credentials.Certificate).SerialNumber);
    }

    [Fact]
    public async Task A_running_gateway_follows_a_pair_that_gateway_renew_wrote_to_its_files()
    {
        var credentials = await GatewayRig.IssueAsync(app);
        await using var rig = GatewayRig.Build(credentials, GatewayRig.OptionsFor(credentials, app.BaseAddress, "XZCF"));
        rig.Clock.SetUtcNow(app.Clock.GetUtcNow());
        var replacement = await GatewayRig.IssueAsync(app);
        File.Copy(replacement.Certificate, credentials.Certificate, overwrite: true);
        File.Copy(replacement.Key, credentials.Key, overwrite: true);

        Assert.Equal(RenewalLoop.Recheck, await rig.Get<RenewalLoop>().RunOnceAsync(CancellationToken.None));

        Assert.Equal(replacement.Serial, rig.Get<ClientCertificate>().Current.SerialNumber);
        Assert.Equal(HttpStatusCode.NoContent, await HeartbeatOf(rig).BeatAsync(CancellationToken.None));
        Assert.Equal([replacement.Serial], await HeartbeatSerialsAsync(replacement.Serial, credentials.Serial));
    }
}
