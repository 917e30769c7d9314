using CreditShare.Core.Accounts;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace CreditShare.Web.Infrastructure;

/// <summary>Authorization policies, one per duty: each route group and page folder names the one it needs.</summary>
public static class Policies
{
    public const string Staff = "staff";
    public const string SystemAdmin = "system-admin";
    public const string SecurityAdmin = "security-admin";
    public const string AuditAdmin = "audit-admin";
    public const string UnitSystem = "unit-system";
    public const string Reporter = "reporter";

    /// <summary>The center's 业务审核员: approves grants and formal requests, assigns what source units report.</summary>
    public const string Reviewer = "reviewer";

    /// <summary>Grants and formal requests: center reviewers and queriers, and data-user units' queriers.</summary>
    public const string SharingStaff = "sharing-staff";

    /// <summary>The query console of a data-user unit (使用单位查询员).</summary>
    public const string DataUserQuerier = "data-user-querier";

    /// <summary>Center staff who work with credit data itself (never an administrator: 用管分离).</summary>
    public const string CenterData = "center-data";

    /// <summary>
    /// The fleet of units' gateways (前置机): the 系统管理员 who runs the platform and the 安全管理员 who issues and renews
    /// their certificates. It shows no credit data, so no data reader needs it.
    /// </summary>
    public const string GatewayFleet = "gateway-fleet";

    /// <summary>U-key applications and credentials: the 证书业务操作员 who takes them (受理) and the 安全管理员 who may 审核.</summary>
    public const string CredentialOffice = "credential-office";

    public static AuthorizationBuilder AddCreditSharePolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Staff, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser())
        .AddPolicy(SystemAdmin, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.SystemAdmin))
        .AddPolicy(SecurityAdmin, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.SecurityAdmin))
        .AddPolicy(AuditAdmin, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.AuditAdmin))
        .AddPolicy(Reporter, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.Reporter))
        .AddPolicy(Reviewer, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.Reviewer))
        .AddPolicy(SharingStaff, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
            .RequireRole(StaffRoles.Reviewer, StaffRoles.Querier, StaffRoles.UserUnitQuerier))
        .AddPolicy(DataUserQuerier, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.UserUnitQuerier))
        .AddPolicy(CenterData, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.Reviewer, StaffRoles.Querier))
        .AddPolicy(GatewayFleet, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.SystemAdmin, StaffRoles.SecurityAdmin))
        .AddPolicy(CredentialOffice, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(StaffRoles.CertificateOperator, StaffRoles.SecurityAdmin))
        // Machine access: a unit's system or gateway presenting a client certificate our CA issued.
        .AddPolicy(UnitSystem, p => p.AddAuthenticationSchemes(CertificateAuthenticationDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser().RequireClaim(CurrentUser.CertificateSerialClaim));
}
