using CreditShare.Core.Accounts;

namespace CreditShare.Core.Tests.Accounts;

public class AccountApprovalTests
{
    [Theory]
    [InlineData(StaffRoles.Reviewer)]
    [InlineData(StaffRoles.Querier)]
    [InlineData(StaffRoles.Reporter)]
    [InlineData(StaffRoles.UserUnitQuerier)]
    [InlineData(StaffRoles.AuditAdmin)]
    [InlineData(StaffRoles.SecurityAdmin)]
    [InlineData(StaffRoles.SystemAdmin)]
    [InlineData("未来的新角色")]
    public void Creating_an_account_or_adding_a_role_that_reads_reviews_or_administers_waits_for_a_second_approver(string role)
    {
        Assert.True(AccountApproval.NeedsSecondApprover(AccountActionKind.Create, [role]));
        Assert.True(AccountApproval.NeedsSecondApprover(AccountActionKind.GrantRoles, [role]));
    }

    [Fact]
    public void Every_role_that_reads_credit_data_is_on_the_list() =>
        Assert.Superset(StaffRoles.DataReaders.ToHashSet(), AccountApproval.RolesNeedingSecondApprover.ToHashSet());

    [Fact]
    public void An_account_without_roles_needs_no_second_approver_but_a_reset_always_does()
    {
        Assert.False(AccountApproval.NeedsSecondApprover(AccountActionKind.Create, []));
        Assert.False(AccountApproval.NeedsSecondApprover(AccountActionKind.GrantRoles, []));
        Assert.True(AccountApproval.NeedsSecondApprover(AccountActionKind.ResetPassword, []));
        Assert.True(AccountApproval.NeedsSecondApprover(AccountActionKind.ResetSecondFactor, []));
    }

    [Fact]
    public void The_reviewer_is_another_security_administrator_and_not_the_account_concerned()
    {
        Assert.Null(AccountApproval.CheckReviewer("b", reviewerIsSecurityAdmin: true, requesterId: "a", targetUserId: "t"));
        Assert.Null(AccountApproval.CheckReviewer("b", reviewerIsSecurityAdmin: true, requesterId: "a", targetUserId: null));
        Assert.Equal("account_action.self_review", AccountApproval.CheckReviewer("a", true, "a", "t")?.Code);
        Assert.Equal("account_action.own_account", AccountApproval.CheckReviewer("t", true, "a", "t")?.Code);
        Assert.Equal("account_action.reviewer_required", AccountApproval.CheckReviewer("b", false, "a", "t")?.Code);
    }
}
