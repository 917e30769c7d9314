using CreditShare.Core.Accounts;
using CreditShare.Core.Credentials;

namespace CreditShare.Core.Tests.Credentials;

public class ApplicationReviewTests
{
    private const string ApplyingUnit = "91110000802100433B";
    private const string Applicant = "zhangsan";
    private const string CenterUnit = "12640000MB1234567X";

    private static Reviewer Operator(string account = "operator1", string? unit = CenterUnit) =>
        new(account, unit, [StaffRoles.CertificateOperator], IsHuman: true);

    private static Reviewer SecurityAdmin(string account = "security1") =>
        new(account, CenterUnit, [StaffRoles.SecurityAdmin], IsHuman: true);

    private static string? Acceptance(Reviewer actor, ApplicationState state = ApplicationState.ScanUploaded, string? applicant = Applicant) =>
        ApplicationReview.CheckAcceptance(state, actor, applicant, ApplyingUnit)?.Code;

    private static string? Approval(Reviewer actor, string? acceptedBy = "operator1", ApplicationState state = ApplicationState.Accepted, string? applicant = Applicant) =>
        ApplicationReview.CheckApproval(state, actor, applicant, ApplyingUnit, acceptedBy)?.Code;

    [Fact]
    public void A_certificate_operator_of_the_center_accepts_an_uploaded_application()
    {
        Assert.Null(Acceptance(Operator()));
        Assert.Null(Acceptance(Operator(unit: null)));
        // Submitted by someone without an account yet (the applicant signs up with the application).
        Assert.Null(Acceptance(Operator(), applicant: null));
    }

    [Fact]
    public void The_applicant_does_not_accept_their_own_application() =>
        Assert.Equal("application.own", Acceptance(Operator(account: Applicant, unit: null)));

    [Fact]
    public void A_member_of_the_applying_unit_does_not_accept_its_application() =>
        Assert.Equal("application.own_unit", Acceptance(Operator(unit: ApplyingUnit)));

    [Fact]
    public void A_service_identity_is_nobody()
    {
        Assert.Equal("application.not_human", Acceptance(Operator() with { IsHuman = false }));
        Assert.Equal("application.not_human", Acceptance(Operator(account: "")));
        Assert.Equal("application.not_human", Approval(SecurityAdmin() with { IsHuman = false }));
        Assert.Equal("application.not_human", Approval(SecurityAdmin(account: "")));
    }

    [Theory]
    [InlineData(StaffRoles.SecurityAdmin)]
    [InlineData(StaffRoles.SystemAdmin)]
    [InlineData(StaffRoles.Reviewer)]
    [InlineData(StaffRoles.Querier)]
    public void Only_a_certificate_operator_accepts(string role) =>
        Assert.Equal("application.not_operator", Acceptance(new Reviewer("someone", CenterUnit, [role], IsHuman: true)));

    [Theory]
    [InlineData(ApplicationState.Submitted)]
    [InlineData(ApplicationState.Accepted)]
    [InlineData(ApplicationState.Refused)]
    [InlineData(ApplicationState.Approved)]
    [InlineData(ApplicationState.Issued)]
    [InlineData(ApplicationState.Rejected)]
    public void Only_an_uploaded_application_is_accepted(ApplicationState state)
    {
        var error = ApplicationReview.CheckAcceptance(state, Operator(), Applicant, ApplyingUnit);
        Assert.Equal("application.state", error?.Code);
        Assert.Contains(ApplicationReview.Label(state), error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_security_admin_or_a_second_operator_approves()
    {
        Assert.Null(Approval(SecurityAdmin()));
        Assert.Null(Approval(Operator(account: "operator2")));
    }

    [Fact]
    public void The_approver_is_not_the_operator_who_accepted()
    {
        Assert.Equal("application.same_person", Approval(Operator(account: "operator1")));
        var both = new Reviewer("operator1", CenterUnit, [StaffRoles.CertificateOperator, StaffRoles.SecurityAdmin], IsHuman: true);
        Assert.Equal("application.same_person", Approval(both));
    }

    [Fact]
    public void An_acceptance_with_no_recorded_operator_is_not_approved()
    {
        // Fail closed: without the operator who accepted it, nobody can show that two people took the two steps.
        Assert.Equal("application.same_person", Approval(SecurityAdmin(), acceptedBy: null));
        Assert.Equal("application.same_person", Approval(SecurityAdmin(), acceptedBy: ""));
    }

    [Fact]
    public void The_applicant_and_their_unit_do_not_approve()
    {
        Assert.Equal("application.own", Approval(SecurityAdmin(account: Applicant)));
        Assert.Equal("application.own_unit", Approval(new Reviewer("security1", ApplyingUnit, [StaffRoles.SecurityAdmin], IsHuman: true)));
    }

    [Theory]
    [InlineData(StaffRoles.SystemAdmin)]
    [InlineData(StaffRoles.AuditAdmin)]
    [InlineData(StaffRoles.Reviewer)]
    public void Other_roles_do_not_approve(string role) =>
        Assert.Equal("application.not_reviewer", Approval(new Reviewer("someone", CenterUnit, [role], IsHuman: true)));

    [Theory]
    [InlineData(ApplicationState.Submitted)]
    [InlineData(ApplicationState.ScanUploaded)]
    [InlineData(ApplicationState.Refused)]
    [InlineData(ApplicationState.Approved)]
    [InlineData(ApplicationState.Issued)]
    [InlineData(ApplicationState.Rejected)]
    public void Only_an_accepted_application_is_approved(ApplicationState state) =>
        Assert.Equal("application.state", Approval(SecurityAdmin(), state: state));

    [Fact]
    public void Refused_rejected_and_issued_are_final()
    {
        var final = Enum.GetValues<ApplicationState>().Where(ApplicationReview.IsFinal).ToHashSet();
        Assert.Equal([ApplicationState.Refused, ApplicationState.Issued, ApplicationState.Rejected], final.Order());
    }

    [Fact]
    public void Every_state_has_a_chinese_label() =>
        Assert.All(Enum.GetValues<ApplicationState>(), s => Assert.NotEqual("未知", ApplicationReview.Label(s)));
}
