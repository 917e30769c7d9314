using CreditShare.Core.Catalog;

namespace CreditShare.Web.Features.Subjects;

/// <summary>
/// One integrated profile per subject (art. 3): a legal person or individual business by USCC, a natural person by
/// the keyed hash of their ID number. The ID number itself is stored only encrypted.
/// </summary>
public sealed class Subject
{
    public long Id { get; set; }

    public SubjectType Type { get; set; }

    /// <summary>
    /// What the subject is found by: its USCC, or, without one, the keyed hash of its ID number. Unique, never null, so
    /// that one index serves every lookup.
    /// </summary>
    public string Key { get; set; } = "";

    public string? Uscc { get; set; }

    /// <summary>HMAC of "idtype:number", for a subject known by its ID number.</summary>
    public string? IdentityHash { get; set; }

    /// <summary>The ID number, AES-GCM encrypted.</summary>
    public string? IdentityCipher { get; set; }

    /// <summary>
    /// The old 工商注册号 (the code before USCCs), when a record about the subject carried one: the public search takes
    /// it. The first reported is kept.
    /// </summary>
    public string? RegistrationNumber { get; set; }

    /// <summary>The name first reported; later differing names are <see cref="SubjectName"/> rows.</summary>
    public string Name { get; set; } = "";

    /// <summary>The unit that first reported the subject.</summary>
    public int FirstSourceUnitId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Names a subject has been reported under besides its first (<see cref="Subject.Name"/>): a change of name is history, not an overwrite.</summary>
public sealed class SubjectName
{
    public long Id { get; set; }

    public long SubjectId { get; set; }

    public Subject? Subject { get; set; }

    public string Name { get; set; } = "";

    public int SourceUnitId { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>Set when the name differs from the one already known: the center reviews these.</summary>
    public bool NeedsReview { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }
}
