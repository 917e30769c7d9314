namespace CreditShare.Core.Units;

/// <summary>What a unit does on the platform (art. 1, 2, 11); a unit may hold several roles. Stored as numbers: keep them.</summary>
[Flags]
public enum UnitRoles
{
    None = 0,
    Center = 1,
    Source = 2,
    User = 4,
    CreditAgency = 8,
    FinancialInstitution = 16,
}
