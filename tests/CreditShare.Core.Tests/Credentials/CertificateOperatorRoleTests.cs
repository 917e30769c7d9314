using CreditShare.Core.Accounts;

namespace CreditShare.Core.Tests.Credentials;

public class CertificateOperatorRoleTests
{
    [Fact]
    public void The_certificate_operator_is_a_known_managing_role_of_the_center()
    {
        Assert.Contains(StaffRoles.CertificateOperator, StaffRoles.All);
        Assert.Contains(StaffRoles.CertificateOperator, StaffRoles.Managers);
        Assert.Contains(StaffRoles.CertificateOperator, StaffRoles.CenterRoles);
        Assert.DoesNotContain(StaffRoles.CertificateOperator, StaffRoles.DataReaders);
        Assert.DoesNotContain(StaffRoles.CertificateOperator, StaffRoles.Administrators);
    }

    [Fact]
    public void The_role_may_be_held_alone() => Assert.Empty(StaffRoles.CheckCombination([StaffRoles.CertificateOperator]));

    [Theory]
    [InlineData(StaffRoles.Reviewer)]
    [InlineData(StaffRoles.Querier)]
    [InlineData(StaffRoles.Reporter)]
    [InlineData(StaffRoles.UserUnitQuerier)]
    public void It_is_kept_from_every_data_reader(string reader)
    {
        var error = Assert.Single(StaffRoles.CheckCombination([StaffRoles.CertificateOperator, reader]));
        Assert.Equal("role.separation_of_duties", error.Code);
        Assert.Contains(StaffRoles.CertificateOperator, error.Message, StringComparison.Ordinal);
        Assert.Contains(reader, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void It_is_not_one_of_the_three_exclusive_administrators() =>
        Assert.DoesNotContain(StaffRoles.CheckCombination([StaffRoles.CertificateOperator, StaffRoles.SecurityAdmin]), e => e.Code == "role.admins_exclusive");
}
