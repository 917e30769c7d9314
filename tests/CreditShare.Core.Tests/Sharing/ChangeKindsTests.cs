using CreditShare.Core.Sharing;

namespace CreditShare.Core.Tests.Sharing;

public class ChangeKindsTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    [Theory]
    [InlineData(false, false, null, "created")]
    [InlineData(false, true, null, "corrected")]
    [InlineData(true, false, null, "withdrawn")]
    [InlineData(true, true, null, "withdrawn")]
    [InlineData(false, false, "2026-03-10", "created")] // the last day is still shared
    [InlineData(false, true, "2026-03-10", "corrected")]
    [InlineData(false, false, "2026-03-09", "expired")]
    [InlineData(false, true, "2026-03-09", "expired")]
    [InlineData(true, false, "2026-03-09", "withdrawn")] // a withdrawal wins over expiry
    [InlineData(false, false, "2026-03-11", "created")]
    public void The_kind_follows_withdrawal_then_expiry_then_correction(bool withdrawn, bool corrected, string? sharingEnd, string kind) =>
        Assert.Equal(kind, ChangeKinds.Of(withdrawn, corrected, sharingEnd is null ? null : DateOnly.ParseExact(sharingEnd, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Today));

    [Fact]
    public void Only_created_and_corrected_changes_carry_the_record()
    {
        Assert.True(ChangeKinds.CarriesRecord(ChangeKinds.Created));
        Assert.True(ChangeKinds.CarriesRecord(ChangeKinds.Corrected));
        Assert.False(ChangeKinds.CarriesRecord(ChangeKinds.Withdrawn));
        Assert.False(ChangeKinds.CarriesRecord(ChangeKinds.Expired));
        Assert.False(ChangeKinds.CarriesRecord("something-new"));
    }

    [Fact]
    public void The_wire_values_stay() =>
        Assert.Equal(["created", "corrected", "withdrawn", "expired"], [ChangeKinds.Created, ChangeKinds.Corrected, ChangeKinds.Withdrawn, ChangeKinds.Expired]);
}
