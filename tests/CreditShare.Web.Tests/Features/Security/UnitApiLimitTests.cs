using System.Net;
using CreditShare.Web.Tests.Features.Reporting;

namespace CreditShare.Web.Tests.Features.Security;

public sealed class UnitApiLimitApp : ReportingApp
{
    public UnitApiLimitApp() => ExtraSettings["UnitApi:RequestsPerMinute"] = "5";
}

public class UnitApiLimitTests(UnitApiLimitApp app) : IClassFixture<UnitApiLimitApp>
{
    [Fact]
    public async Task A_units_system_that_calls_too_often_is_slowed_down_per_certificate_and_the_window_slides_on()
    {
        using var source = app.Unit("source");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await source.GetAsync("/api/v1/machine/whoami")).StatusCode);
        }

        var refused = await source.GetAsync("/api/v1/machine/whoami");
        var problem = await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("unit_api.rate_limited", problem.Code);
        Assert.Contains("同一证书每 60 秒最多调用 5 次", problem.Detail);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 70 });

        // Another unit's certificate from the same address has its own allowance; the public site is not counted here.
        using var other = app.Unit("source2");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/machine/whoami")).StatusCode);
        using var anonymous = app.MachineClient(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/public/v1/subjects?q=商贸")).StatusCode);

        app.Clock.Advance(TimeSpan.FromSeconds(71));
        Assert.Equal(HttpStatusCode.OK, (await source.GetAsync("/api/v1/machine/whoami")).StatusCode);
    }
}
