namespace CreditShare.Core.Sharing;

/// <summary>What happened to a record, as the change feed and webhooks tell data-user units (wire values: keep them).</summary>
public static class ChangeKinds
{
    public const string Created = "created";
    public const string Corrected = "corrected";
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";

    /// <summary>
    /// The kind of a record's latest change as seen on <paramref name="today"/>: a withdrawal wins over everything; a
    /// record past its sharing period has expired, whatever happened to it before; otherwise it was corrected or created.
    /// </summary>
    public static string Of(bool withdrawn, bool corrected, DateOnly? sharingEnd, DateOnly today) =>
        withdrawn ? Withdrawn
        : SharingPeriod.IsOver(sharingEnd, today) ? Expired
        : corrected ? Corrected
        : Created;

    /// <summary>Whether a change of this kind carries the record's content (the others only say that it happened).</summary>
    public static bool CarriesRecord(string kind) => kind is Created or Corrected;
}
