using CreditShare.Core.Security;

namespace CreditShare.Core.Tests.Security;

public class SelfCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 2, 0, 0, TimeSpan.Zero);

    private static readonly SelfCheckFacts Good = new()
    {
        Now = Now,
        ActiveAccounts = 10,
        PasswordMinimumLength = 8,
        PasswordClassesRequired = 3,
        LockoutAttempts = 5,
        LockoutDuration = TimeSpan.FromMinutes(30),
        IdleTimeout = TimeSpan.FromMinutes(15),
        AbsoluteTimeout = TimeSpan.FromHours(8),
        HttpsOnlyCookies = true,
        TlsConfigured = true,
        AccountsWithSecondFactor = 10,
        AccountsWithCryptographicFactor = 10,
        SystemAdmins = 1,
        SecurityAdmins = 2,
        AuditAdmins = 1,
        AuditRetentionDays = 180,
        AuditChainIntact = true,
        AuditChainKeyed = true,
        AuditChainDetail = "审计链完整",
        BlacklistMode = "Enforce",
        PersonalDataEncrypted = true,
        DataProtectionKeysEncrypted = true,
        LastSuccessfulDrill = Now.AddDays(-3),
    };

    private static Verdict VerdictOf(SelfCheckFacts facts, string key) => Assert.Single(SelfCheck.Evaluate(facts), i => i.Key == key).Verdict;

    [Fact]
    public void A_system_set_up_as_required_meets_every_item_and_each_names_its_evidence()
    {
        var items = SelfCheck.Evaluate(Good);
        Assert.All(items, i => Assert.Equal(Verdict.Met, i.Verdict));
        Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.Evidence)));
        Assert.Equal(items.Count, items.Select(i => i.Key).Distinct().Count());
        Assert.Contains(items, i => i.Key == "8.1.4.1-d" && i.Requirement.Contains("至少应使用密码技术", StringComparison.Ordinal));
    }

    public static TheoryData<string, Func<SelfCheckFacts, SelfCheckFacts>, Verdict> Broken => new()
    {
        { "8.1.4.1-a", f => f with { PasswordMinimumLength = 6 }, Verdict.NotMet },
        { "8.1.4.1-b", f => f with { LockoutAttempts = 10 }, Verdict.NotMet },
        { "8.1.4.1-b", f => f with { IdleTimeout = TimeSpan.FromHours(2) }, Verdict.NotMet },
        { "8.1.4.1-c", f => f with { HttpsOnlyCookies = false }, Verdict.NotMet },
        { "8.1.4.1-d", f => f with { AccountsWithSecondFactor = 9 }, Verdict.NotMet },
        { "8.1.4.1-d", f => f with { AccountsWithCryptographicFactor = 4 }, Verdict.Partial },
        { "8.1.4.2-b", f => f with { DefaultAccountNames = ["admin"] }, Verdict.NotMet },
        { "8.1.4.2-c", f => f with { DormantAccounts = ["zhang"] }, Verdict.NotMet },
        { "8.1.4.2-d", f => f with { SeparationOfDutyViolations = ["li"] }, Verdict.NotMet },
        { "8.1.4.3-c", f => f with { AuditRetentionDays = 90 }, Verdict.NotMet },
        { "8.1.4.3-c", f => f with { AuditChainIntact = false }, Verdict.NotMet },
        { "8.1.4.4-f", f => f with { BlacklistMode = "Simulate" }, Verdict.Partial },
        { "8.1.4.4-f", f => f with { BlacklistMode = "Off" }, Verdict.NotMet },
        { "8.1.4.8-b", f => f with { DataProtectionKeysEncrypted = false }, Verdict.NotMet },
        { "8.1.4.9-a", f => f with { LastSuccessfulDrill = null }, Verdict.NotMet },
        { "8.1.4.9-a", f => f with { LastSuccessfulDrill = Now.AddDays(-40) }, Verdict.Partial },
        { "8.1.5.3-a", f => f with { SecurityAdmins = 1 }, Verdict.NotMet },
        { "8.1.5.2-a", f => f with { AuditAdmins = 0 }, Verdict.NotMet },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void One_setting_broken_turns_its_own_item_and_no_other(string key, Func<SelfCheckFacts, SelfCheckFacts> breakIt, Verdict verdict)
    {
        var facts = breakIt(Good);
        Assert.Equal(verdict, VerdictOf(facts, key));
        Assert.All(SelfCheck.Evaluate(facts).Where(i => i.Key != key), i => Assert.Equal(Verdict.Met, i.Verdict));
    }
}
