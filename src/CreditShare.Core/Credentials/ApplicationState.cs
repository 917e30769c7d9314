using CreditShare.Core.Accounts;

namespace CreditShare.Core.Credentials;

/// <summary>Where a U-key application stands. Stored as a number: never renumber.</summary>
public enum ApplicationState
{
    /// <summary>Filled in online; the signed and sealed scan is still to come.</summary>
    Submitted = 0,

    /// <summary>The scan of 附1 and 附2, signed by the unit's leader and sealed, is uploaded: waiting for 受理.</summary>
    ScanUploaded = 1,

    /// <summary>受理意见: 同意, recorded by a 证书业务操作员; waiting for 审核 by a second person.</summary>
    Accepted = 2,

    /// <summary>受理意见: 不同意, with the reason; final.</summary>
    Refused = 3,

    /// <summary>审核 passed: the account exists with its roles; certificates are issued from the applicant's requests.</summary>
    Approved = 4,

    /// <summary>Every certificate asked for is issued.</summary>
    Issued = 5,

    /// <summary>审核 refused it, with the reason; final.</summary>
    Rejected = 6,
}

/// <summary>The review of 附1 §3 (受理审批): who may take each step, in which state.</summary>
public static class ApplicationReview
{
    public static string Label(ApplicationState state) => state switch
    {
        ApplicationState.Submitted => "待上传盖章扫描件",
        ApplicationState.ScanUploaded => "待受理",
        ApplicationState.Accepted => "已受理，待审核",
        ApplicationState.Refused => "不予受理",
        ApplicationState.Approved => "审核通过，待签发",
        ApplicationState.Issued => "已签发",
        ApplicationState.Rejected => "审核未通过",
        _ => "未知",
    };

    public static bool IsFinal(ApplicationState state) => state is ApplicationState.Refused or ApplicationState.Rejected or ApplicationState.Issued;

    /// <summary>
    /// Why <paramref name="actor"/> may not record the 受理意见, or null. The operator works for the center: never the
    /// applicant, never a member of the applying unit.
    /// </summary>
    public static FieldError? CheckAcceptance(ApplicationState state, Reviewer actor, string? applicant, string applyingUnitCode)
    {
        if (state != ApplicationState.ScanUploaded)
        {
            return new FieldError("state", "application.state", $"申请当前状态为“{Label(state)}”，不能受理");
        }

        return CheckIndependent(actor, applicant, applyingUnitCode) ?? (actor.Roles.Contains(StaffRoles.CertificateOperator)
            ? null
            : new FieldError("actor", "application.not_operator", "受理意见须由证书业务操作员填写"));
    }

    /// <summary>
    /// Why <paramref name="actor"/> may not 审核, or null: a second human account, not the operator who accepted it,
    /// not the applicant, not of the applying unit.
    /// </summary>
    public static FieldError? CheckApproval(ApplicationState state, Reviewer actor, string? applicant, string applyingUnitCode, string? acceptedBy)
    {
        if (state != ApplicationState.Accepted)
        {
            return new FieldError("state", "application.state", $"申请当前状态为“{Label(state)}”，不能审核");
        }

        if (CheckIndependent(actor, applicant, applyingUnitCode) is { } error)
        {
            return error;
        }

        // Fail closed: an acceptance with no operator on record cannot show that two people took the two steps.
        if (string.IsNullOrEmpty(acceptedBy) || !TwoPersonRule.IsDistinct(actor.Account, acceptedBy))
        {
            return new FieldError("actor", "application.same_person", "受理与审核须由两个不同的人完成");
        }

        return actor.Roles.Contains(StaffRoles.SecurityAdmin) || actor.Roles.Contains(StaffRoles.CertificateOperator)
            ? null
            : new FieldError("actor", "application.not_reviewer", "审核须由安全管理员或另一名证书业务操作员完成");
    }

    private static FieldError? CheckIndependent(Reviewer actor, string? applicant, string applyingUnitCode)
    {
        // A service identity (a certificate, a token) is nobody: only a person's account takes a step (luisgf/infrabroker#214).
        if (!actor.IsHuman || string.IsNullOrEmpty(actor.Account))
        {
            return new FieldError("actor", "application.not_human", "受理与审核须由工作人员本人账号完成");
        }

        if (!TwoPersonRule.IsDistinct(actor.Account, applicant))
        {
            return new FieldError("actor", "application.own", "不能受理或审核本人提交的申请");
        }

        return actor.UnitCode is { Length: > 0 } unit && string.Equals(unit, applyingUnitCode, StringComparison.Ordinal)
            ? new FieldError("actor", "application.own_unit", "不能受理或审核本单位的申请")
            : null;
    }
}

/// <summary>The person taking a review step: their account, unit and roles, and whether this is a person's sign-in at all.</summary>
public sealed record Reviewer(string Account, string? UnitCode, IReadOnlyCollection<string> Roles, bool IsHuman);
