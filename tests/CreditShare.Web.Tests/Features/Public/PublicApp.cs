using CreditShare.Web.Tests.Features.Reporting;

namespace CreditShare.Web.Tests.Features.Public;

/// <summary>A reporting app (source units with certificates) whose public side is not rate limited for the tests' many requests.</summary>
public sealed class PublicApp : ReportingApp
{
    public PublicApp() => ExtraSettings["PublicSite:RequestsPerMinute"] = "100000";
}

/// <summary>The internet-facing instance: the public surface only.</summary>
public sealed class PublicOnlyApp : CreditShareApp
{
    public PublicOnlyApp()
    {
        ExtraSettings["Surfaces"] = "public";
        ExtraSettings["PublicSite:RequestsPerMinute"] = "3";
        ExtraSettings["PublicSite:WindowSeconds"] = "20";
    }
}
