namespace CreditShare.Core.Accounts;

/// <summary>The staff roles of art. 17 and the separation-of-duties rules the server enforces.</summary>
public static class StaffRoles
{
    public const string SystemAdmin = "系统管理员";
    public const string SecurityAdmin = "安全管理员";
    public const string AuditAdmin = "审计管理员";
    public const string Reviewer = "业务审核员";
    public const string Querier = "查询员";
    public const string Reporter = "报送员";
    public const string UserUnitQuerier = "使用单位查询员";

    /// <summary>证书业务操作员 of 附1 §3: takes U-key applications (受理) and hands out the keys; a managing role.</summary>
    public const string CertificateOperator = "证书业务操作员";

    public static IReadOnlyList<string> All { get; } = [SystemAdmin, SecurityAdmin, AuditAdmin, Reviewer, Querier, Reporter, UserUnitQuerier, CertificateOperator];

    /// <summary>The three administrators (三员): each post is held alone.</summary>
    public static IReadOnlyList<string> Administrators { get; } = [SystemAdmin, SecurityAdmin, AuditAdmin];

    /// <summary>Roles that read credit data; 用管分离 keeps them away from anyone who manages permissions.</summary>
    public static IReadOnlyList<string> DataReaders { get; } = [Reviewer, Querier, Reporter, UserUnitQuerier];

    /// <summary>Roles held by center staff, as opposed to staff of source or user units.</summary>
    public static IReadOnlyList<string> CenterRoles { get; } = [SystemAdmin, SecurityAdmin, AuditAdmin, Reviewer, Querier, CertificateOperator];

    /// <summary>Roles that manage accounts, permissions or credentials: 用管分离 keeps each away from the data readers.</summary>
    public static IReadOnlyList<string> Managers { get; } = [SystemAdmin, SecurityAdmin, AuditAdmin, CertificateOperator];

    /// <summary>Checks a whole set of roles for one account; an empty list means the set is allowed.</summary>
    public static IReadOnlyList<FieldError> CheckCombination(IReadOnlyCollection<string> roles)
    {
        var errors = new List<FieldError>();
        foreach (var unknown in roles.Where(r => !All.Contains(r)))
        {
            errors.Add(new FieldError("roles", "role.unknown", $"“{unknown}”不是系统中的角色"));
        }

        var admins = roles.Where(Administrators.Contains).ToList();
        if (admins.Count > 1)
        {
            errors.Add(new FieldError("roles", "role.admins_exclusive",
                $"系统管理员、安全管理员、审计管理员三者互斥，不能由同一账号兼任（{string.Join("、", admins)}）"));
        }

        var readers = roles.Where(DataReaders.Contains).ToList();
        var managers = roles.Where(Managers.Contains).ToList();
        if (managers.Count > 0 && readers.Count > 0)
        {
            errors.Add(new FieldError("roles", "role.separation_of_duties",
                $"用管分离：管理类角色（{string.Join("、", managers)}）不能与查询、报送、审核类角色（{string.Join("、", readers)}）由同一账号兼任"));
        }

        return errors;
    }
}
