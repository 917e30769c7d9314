using CreditShare.Core.Accounts;
using CreditShare.Core.Credentials;

namespace CreditShare.Core.Tests.Credentials;

public class ServerKeyIssuanceTests
{
    private static Reviewer Person(string account, bool human = true) => new(account, "12640000MB1234567X", [StaffRoles.SecurityAdmin], human);

    [Fact]
    public void Only_the_approver_of_an_approved_application_issues_a_server_key()
    {
        Assert.Null(ServerKeyIssuance.CheckIssuer(ApplicationState.Approved, Person("security1"), "security1")?.Code);
        Assert.Equal("application.not_approver", ServerKeyIssuance.CheckIssuer(ApplicationState.Approved, Person("operator1"), "security1")?.Code);
        // Accounts are compared exactly, as the platform names them.
        Assert.Equal("application.not_approver", ServerKeyIssuance.CheckIssuer(ApplicationState.Approved, Person("Security1"), "security1")?.Code);
    }

    [Fact]
    public void No_approver_on_record_and_a_service_identity_are_refused()
    {
        Assert.Equal("application.not_approver", ServerKeyIssuance.CheckIssuer(ApplicationState.Approved, Person("security1"), null)?.Code);
        Assert.Equal("application.not_approver", ServerKeyIssuance.CheckIssuer(ApplicationState.Approved, Person("security1"), "")?.Code);
        Assert.Equal("application.not_human", ServerKeyIssuance.CheckIssuer(ApplicationState.Approved, Person("security1", human: false), "security1")?.Code);
    }

    [Theory]
    [InlineData(ApplicationState.Accepted)]
    [InlineData(ApplicationState.Issued)]
    [InlineData(ApplicationState.Rejected)]
    public void Only_an_approved_application_gets_a_key(ApplicationState state) =>
        Assert.Equal("application.state", ServerKeyIssuance.CheckIssuer(state, Person("security1"), "security1")?.Code);

    [Theory]
    [InlineData(null, ServerKeyPurpose.Person)]
    [InlineData("", ServerKeyPurpose.Person)]
    [InlineData(" Gateway ", ServerKeyPurpose.Gateway)]
    [InlineData("system", ServerKeyPurpose.System)]
    [InlineData("person", ServerKeyPurpose.Person)]
    public void Purposes_are_read_from_their_names(string? name, ServerKeyPurpose expected) => Assert.Equal(expected, ServerKeyIssuance.ParsePurpose(name));

    [Fact]
    public void An_unknown_purpose_is_not_taken_for_a_persons() => Assert.Null(ServerKeyIssuance.ParsePurpose("server"));

    [Fact]
    public void Pins_are_sixteen_unambiguous_characters_in_groups_of_four_and_differ()
    {
        var pins = Enumerable.Range(0, 200).Select(_ => ServerKeyIssuance.NewPin()).ToList();
        Assert.All(pins, pin => Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$", pin));
        Assert.Equal(pins.Count, pins.Distinct().Count());
    }
}
