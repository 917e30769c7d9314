namespace CreditShare.Web.Features.Audit;

/// <summary>
/// Stable, numbered audit event codes in ranges of 100 per area. Others filter on these numbers:
/// never renumber or reuse one; add new codes at the end of their range.
/// </summary>
public enum AuditEvent
{
    // 1000: sign-in and sessions
    SignIn_Succeeded = 1000,
    SignIn_PasswordFailed = 1001,
    SignIn_UnknownAccount = 1002,
    SignIn_LockedOut = 1003,
    SignIn_SecondFactorFailed = 1004,
    SignIn_RecoveryCodeUsed = 1005,
    SignIn_AccountSuspended = 1006,
    Session_SignedOut = 1010,
    Session_IdleTimeout = 1011,
    Session_AbsoluteTimeout = 1012,
    Session_EndedBySuspension = 1013,
    TwoFactor_Enrolled = 1020,
    Password_Changed = 1021,

    // 1100: accounts and roles
    Account_Created = 1100,
    Account_RoleGranted = 1101,
    Account_RoleRevoked = 1102,
    Account_ChangeRefused = 1103,
    Account_Suspended = 1104,
    Account_Resumed = 1105,
    Account_SecondFactorReset = 1106,
    Account_PasswordReset = 1107,
    Account_ActionRequested = 1108,
    Account_ActionApproved = 1109,
    Account_ActionRejected = 1110,

    // 1200: units
    Unit_Created = 1200,
    Unit_Updated = 1201,
    Unit_Suspended = 1202,
    Unit_Resumed = 1203,
    Unit_ContactChanged = 1204,

    // 1300: information catalog
    Catalog_VersionCreated = 1300,
    Catalog_Imported = 1301,
    Catalog_Exported = 1302,
    Catalog_ImportRefused = 1303,

    // 1400: certificates and machine access
    Certificate_Issued = 1400,
    Certificate_Revoked = 1401,
    Certificate_Refused = 1402,

    // 1700: the public site
    Public_ReportIssued = 1700,

    // 1600: reporting
    Report_BatchReceived = 1600,
    Report_RecordWithdrawn = 1601,
    Report_AbnormalAnnotated = 1602,

    // 1800: sharing — grants, restrictions, webhooks, formal requests
    Grant_Requested = 1800,
    Grant_Approved = 1801,
    Grant_Rejected = 1802,
    Grant_Revoked = 1803,
    Grant_Refused = 1804,
    Restriction_Changed = 1805,
    Webhook_Registered = 1810,
    Webhook_Failing = 1811,
    Webhook_Removed = 1812,
    Webhook_Refused = 1813,
    Request_Submitted = 1820,
    Request_Approved = 1821,
    Request_Rejected = 1822,
    Request_Fulfilled = 1823,
    Request_Refused = 1824,
    Request_DocumentAdded = 1825,

    // 2000: reads of non-public credit data
    Data_SubjectViewed = 2000,
    Data_AbnormalViewed = 2001,
    Data_SubjectSearched = 2002,
    Data_SharedSubject = 2003,
    Data_SharedChanges = 2004,
    Data_WebhookDelivered = 2005,
    Data_ConsoleQueried = 2006,
    Data_Exported = 2007,
    Data_RequestDocumentDownloaded = 2008,
    Data_SharingRefused = 2009,
    Data_ExportTraced = 2010,
    Data_AccessTraced = 2011,

    // 1500: the audit trail itself
    Audit_Viewed = 1500,
    Audit_Verified = 1501,
    Audit_Archived = 1502,
}

public static class AuditEventNames
{
    public static string Label(int code) => (AuditEvent)code switch
    {
        AuditEvent.SignIn_Succeeded => "登录成功",
        AuditEvent.SignIn_PasswordFailed => "登录失败：密码错误",
        AuditEvent.SignIn_UnknownAccount => "登录失败：账号不存在",
        AuditEvent.SignIn_LockedOut => "登录失败：账号已锁定",
        AuditEvent.SignIn_SecondFactorFailed => "登录失败：动态口令错误",
        AuditEvent.SignIn_RecoveryCodeUsed => "使用恢复码登录",
        AuditEvent.SignIn_AccountSuspended => "登录失败：账号已停用",
        AuditEvent.Session_SignedOut => "退出登录",
        AuditEvent.Session_IdleTimeout => "会话空闲超时",
        AuditEvent.Session_AbsoluteTimeout => "会话达到最长时限",
        AuditEvent.Session_EndedBySuspension => "会话因账号停用而结束",
        AuditEvent.TwoFactor_Enrolled => "绑定动态口令",
        AuditEvent.Password_Changed => "修改密码",
        AuditEvent.Account_Created => "创建账号",
        AuditEvent.Account_RoleGranted => "授予角色",
        AuditEvent.Account_RoleRevoked => "撤销角色",
        AuditEvent.Account_ChangeRefused => "账号变更被拒绝",
        AuditEvent.Account_Suspended => "停用账号",
        AuditEvent.Account_Resumed => "启用账号",
        AuditEvent.Account_SecondFactorReset => "重置动态口令",
        AuditEvent.Account_PasswordReset => "重置密码",
        AuditEvent.Account_ActionRequested => "申请账号变更（待另一名安全管理员审批）",
        AuditEvent.Account_ActionApproved => "批准账号变更",
        AuditEvent.Account_ActionRejected => "驳回账号变更",
        AuditEvent.Unit_Created => "新增单位",
        AuditEvent.Unit_Updated => "修改单位",
        AuditEvent.Unit_Suspended => "暂停单位",
        AuditEvent.Unit_Resumed => "恢复单位",
        AuditEvent.Unit_ContactChanged => "单位联系人变更",
        AuditEvent.Catalog_VersionCreated => "目录新版本",
        AuditEvent.Catalog_Imported => "导入目录",
        AuditEvent.Catalog_Exported => "导出目录",
        AuditEvent.Catalog_ImportRefused => "目录导入被拒绝",
        AuditEvent.Certificate_Issued => "签发证书",
        AuditEvent.Certificate_Revoked => "吊销证书",
        AuditEvent.Certificate_Refused => "证书访问被拒绝",
        AuditEvent.Public_ReportIssued => "出具信用报告",
        AuditEvent.Report_BatchReceived => "接收报送批次",
        AuditEvent.Report_RecordWithdrawn => "撤销记录",
        AuditEvent.Report_AbnormalAnnotated => "批注异常数据",
        AuditEvent.Data_SubjectViewed => "查看主体信用档案",
        AuditEvent.Data_AbnormalViewed => "查看异常数据",
        AuditEvent.Data_SubjectSearched => "检索主体",
        AuditEvent.Grant_Requested => "申请共享授权",
        AuditEvent.Grant_Approved => "批准共享授权",
        AuditEvent.Grant_Rejected => "驳回共享授权",
        AuditEvent.Grant_Revoked => "撤销共享授权",
        AuditEvent.Grant_Refused => "共享授权操作被拒绝",
        AuditEvent.Restriction_Changed => "调整本单位数据共享范围",
        AuditEvent.Webhook_Registered => "登记推送地址",
        AuditEvent.Webhook_Failing => "推送持续失败",
        AuditEvent.Webhook_Removed => "删除推送地址",
        AuditEvent.Webhook_Refused => "推送地址登记被拒绝",
        AuditEvent.Request_Submitted => "提交书面查询申请",
        AuditEvent.Request_Approved => "批准书面查询申请",
        AuditEvent.Request_Rejected => "驳回书面查询申请",
        AuditEvent.Request_Fulfilled => "办结书面查询申请",
        AuditEvent.Request_Refused => "书面查询申请操作被拒绝",
        AuditEvent.Request_DocumentAdded => "补充书面查询申请材料",
        AuditEvent.Data_SharedSubject => "共享接口查询主体",
        AuditEvent.Data_SharedChanges => "共享接口读取变更",
        AuditEvent.Data_WebhookDelivered => "推送共享数据",
        AuditEvent.Data_ConsoleQueried => "使用单位查询",
        AuditEvent.Data_Exported => "导出共享数据",
        AuditEvent.Data_RequestDocumentDownloaded => "下载书面查询材料",
        AuditEvent.Data_SharingRefused => "共享数据访问被拒绝",
        AuditEvent.Data_ExportTraced => "追溯导出文件",
        AuditEvent.Data_AccessTraced => "追查数据流向",
        AuditEvent.Audit_Viewed => "查看审计日志",
        AuditEvent.Audit_Verified => "校验审计链",
        AuditEvent.Audit_Archived => "归档审计日志",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
