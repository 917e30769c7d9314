namespace CreditShare.Web.Features.Sharing;

public enum GrantStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
    Revoked = 3,
}

/// <summary>
/// What one data-user unit may receive of one category (art. 9, 11): named fields, for a stated purpose, between two
/// dates — in force only once a 业务审核员 other than its requester has approved it.
/// </summary>
public sealed class SharingGrant
{
    public long Id { get; set; }

    public int UnitId { get; set; }

    public string CategoryCode { get; set; } = "";

    public List<string> Fields { get; set; } = [];

    public string Purpose { get; set; } = "";

    public DateOnly ValidFrom { get; set; }

    public DateOnly ValidTo { get; set; }

    public GrantStatus Status { get; set; }

    public string RequestedBy { get; set; } = "";

    public DateTimeOffset RequestedAt { get; set; }

    public string? ReviewedBy { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public string? ReviewNote { get; set; }
}

/// <summary>A source unit narrows sharing of its own records in one category to the units it names (art. 9).</summary>
public sealed class SharingRestriction
{
    public int Id { get; set; }

    public int SourceUnitId { get; set; }

    public string CategoryCode { get; set; } = "";

    public List<int> AllowedUnitIds { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}

public enum WebhookStatus
{
    Active = 0,
    Failing = 1,
    Disabled = 2,
}

/// <summary>
/// A unit's real-time interface (art. 10): the platform follows the change feed for the unit and pushes each change to
/// <see cref="Url"/>. The subscription keeps its own feed cursor, so a restart resumes where delivery stopped.
/// </summary>
public sealed class WebhookSubscription
{
    public int Id { get; set; }

    public int UnitId { get; set; }

    public string Url { get; set; } = "";

    public List<string> Categories { get; set; } = [];

    /// <summary>The signing secret, encrypted like personal data (it must be read back to sign).</summary>
    public string SecretCipher { get; set; } = "";

    public WebhookStatus Status { get; set; }

    public long CursorTx { get; set; }

    public long CursorId { get; set; }

    /// <summary>Failed attempts at the change at the cursor.</summary>
    public int Attempts { get; set; }

    /// <summary>When the change at the cursor first failed: after 24 hours of retries the subscription is failing.</summary>
    public DateTimeOffset? FirstFailureAt { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

public sealed class WebhookDelivery
{
    public long Id { get; set; }

    public int SubscriptionId { get; set; }

    public Guid DeliveryId { get; set; }

    public long RecordId { get; set; }

    public string Change { get; set; } = "";

    public int Attempt { get; set; }

    public DateTimeOffset At { get; set; }

    public int? StatusCode { get; set; }

    public string? Error { get; set; }

    public bool Succeeded { get; set; }
}

public enum RequestStatus
{
    Submitted = 0,
    Approved = 1,
    Rejected = 2,
    Fulfilled = 3,
}

/// <summary>A formal written query request (art. 13, 附3): reviewed, then fulfilled by someone else, then delivered.</summary>
public sealed class QueryRequest
{
    public long Id { get; set; }

    public string Number { get; set; } = "";

    public int UnitId { get; set; }

    /// <summary>USCCs or ID numbers (ID numbers encrypted), one per line.</summary>
    public List<string> Subjects { get; set; } = [];

    public List<string> Categories { get; set; } = [];

    public string Purpose { get; set; } = "";

    public bool InvolvesNaturalPerson { get; set; }

    public RequestStatus Status { get; set; }

    public string SubmittedBy { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public string? ReviewedBy { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public string? ReviewReason { get; set; }

    public string? FulfilledBy { get; set; }

    public DateTimeOffset? FulfilledAt { get; set; }
}

public enum AttachmentKind
{
    OfficialLetter = 0,
    PersonIdCopy = 1,
    Authorisation = 2,
    AgentIdCopy = 3,
    Result = 4,
}

public sealed class RequestAttachment
{
    public long Id { get; set; }

    public long RequestId { get; set; }

    public AttachmentKind Kind { get; set; }

    public string FileName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public string Sha256 { get; set; } = "";

    /// <summary>The file's name in the attachment store (outside the web root).</summary>
    public string StoredName { get; set; } = "";

    public string UploadedBy { get; set; } = "";

    public DateTimeOffset UploadedAt { get; set; }
}
