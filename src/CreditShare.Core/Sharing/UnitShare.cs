namespace CreditShare.Core.Sharing;

/// <summary>
/// What one unit may receive today: per category, the fields of its approved grants in force, cut down to what the
/// catalog lets that kind of unit have now (the catalog is the ceiling even for a grant approved earlier), minus the
/// records of source units that keep a category to named units.
/// </summary>
/// <param name="UnitId">The receiving unit.</param>
/// <param name="Fields">Per category code, the field codes the unit receives.</param>
/// <param name="Withheld">Source unit and category pairs kept from this unit (art. 9).</param>
/// <param name="NaturalPersons">
/// Whether records about natural persons reach the unit. Denied unless said otherwise: a share built without thinking
/// about persons must not hand them out (see <see cref="UnitKinds.ReachesNaturalPersons"/> and <see cref="PersonConsent"/>).
/// </param>
public sealed record UnitShare(int UnitId, IReadOnlyDictionary<string, IReadOnlySet<string>> Fields, IReadOnlySet<(int SourceUnitId, string Category)> Withheld,
    bool NaturalPersons = false)
{
    public const string NaturalPersonRefusal = "信用服务机构、金融机构查询自然人信息须经本人书面授权，请通过书面查询申请办理";

    /// <summary>Nothing at all: for a unit that is unknown, suspended or no data user.</summary>
    public static UnitShare Nothing(int unitId) => new(unitId, new Dictionary<string, IReadOnlySet<string>>(), new HashSet<(int, string)>());

    public IReadOnlyList<string> Categories => [.. Fields.Keys];

    /// <summary>Whether a record of this source unit and category reaches the unit (whatever its subject; see <see cref="Reaches"/>).</summary>
    public bool Allows(int sourceUnitId, string category) => Fields.ContainsKey(category) && !Withheld.Contains((sourceUnitId, category));

    /// <summary>Whether a record about this kind of subject reaches the unit: natural persons only where <see cref="NaturalPersons"/>.</summary>
    public bool Reaches(bool naturalPerson) => NaturalPersons || !naturalPerson;
}
