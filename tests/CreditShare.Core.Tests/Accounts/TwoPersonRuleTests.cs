using CreditShare.Core.Accounts;

namespace CreditShare.Core.Tests.Accounts;

public class TwoPersonRuleTests
{
    [Fact]
    public void Another_person_is_distinct() => Assert.True(TwoPersonRule.IsDistinct("reviewer", "requester"));

    [Fact]
    public void The_same_person_is_not() => Assert.False(TwoPersonRule.IsDistinct("alice", "alice"));

    [Fact]
    public void The_third_step_is_taken_by_neither_of_the_first_two()
    {
        Assert.True(TwoPersonRule.IsDistinct("querier", "submitter", "reviewer"));
        Assert.False(TwoPersonRule.IsDistinct("submitter", "submitter", "reviewer"));
        Assert.False(TwoPersonRule.IsDistinct("reviewer", "submitter", "reviewer"));
    }

    [Fact]
    public void A_step_not_taken_yet_excludes_nobody() => Assert.True(TwoPersonRule.IsDistinct("querier", "submitter", null));

    [Fact]
    public void Nobody_is_never_distinct()
    {
        Assert.False(TwoPersonRule.IsDistinct("", "requester"));
        Assert.False(TwoPersonRule.IsDistinct("", (string?)null));
    }

    [Fact]
    public void Accounts_are_compared_exactly_as_the_platform_names_them() => Assert.True(TwoPersonRule.IsDistinct("Alice", "alice"));

    [Fact]
    public void Account_approval_follows_the_same_rule()
    {
        Assert.Equal("account_action.self_review", AccountApproval.CheckReviewer("", true, "a", null)?.Code);
        Assert.Null(AccountApproval.CheckReviewer("b", true, "a", null));
    }
}
