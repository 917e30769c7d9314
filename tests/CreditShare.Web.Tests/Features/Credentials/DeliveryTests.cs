using System.Net;
using System.Net.Http.Json;
using CreditShare.Core.Accounts;
using CreditShare.Core.Contract;
using CreditShare.Core.Credentials;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Credentials;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Tests.Features.Credentials;

/// <summary>Delivery is tracked (附1 接收方式): posted with a tracking number, or collected by someone whose ID was checked — once.</summary>
public class DeliveryTests(CreditShareApp app) : IClassFixture<CreditShareApp>
{
    private readonly string work = Path.Combine(Path.GetTempPath(), $"creditshare-delivery-{Guid.NewGuid():N}");

    private static Task<HttpResponseMessage> DeliverAsync(HttpClient office, string number, string serial, DeliveryRecord record) =>
        office.PostAsJsonAsync($"/api/v1/credential-applications/{number}/certificates/{serial}/delivery", record, WireJson.Options);

    [Fact]
    public async Task A_collected_u_key_is_recorded_once_with_who_collected_it_after_the_id_check()
    {
        var (number, serial, _) = await UKeyRig.IssuedAsync(app, await UKeyRig.FormAsync(app), work);
        using var office = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.CertificateOperator));

        var unchecked_ = await DeliverAsync(office, number, serial, new DeliveryRecord(DeliveryMethod.Collect, null, "李四", false));
        Assert.Equal("delivery.id_not_checked", Assert.Single((await unchecked_.ProblemAsync(HttpStatusCode.BadRequest)).Errors).Code);
        var noTracking = await DeliverAsync(office, number, serial, new DeliveryRecord(DeliveryMethod.Post, null, null, false));
        Assert.Equal("delivery.tracking_number", Assert.Single((await noTracking.ProblemAsync(HttpStatusCode.BadRequest)).Errors).Code);
        Assert.Null(await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == serial).Select(c => c.DeliveredAt).SingleAsync()));

        var recorded = await DeliverAsync(office, number, serial, new DeliveryRecord(DeliveryMethod.Collect, null, " 李四 ", true));
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        var view = (await recorded.Content.ReadFromJsonAsync<UKeyDeliveryView>(WireJson.Options))!;
        Assert.Equal(("collect", "李四", true), (view.Method, view.CollectedBy, view.CollectorIdChecked));
        Assert.Equal(app.Clock.GetUtcNow(), view.DeliveredAt);

        var again = await DeliverAsync(office, number, serial, new DeliveryRecord(DeliveryMethod.Post, "SF1234567890", null, false));
        Assert.Equal("delivery.already_recorded", (await again.ProblemAsync(HttpStatusCode.Conflict)).Code);
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EventCode == (int)AuditEvent.Credential_Delivered && e.Target == $"certificate:{serial}")));

        var details = await office.GetFromJsonAsync<ApplicationView>($"/api/v1/credential-applications/{number}/details", WireJson.Options);
        Assert.Equal("李四", Assert.Single(details!.Deliveries!).CollectedBy);
        Assert.Contains("李四 现场领取（已核验身份证）", await office.GetStringAsync($"/Credentials/Application?number={number}"));
    }

    [Fact]
    public async Task A_posted_u_key_keeps_its_tracking_number_and_a_revoked_or_foreign_serial_is_refused()
    {
        var form = await UKeyRig.FormAsync(app) with { Delivery = DeliveryMethod.Post };
        var (number, serial, _) = await UKeyRig.IssuedAsync(app, form, work);
        var (otherNumber, otherSerial, _) = await UKeyRig.IssuedAsync(app, await UKeyRig.FormAsync(app), work);
        using var office = await app.SignInAsync(await app.CreateStaffAsync(StaffRoles.CertificateOperator));

        // Another application's certificate under this number: not found, nothing written.
        var foreign = await DeliverAsync(office, number, otherSerial, new DeliveryRecord(DeliveryMethod.Post, "SF1234567890", null, false));
        Assert.Equal("certificate.not_found", (await foreign.ProblemAsync(HttpStatusCode.NotFound)).Code);

        var posted = await DeliverAsync(office, number, serial.ToLowerInvariant(), new DeliveryRecord(DeliveryMethod.Post, "sf 1234 5678 90", null, false));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("SF1234567890", await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == serial).Select(c => c.TrackingNumber).SingleAsync()));

        await app.WithDbAsync(db => db.IssuedCertificates.Where(c => c.SerialNumber == otherSerial)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, app.Clock.GetUtcNow())));
        var revoked = await DeliverAsync(office, otherNumber, otherSerial, new DeliveryRecord(DeliveryMethod.Post, "SF1234567891", null, false));
        Assert.Equal("delivery.revoked", (await revoked.ProblemAsync(HttpStatusCode.Conflict)).Code);
    }
}
