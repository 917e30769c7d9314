namespace CreditShare.Gateway.Queue;

/// <summary>
/// What a source does once every batch of one of its files has its answer stored: the folder source writes feedback
/// and moves the file to <c>sent/</c>; the database source acknowledges the rows in the unit's database. It runs again
/// after a crash until the file is marked done, so it must be idempotent.
/// </summary>
public interface IFinishedFiles
{
    bool Owns(QueuedFile file);

    void Finish(QueuedFile file, IReadOnlyList<QueuedBatch> batches);
}
