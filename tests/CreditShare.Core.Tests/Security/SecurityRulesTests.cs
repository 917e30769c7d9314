using System.Net;
using CreditShare.Core.Security;

namespace CreditShare.Core.Tests.Security;

public class DetectionRulesTests
{
    private static readonly DetectionRules Rules = new([new(AccessSignal.PublicQuery, 10, 60), new(AccessSignal.SignInFailure, 3, 600)]);

    [Fact]
    public void At_the_threshold_nothing_fires_one_more_fires_with_its_evidence()
    {
        Assert.Null(Rules.Evaluate((signal, _) => signal == AccessSignal.PublicQuery ? 10 : 0));
        var detection = Rules.Evaluate((signal, _) => signal == AccessSignal.PublicQuery ? 11 : 0);
        Assert.NotNull(detection);
        Assert.Equal(AccessSignal.PublicQuery, detection.Rule.Signal);
        Assert.Equal("短时间内大量公共查询", detection.AttackType);
        Assert.Equal("公共信用信息查询", detection.Target);
        Assert.Equal("60 秒内公共查询 11 次（阈值 10）", detection.Evidence);
    }

    [Fact]
    public void Each_rule_is_asked_for_its_own_window()
    {
        List<(AccessSignal, int)> asked = [];
        Rules.Evaluate((signal, window) =>
        {
            asked.Add((signal, window));
            return 0;
        });
        Assert.Equal([(AccessSignal.PublicQuery, 60), (AccessSignal.SignInFailure, 600)], asked);
        Assert.Equal(600, Rules.LongestWindowSeconds);
    }

    [Fact]
    public void A_rule_switched_off_by_a_zero_threshold_or_window_is_not_a_rule()
    {
        var rules = new DetectionRules([new(AccessSignal.PublicQuery, 0, 60), new(AccessSignal.ClientError, 5, 0)]);
        Assert.Empty(rules.Rules);
        Assert.Null(rules.Evaluate((_, _) => long.MaxValue));
    }

    [Fact]
    public void Every_signal_has_an_attack_type_and_a_target_in_chinese()
    {
        foreach (var signal in Enum.GetValues<AccessSignal>())
        {
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", AccessSignals.AttackType(signal));
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", AccessSignals.Target(signal));
            Assert.Equal(!AccessSignals.IsLimitOnly(signal), DetectionRules.Defaults.Any(r => r.Signal == signal));
        }
    }
}

public class BlockPolicyTests
{
    [Theory]
    [InlineData(0, 30)]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(8, 7680)]
    [InlineData(9, 10080)]
    [InlineData(1000, 10080)]
    [InlineData(-3, 30)]
    public void A_repeat_offenders_block_doubles_up_to_the_ceiling(int earlier, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), new BlockPolicy().AutomaticBlockFor(earlier));

    [Fact]
    public void A_confirmation_extends_a_block_and_never_shortens_one()
    {
        var policy = new BlockPolicy { ConfirmedBlockDays = 30 };
        var now = new DateTimeOffset(2026, 6, 15, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddDays(30), policy.ConfirmedUntil(now, now.AddMinutes(30)));
        Assert.Equal(now.AddDays(90), policy.ConfirmedUntil(now, now.AddDays(90)));
    }
}

public class AddressRangeTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData(" 203.0.113.0/24 ", "203.0.113.0/24", false)]
    [InlineData("::ffff:198.51.100.4", "198.51.100.4", true)]
    [InlineData("2001:db8::/48", "2001:db8::/48", false)]
    [InlineData("2001:db8::1", "2001:db8::1", true)]
    public void Addresses_and_networks_are_read_as_typed(string typed, string shown, bool isSingle)
    {
        Assert.True(AddressRange.TryParse(typed, out var range, out var error), error);
        Assert.Equal(shown, range.ToString());
        Assert.Equal(isSingle, range.IsSingle);
    }

    [Theory]
    [InlineData("", "请填写")]
    [InlineData("abc", "不是有效的IP地址")]
    [InlineData("203.0.113.7/24", "前缀之后的位须为 0")]
    [InlineData("10.0.0.0/8", "过大")]
    [InlineData("0.0.0.0/0", "过大")]
    [InlineData("2001::/16", "过大")]
    [InlineData("::ffff:0:0/96", "IPv4 形式")]
    [InlineData("fe80::1%eth0", "不是有效的IP地址")]
    [InlineData("300.1.1.1", "不是有效的IP地址")]
    public void What_is_no_address_or_too_wide_a_network_is_refused_with_the_reason(string typed, string reason)
    {
        Assert.False(AddressRange.TryParse(typed, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void The_allow_list_may_name_a_whole_private_network()
    {
        Assert.True(AddressRange.TryParse("10.0.0.0/8", out var range, out _, anyPrefix: true));
        Assert.True(range.Contains(IPAddress.Parse("10.20.30.40")));
        Assert.True(range.Contains(IPAddress.Parse("::ffff:10.20.30.40")));
        Assert.False(range.Contains(IPAddress.Parse("11.0.0.1")));
    }

    [Theory]
    [InlineData("198.51.100.9", "198.51.100.9")]
    [InlineData("::ffff:198.51.100.9", "198.51.100.9")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void An_ipv6_client_is_counted_by_its_64_so_rotating_inside_it_does_not_help(string address, string key) =>
        Assert.Equal(key, AddressRange.CountingKey(IPAddress.Parse(address)));

    [Fact]
    public void A_request_without_an_address_is_counted_under_one_key() => Assert.Equal("unknown", AddressRange.CountingKey(null));
}

public class SwitchedServicesTests
{
    [Fact]
    public void The_one_who_closed_a_service_cannot_reopen_it_a_second_person_can()
    {
        Assert.NotNull(SwitchedServices.ReopenRefusal("alice", "alice", isHuman: true));
        Assert.NotNull(SwitchedServices.ReopenRefusal("alice", "ALICE", isHuman: true));
        Assert.Null(SwitchedServices.ReopenRefusal("alice", "bob", isHuman: true));
        Assert.NotNull(SwitchedServices.ReopenRefusal("alice", "bob", isHuman: false));
    }

    [Theory]
    [InlineData("sharing", SwitchedService.Sharing)]
    [InlineData("PublicQueries", SwitchedService.PublicQueries)]
    [InlineData(" reportingintake ", SwitchedService.ReportingIntake)]
    public void Services_are_named_in_urls_by_their_names(string text, SwitchedService service)
    {
        Assert.True(SwitchedServices.TryParse(text, out var parsed));
        Assert.Equal(service, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("0")]
    [InlineData("console")]
    public void Anything_else_is_no_service(string text) => Assert.False(SwitchedServices.TryParse(text, out _));

    [Fact]
    public void Every_service_has_a_chinese_label() =>
        Assert.All(SwitchedServices.All, s => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", SwitchedServices.Label(s)));
}
