using System.Security.Cryptography.X509Certificates;
using CreditShare.Core.Credentials;

namespace CreditShare.Core.Tests.Credentials;

public class CancellationReasonsTests
{
    [Theory]
    [InlineData(CancellationReason.Lost, false, X509RevocationReason.KeyCompromise)]
    [InlineData(CancellationReason.Lost, true, X509RevocationReason.KeyCompromise)]
    [InlineData(CancellationReason.Damaged, true, X509RevocationReason.Superseded)]
    [InlineData(CancellationReason.Damaged, false, X509RevocationReason.CessationOfOperation)]
    [InlineData(CancellationReason.ForgottenPin, true, X509RevocationReason.Superseded)]
    [InlineData(CancellationReason.ForgottenPin, false, X509RevocationReason.CessationOfOperation)]
    [InlineData(CancellationReason.UserInformationChanged, false, X509RevocationReason.AffiliationChanged)]
    [InlineData(CancellationReason.UserInformationChanged, true, X509RevocationReason.AffiliationChanged)]
    [InlineData(CancellationReason.NoLongerUsed, false, X509RevocationReason.CessationOfOperation)]
    [InlineData(CancellationReason.NoLongerUsed, true, X509RevocationReason.CessationOfOperation)]
    [InlineData(CancellationReason.Other, false, X509RevocationReason.Unspecified)]
    [InlineData(CancellationReason.Other, true, X509RevocationReason.Unspecified)]
    public void Each_reason_of_appendix_3_has_its_rfc_5280_reason(CancellationReason reason, bool reissued, X509RevocationReason expected) =>
        Assert.Equal(expected, CancellationReasons.RevocationReason(reason, reissued));

    [Fact]
    public void Superseded_is_said_only_when_a_new_key_replaces_the_old_one()
    {
        foreach (var reason in Enum.GetValues<CancellationReason>())
        {
            Assert.NotEqual(X509RevocationReason.Superseded, CancellationReasons.RevocationReason(reason, reissued: false));
        }
    }

    [Fact]
    public void Other_needs_its_text()
    {
        Assert.Equal("cancellation.reason_text", CancellationReasons.Check(CancellationReason.Other, null)?.Code);
        Assert.Equal("cancellation.reason_text", CancellationReasons.Check(CancellationReason.Other, " 　")?.Code);
        Assert.Equal("reasonText", CancellationReasons.Check(CancellationReason.Other, "")?.Field);
        Assert.Null(CancellationReasons.Check(CancellationReason.Other, "调岗，改由他人使用"));
    }

    [Fact]
    public void The_listed_reasons_need_no_text()
    {
        foreach (var reason in Enum.GetValues<CancellationReason>().Where(r => r != CancellationReason.Other))
        {
            Assert.Null(CancellationReasons.Check(reason, null));
            Assert.NotEqual("未知", CancellationReasons.Label(reason));
        }
    }

    [Fact]
    public void The_text_has_a_limit()
    {
        Assert.Null(CancellationReasons.Check(CancellationReason.Other, new string('因', 200)));
        Assert.Equal("cancellation.reason_text", CancellationReasons.Check(CancellationReason.Other, new string('因', 201))?.Code);
        Assert.Equal("cancellation.reason_text", CancellationReasons.Check(CancellationReason.Lost, new string('因', 201))?.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(-1)]
    public void A_reason_that_is_not_on_the_form_is_refused(int value)
    {
        var error = CancellationReasons.Check((CancellationReason)value, "随便");
        Assert.Equal(("reason", "cancellation.reason"), (error?.Field, error?.Code));
        Assert.Equal(X509RevocationReason.Unspecified, CancellationReasons.RevocationReason((CancellationReason)value, false));
    }
}
