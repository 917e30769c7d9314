using System.Reflection;
using CreditShare.Web.Features.Audit;

namespace CreditShare.Web.Tests.Features.Audit;

/// <summary>Audit codes are filtered on by number outside the platform: a renumbered or relabelled code is a breaking change.</summary>
public sealed class AuditEventTests
{
    private static readonly Dictionary<string, int> Pinned = new()
    {
        ["SignIn_Succeeded"] = 1000,
        ["SignIn_PasswordFailed"] = 1001,
        ["SignIn_UnknownAccount"] = 1002,
        ["SignIn_LockedOut"] = 1003,
        ["SignIn_SecondFactorFailed"] = 1004,
        ["SignIn_RecoveryCodeUsed"] = 1005,
        ["SignIn_AccountSuspended"] = 1006,
        ["SignIn_CertificateRefused"] = 1007,
        ["SignIn_CertificateRequired"] = 1008,
        ["Session_SignedOut"] = 1010,
        ["Session_IdleTimeout"] = 1011,
        ["Session_AbsoluteTimeout"] = 1012,
        ["Session_EndedBySuspension"] = 1013,
        ["TwoFactor_Enrolled"] = 1020,
        ["Password_Changed"] = 1021,
        ["Account_Created"] = 1100,
        ["Account_RoleGranted"] = 1101,
        ["Account_RoleRevoked"] = 1102,
        ["Account_ChangeRefused"] = 1103,
        ["Account_Suspended"] = 1104,
        ["Account_Resumed"] = 1105,
        ["Account_SecondFactorReset"] = 1106,
        ["Account_PasswordReset"] = 1107,
        ["Account_ActionRequested"] = 1108,
        ["Account_ActionApproved"] = 1109,
        ["Account_ActionRejected"] = 1110,
        ["Unit_Created"] = 1200,
        ["Unit_Updated"] = 1201,
        ["Unit_Suspended"] = 1202,
        ["Unit_Resumed"] = 1203,
        ["Unit_ContactChanged"] = 1204,
        ["Unit_CategoryAssigned"] = 1205,
        ["Unit_CategoryUnassigned"] = 1206,
        ["Unit_OnBehalfAdded"] = 1207,
        ["Unit_OnBehalfRemoved"] = 1208,
        ["Catalog_VersionCreated"] = 1300,
        ["Catalog_Imported"] = 1301,
        ["Catalog_Exported"] = 1302,
        ["Catalog_ImportRefused"] = 1303,
        ["Certificate_Issued"] = 1400,
        ["Certificate_Revoked"] = 1401,
        ["Certificate_Refused"] = 1402,
        ["Audit_Viewed"] = 1500,
        ["Audit_Verified"] = 1501,
        ["Audit_Archived"] = 1502,
        ["Report_BatchReceived"] = 1600,
        ["Report_RecordWithdrawn"] = 1601,
        ["Report_AbnormalAnnotated"] = 1602,
        ["Report_BatchRefused"] = 1603,
        ["Public_ReportIssued"] = 1700,
        ["Grant_Requested"] = 1800,
        ["Grant_Approved"] = 1801,
        ["Grant_Rejected"] = 1802,
        ["Grant_Revoked"] = 1803,
        ["Grant_Refused"] = 1804,
        ["Restriction_Changed"] = 1805,
        ["Webhook_Registered"] = 1810,
        ["Webhook_Failing"] = 1811,
        ["Webhook_Removed"] = 1812,
        ["Webhook_Refused"] = 1813,
        ["Request_Submitted"] = 1820,
        ["Request_Approved"] = 1821,
        ["Request_Rejected"] = 1822,
        ["Request_Fulfilled"] = 1823,
        ["Request_Refused"] = 1824,
        ["Request_DocumentAdded"] = 1825,
        ["Credential_ApplicationSubmitted"] = 1900,
        ["Credential_ScanUploaded"] = 1901,
        ["Credential_ApplicationAccepted"] = 1902,
        ["Credential_ApplicationRefused"] = 1903,
        ["Credential_ApplicationApproved"] = 1904,
        ["Credential_ApplicationRejected"] = 1905,
        ["Credential_ReviewRefused"] = 1906,
        ["Credential_IssuedFromRequest"] = 1907,
        ["Credential_RequestRefused"] = 1908,
        ["Credential_Delivered"] = 1909,
        ["Credential_Cancelled"] = 1910,
        ["Credential_Renewed"] = 1911,
        ["Credential_RenewalRefused"] = 1912,
        ["Credential_SupersededRevoked"] = 1913,
        ["Credential_ReminderSent"] = 1914,
        ["Credential_PersonnelChanged"] = 1915,
        ["Credential_TermsAccepted"] = 1916,
        ["Credential_IssuedServerKey"] = 1917,
        ["Credential_Pkcs12Collected"] = 1918,
        ["Credential_RenewalRegistered"] = 1919,
        ["Credential_RenewalScanUploaded"] = 1920,
        ["Credential_RenewalRegistrationAccepted"] = 1921,
        ["Credential_RenewalRegistrationRefused"] = 1922,
        ["Data_SubjectViewed"] = 2000,
        ["Data_AbnormalViewed"] = 2001,
        ["Data_SubjectSearched"] = 2002,
        ["Data_SharedSubject"] = 2003,
        ["Data_SharedChanges"] = 2004,
        ["Data_WebhookDelivered"] = 2005,
        ["Data_ConsoleQueried"] = 2006,
        ["Data_Exported"] = 2007,
        ["Data_RequestDocumentDownloaded"] = 2008,
        ["Data_SharingRefused"] = 2009,
        ["Data_ExportTraced"] = 2010,
        ["Data_AccessTraced"] = 2011,
        ["Data_CredentialApplicationViewed"] = 2012,
        ["Data_CredentialsListed"] = 2013,
        ["Security_AddressBlocked"] = 2100,
        ["Security_BlockConfirmed"] = 2101,
        ["Security_BlockLifted"] = 2102,
        ["Security_ManualBlockAdded"] = 2103,
        ["Security_BlockClearedByAllowList"] = 2104,
        ["Security_ServiceClosed"] = 2105,
        ["Security_ServiceReopened"] = 2106,
        ["Security_SwitchRefused"] = 2107,
        ["Security_BlocksViewed"] = 2108,
        ["Security_RestoreDrill"] = 2109,
        ["Security_SelfCheckRun"] = 2110,
    };

    private static List<FieldInfo> Declared() => typeof(AuditEvent).GetFields(BindingFlags.Public | BindingFlags.Static).ToList();

    [Fact]
    public void Every_code_keeps_its_number_and_no_code_is_added_without_pinning_it()
    {
        var declared = Declared().ToDictionary(f => f.Name, f => (int)f.GetValue(null)!);

        Assert.Equal(Pinned.Count, declared.Count);
        Assert.Equal(Pinned.OrderBy(p => p.Key), declared.OrderBy(p => p.Key));
    }

    [Fact]
    public void Codes_are_declared_in_ascending_order_and_each_range_holds_one_area()
    {
        var values = Declared().Select(f => (int)f.GetValue(null)!).ToList();

        Assert.True(values.Count > 50);
        Assert.Equal(values.Order(), values);
        Assert.Equal(values.Count, values.Distinct().Count());
        foreach (var range in Declared().GroupBy(f => (int)f.GetValue(null)! / 100))
        {
            // One area per range: names within a range share their area prefix, with the ranges that hold two
            // related prefixes (sessions and sign-in; grants, restrictions, webhooks and requests) named here.
            var areas = range.Select(f => f.Name[..f.Name.IndexOf('_', StringComparison.Ordinal)]).Distinct().ToList();
            Assert.True(areas.Count == 1 || range.Key is 10 or 18, $"range {range.Key}00 mixes {string.Join(", ", areas)}");
        }
    }

    [Fact]
    public void Every_code_has_a_chinese_label()
    {
        foreach (var value in Enum.GetValues<AuditEvent>())
        {
            var label = AuditEventNames.Label((int)value);

            Assert.NotEqual(((int)value).ToString(System.Globalization.CultureInfo.InvariantCulture), label);
            Assert.Contains(label, c => c >= '\u4e00' && c <= '\u9fff');
        }

        Assert.Equal("9999", AuditEventNames.Label(9999));
    }
}
