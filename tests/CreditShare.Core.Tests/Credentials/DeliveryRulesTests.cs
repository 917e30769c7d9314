using CreditShare.Core.Credentials;

namespace CreditShare.Core.Tests.Credentials;

public class DeliveryRulesTests
{
    [Fact]
    public void A_posted_u_key_needs_its_tracking_number_taken_as_people_type_it()
    {
        var (record, errors) = DeliveryRules.Check(new DeliveryRecord(DeliveryMethod.Post, " sf 1234 5678 9012 ", "someone", true));
        Assert.Empty(errors);
        Assert.Equal("SF123456789012", record.TrackingNumber);
        Assert.Null(record.CollectedBy);
        Assert.False(record.CollectorIdChecked);

        foreach (var bad in new string?[] { null, "", "12345", "单号123456", new string('1', 41) })
        {
            var error = Assert.Single(DeliveryRules.Check(new DeliveryRecord(DeliveryMethod.Post, bad, null, false)).Errors);
            Assert.Equal("delivery.tracking_number", error.Code);
        }
    }

    [Fact]
    public void A_collected_u_key_needs_the_collector_and_the_checked_id_card()
    {
        var (record, errors) = DeliveryRules.Check(new DeliveryRecord(DeliveryMethod.Collect, "SF1", " 李四 ", true));
        Assert.Empty(errors);
        Assert.Equal("李四", record.CollectedBy);
        Assert.Null(record.TrackingNumber);

        Assert.Equal(["delivery.id_not_checked"], DeliveryRules.Check(new DeliveryRecord(DeliveryMethod.Collect, null, "李四", false)).Errors.Select(e => e.Code));
        Assert.Equal(["delivery.collected_by", "delivery.id_not_checked"],
            DeliveryRules.Check(new DeliveryRecord(DeliveryMethod.Collect, null, " ", false)).Errors.Select(e => e.Code));
        Assert.Equal("delivery.method", Assert.Single(DeliveryRules.Check(new DeliveryRecord((DeliveryMethod)7, null, null, false)).Errors).Code);
    }
}
