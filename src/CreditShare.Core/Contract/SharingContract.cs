namespace CreditShare.Core.Contract;

// What a data-user unit's system reads on the sharing API (/api/v1/shared) and receives by webhook.
// Names and JSON shapes are the wire contract: ContractSnapshotTests fails when one changes.

/// <summary>One shared record: only the fields the unit's grants cover.</summary>
public sealed record SharedRecord(long Id, string Category, string CategoryName, string SourceUnit, int Version, DateOnly? DecisionDate, DateOnly? SharingEnd,
    DateTimeOffset UpdatedAt, IReadOnlyDictionary<string, string> Fields);

public sealed record SharedSubject(string Code, string Name, string Type, IReadOnlyList<SharedRecord> Records);

/// <summary>One entry of the change feed: <c>created</c> and <c>corrected</c> carry the record; <c>withdrawn</c> and <c>expired</c> only say so.</summary>
public sealed record SharedChange(long RecordId, string Change, string Category, string? SubjectCode, int Version, DateTimeOffset ChangedAt, SharedRecord? Record);

public sealed record ChangePage(IReadOnlyList<SharedChange> Changes, string Next, bool HasMore);

/// <summary>
/// A subscription to register. Without <c>After</c> it starts now (changes from here on); with a cursor of the change
/// feed (a page's <c>next</c>, this unit's own) it starts right after that position.
/// </summary>
public sealed record WebhookInput(string? Url, IReadOnlyList<string>? Categories, string? After = null);

public sealed record WebhookView(int Id, string Url, IReadOnlyList<string> Categories, string Status, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset? NextAttemptAt,
    string? Secret = null);

public sealed record DeliveryView(Guid DeliveryId, long RecordId, string Change, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, bool Succeeded);

/// <summary>The body pushed to a receiver: one change, exactly as the change feed carries it.</summary>
public sealed record WebhookPayload(Guid DeliveryId, int SubscriptionId, DateTimeOffset SentAt, SharedChange Change);
