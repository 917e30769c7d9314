using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Core.Contract;
using CreditShare.Core.Reporting;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Infrastructure;
using CreditShare.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Reporting;

public sealed class ReportingOptions
{
    public int MaxBatchSize { get; set; } = 5000;

    /// <summary>Largest request body the reporting endpoints read, in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024 * 1024;
}

/// <summary>What a file's reader made of its header row: the layout it is in (null for today's) and what it said about its columns.</summary>
public sealed record FileRead(string? Template, IReadOnlyList<FieldError> Warnings);

/// <summary>Who submits: the unit, and the account or certificate acting for it, through which channel.</summary>
public sealed record Submitter(int UnitId, string UnitCode, string Channel, string SubmittedBy);

public static class RecordStatusNames
{
    public const string Accepted = "accepted";
    public const string Unchanged = "unchanged";
    public const string Rejected = "rejected";
}

/// <summary>
/// Receives batches of credit records from any channel (art. 5–8): validates every row against the current catalog
/// version, stores valid rows as new records or new versions, reports identical resubmissions as unchanged, keeps every
/// rejected row in the abnormal-data queue, and stores the whole answer with the batch — all in one transaction, so
/// an acknowledged batch is complete and a failed one leaves nothing behind.
/// </summary>
/// <summary>
/// Limits how many batches write at once. SQLite has a single writer anyway; PostgreSQL takes two, so that one batch's
/// round trips and commit overlap the other's work (two batches creating the same new subject make one of them start
/// again, which the retry handles). Everything before the writes — validation, hashing, encryption — happens outside,
/// so concurrent batches overlap that work with each other's writes.
/// </summary>
public sealed class ReportingWriteGate(IConfiguration configuration)
{
    public SemaphoreSlim Semaphore { get; } = DatabaseSetup.Provider(configuration) == DatabaseProvider.Sqlite ? new(1, 1) : new(2, 2);
}

/// <summary>
/// Receives batches of credit records from any channel (art. 5–8): validates every row against the current catalog
/// version, stores valid rows as new records or new versions, reports identical resubmissions as unchanged, keeps every
/// rejected row in the abnormal-data queue, and stores the whole answer with the batch — all in one transaction, so
/// an acknowledged batch is complete and a failed one leaves nothing behind.
/// </summary>
public sealed class ReportingService(
    AppDbContext db,
    CatalogService catalog,
    PersonalDataProtector protector,
    AuditWriter audit,
    ReportingWriteGate gate,
    TimeProvider time,
    IOptions<ReportingOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>China Standard Time: "not in the future" and decision dates are judged by the provincial calendar.</summary>
    public DateOnly Today => ProvincialTime.Today(time);

    public static string HashBody(ReadOnlySpan<byte> body) => Core.Crypto.ContentDigest.Hex(body);

    // read: what the reader of a file recognised from its header row (the layout) and said about its columns.
    public async Task<Outcome<BatchResult>> SubmitAsync(Submitter who, string categoryCode, IReadOnlyList<IReadOnlyDictionary<string, string?>> rows,
        string? idempotencyKey, string requestHash, FileRead? read = null, CancellationToken cancellationToken = default)
    {
        var category = await catalog.GetAsync(categoryCode);
        if (category is null)
        {
            return Outcome<BatchResult>.NotFound("catalog.not_found", $"信息类别“{categoryCode}”不存在");
        }

        // Only what the center assigned the unit (art. 5); whom each record names is checked row by row in Prepare.
        var reporter = await ReportingAssignments.ReporterAsync(db, who.UnitId, cancellationToken);
        if ((reporter is null ? "报送单位未登记" : ReportingAuthority.Refusal(category, reporter)?.Message) is { } refusal)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Report_BatchRefused, AuditOutcome.Refused)
            { Account = who.SubmittedBy, UnitCode = reporter?.Uscc ?? who.UnitCode, Target = $"category:{category.Code}", Detail = $"{ReportingAuthority.NotAssignedCode};channel={who.Channel}" }, cancellationToken);
            return Outcome<BatchResult>.Forbidden(ReportingAuthority.NotAssignedCode, refusal);
        }

        if (rows.Count == 0)
        {
            return Outcome<BatchResult>.Invalid(new FieldError("$", "batch.empty", "批次中没有记录"));
        }

        if (rows.Count > options.Value.MaxBatchSize)
        {
            return Outcome<BatchResult>.Invalid(new FieldError("$", "batch.too_large", $"每批最多 {options.Value.MaxBatchSize} 条记录，本批 {rows.Count} 条，请拆分后报送"));
        }

        if (ReportParsing.Unstorable(rows) is { } unstorable)
        {
            return Outcome<BatchResult>.Invalid(unstorable);
        }

        if (idempotencyKey is { Length: > 100 })
        {
            return Outcome<BatchResult>.Invalid(new FieldError("Idempotency-Key", "batch.idempotency_key", "Idempotency-Key 不能超过100个字符"));
        }

        if (idempotencyKey is not null && await ReplayAsync(who.UnitId, idempotencyKey, requestHash, cancellationToken) is { } early)
        {
            return early;
        }

        var now = time.GetUtcNow();
        var prepared = Prepare(who, reporter!, category, rows, now, read);
        await gate.Semaphore.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // Asked again inside the gate: the same batch may have been stored while this one waited.
                if (idempotencyKey is not null && await ReplayAsync(who.UnitId, idempotencyKey, requestHash, cancellationToken) is { } replay)
                {
                    return replay;
                }

                try
                {
                    var result = await StoreAsync(who, category, prepared, idempotencyKey, requestHash, now, cancellationToken);
                    await audit.ChainPendingAsync();
                    return Outcome<BatchResult>.Ok(result);
                }
                catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException && attempt < 3)
                {
                    // Another batch (the second writer here, or another instance) created the same subject or record,
                    // or used the same Idempotency-Key, at the same moment: start again from the database's state.
                    db.ChangeTracker.Clear();
                }
            }
        }
        finally
        {
            gate.Semaphore.Release();
        }
    }

    private async Task<Outcome<BatchResult>?> ReplayAsync(int unitId, string key, string requestHash, CancellationToken cancellationToken)
    {
        var earlier = await db.ReportBatches.AsNoTracking().Where(b => b.UnitId == unitId && b.IdempotencyKey == key)
            .Select(b => new { b.RequestHash, b.ResultJson }).FirstOrDefaultAsync(cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        if (earlier.RequestHash != requestHash)
        {
            return Outcome<BatchResult>.Conflict("batch.idempotency_key_reused", "该 Idempotency-Key 已用于内容不同的另一批次，请为新批次使用新的键");
        }

        var result = JsonSerializer.Deserialize<BatchResult>(earlier.ResultJson, Json)!;
        return Outcome<BatchResult>.Ok(result with { Replayed = true });
    }

    /// <summary>A row as far as it can be worked out without the database.</summary>
    private sealed record PreparedRow(IReadOnlyList<FieldError> Errors, List<FieldError> Warnings, SubjectKey? Subject, string Key, string Hash, string DataJson,
        DateOnly? Decision, DateOnly? DisclosureEnd, DateOnly? SharingEnd, string? ReceivedJson = null);

    private sealed record PreparedBatch(Guid Id, IReadOnlyList<PreparedRow> Rows, List<AbnormalEntry> Abnormal, ColumnMap Columns, IReadOnlyList<FieldError> Warnings);

    private PreparedBatch Prepare(Submitter who, ReportingUnit reporter, CategoryDefinition category, IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, DateTimeOffset now,
        FileRead? read)
    {
        var batchId = Guid.CreateVersion7(now);
        var today = Today;
        var prepared = new PreparedRow[rows.Count];
        var abnormal = new List<AbnormalEntry>();
        // Which layout the names are in (today's codes, labels, an older national template) and the field each fills.
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sent in rows)
        {
            names.UnionWith(sent.Keys);
        }

        var columns = ReportHeaders.Resolve(category, [.. names], headerRow: false, template: read?.Template);
        category = columns.Category;
        var content = new RecordContent(category, protector);
        for (var i = 0; i < rows.Count; i++)
        {
            var mapped = columns.Apply(rows[i], out var kept, out var inferred);
            // Personal numbers in a public category's free text are masked before anything else sees the row.
            var (scrubbed, masked) = FreeText.MaskOnTheWayIn(category, mapped);
            // An empty source unit or authority is the reporting unit; any other must be it or a unit it reports for.
            var (row, filled) = ReportingAuthority.Fill(category, scrubbed, reporter);
            var validation = RecordValidator.Validate(category, row, today);
            var foreign = ReportingAuthority.Check(category, validation.Values, reporter);
            var errors = foreign.Count == 0 ? validation.Errors : [.. validation.Errors, .. foreign];
            var warnings = masked.Concat(validation.Warnings).Concat(filled).ToList();
            if (inferred is not null)
            {
                warnings.Add(inferred);
            }

            SubjectKey? subject = null;
            if (errors.Count == 0)
            {
                (subject, var subjectError) = SubjectDirectory.Identify(category, validation, protector);
                errors = subjectError is null ? errors : [subjectError];
            }

            if (errors.Count > 0)
            {
                abnormal.Add(Abnormal(who, category, batchId, i, row, errors, now));
                prepared[i] = new PreparedRow(errors, warnings, null, "", "", "", null, null, null);
                continue;
            }

            var values = validation.Values;
            var decision = category.DecisionDateField is { } df && values.TryGetValue(df, out var d) && RecordValidator.TryParseDate(d, out var parsed) ? parsed : (DateOnly?)null;
            prepared[i] = new PreparedRow(errors, warnings, subject, SourceKey(category, values), content.Hash(values), content.Stored(values),
                decision, DisclosurePeriods.DisclosureEnd(category, values), Core.Sharing.SharingPeriod.End(category, values, decision),
                validation.Received.Count > 0 || kept is not null ? content.Received(validation.Received, kept) : null);
        }

        // The file's reader saw its header row; the names here are the columns' codes, which say the same or nothing more.
        var batchWarnings = (read?.Warnings ?? []).Concat(columns.Warnings).Distinct().ToList();
        return new PreparedBatch(batchId, prepared, abnormal, columns, batchWarnings);
    }

    private async Task<BatchResult> StoreAsync(Submitter who, CategoryDefinition category, PreparedBatch prepared, string? idempotencyKey, string requestHash,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!db.IsSqlite)
        {
            // Every query below looks rows up by key. While a table is young or has just grown fast, PostgreSQL has no
            // statistics to go by, guesses that thousands of keys match half the table, and scans it all; here an
            // index is always right.
            await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off", cancellationToken);
        }

        var store = await RecordStore.OpenAsync(db, now, Today, cancellationToken);
        var rows = prepared.Rows;
        var subjects = new SubjectDirectory(db, now, who.UnitId);
        await subjects.PreloadAsync(rows.Where(r => r.Subject is not null).Select(r => r.Subject!), cancellationToken);
        var existing = await LoadRecordsAsync(who.UnitId, category.Code, rows.Where(r => r.Subject is not null).Select(r => r.Key).Distinct().ToList(), cancellationToken);

        // New records and superseded versions are written in bulk below; existing records are tracked and updated by EF.
        var newRecords = new List<CreditRecord>();
        var recordSubjects = new Dictionary<CreditRecord, Subject>(ReferenceEqualityComparer.Instance);
        var outcomes = new (string Status, CreditRecord? Record, IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Subject is null)
            {
                outcomes[i] = (RecordStatusNames.Rejected, null, row.Errors, row.Warnings);
                continue;
            }

            var (subject, nameWarning) = subjects.Resolve(category, row.Subject);
            var warnings = nameWarning is null ? row.Warnings : [.. row.Warnings, nameWarning];
            existing.TryGetValue(row.Key, out var record);
            if (record is not null && record.ContentHash == row.Hash && record.Status == RecordStatus.Active)
            {
                outcomes[i] = (RecordStatusNames.Unchanged, record, [], warnings);
                continue;
            }

            var action = record is null ? RecordAction.Reported : RecordAction.Corrected;
            if (record is null)
            {
                record = new CreditRecord { CategoryCode = category.Code, SourceUnitId = who.UnitId, SourceKey = row.Key, FirstReceivedAt = now };
                newRecords.Add(record);
                existing[row.Key] = record;
            }

            recordSubjects[record] = subject;
            store.Change(record, new RecordRevision(action, RecordStatus.Active, who.Channel, who.SubmittedBy, prepared.Id, null,
                new VersionContent(category.Version, row.Hash, row.DataJson, row.Decision, row.DisclosureEnd, row.SharingEnd)
                { SourceTemplate = prepared.Columns.Layout?.Name, ReceivedJson = row.ReceivedJson }));
            outcomes[i] = (RecordStatusNames.Accepted, record, [], warnings);
        }

        await WriteNewRowsAsync(store, subjects, newRecords, recordSubjects, prepared.Abnormal, cancellationToken);
        await CloseResolvedAbnormalAsync(who.UnitId, category.Code, existing, now, cancellationToken);

        var results = outcomes.Select((o, i) => new RecordResult(i, o.Status, o.Record?.Id, o.Errors, o.Warnings)).ToList();
        var batch = new ReportBatch
        {
            Id = prepared.Id,
            UnitId = who.UnitId,
            CategoryCode = category.Code,
            CatalogVersion = category.Version,
            Channel = who.Channel,
            SubmittedBy = who.SubmittedBy,
            IdempotencyKey = idempotencyKey,
            RequestHash = requestHash,
            ReceivedAt = now,
            Total = rows.Count,
            Accepted = results.Count(r => r.Status == RecordStatusNames.Accepted),
            Unchanged = results.Count(r => r.Status == RecordStatusNames.Unchanged),
            Rejected = results.Count(r => r.Status == RecordStatusNames.Rejected),
        };
        var result = new BatchResult(batch.Id, category.Code, category.Version, batch.Total, batch.Accepted, batch.Unchanged, batch.Rejected, false, results)
        {
            Warnings = prepared.Warnings,
            Template = prepared.Columns.Layout?.Name,
        };
        batch.ResultJson = JsonSerializer.Serialize(result, Json);
        db.ReportBatches.Add(batch);
        // Committed with the batch, as a pending entry: the chain's lock is taken only after the commit, briefly.
        audit.Stage(db, new AuditRecord(AuditEvent.Report_BatchReceived, AuditOutcome.Success)
        {
            Account = who.SubmittedBy,
            UnitCode = who.UnitCode,
            Target = $"batch:{result.BatchId}",
            ResultCount = result.Accepted,
            Detail = $"category={category.Code};channel={who.Channel};total={result.Total};accepted={result.Accepted};unchanged={result.Unchanged};rejected={result.Rejected}",
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Writes the batch's new rows in bulk, parents first. Only subjects and records get their ids up front: records
    /// point at subjects, and the answer names every record's id.
    /// </summary>
    private async Task WriteNewRowsAsync(RecordStore store, SubjectDirectory subjects, List<CreditRecord> newRecords, Dictionary<CreditRecord, Subject> recordSubjects,
        List<AbnormalEntry> abnormal, CancellationToken cancellationToken)
    {
        Assign(subjects.NewSubjects, await BulkWriter.AllocateIdsAsync(db, "Subjects", subjects.NewSubjects.Count, cancellationToken), (s, id) => s.Id = id);
        foreach (var name in subjects.NewNames)
        {
            name.SubjectId = name.Subject!.Id;
        }

        foreach (var (record, subject) in recordSubjects)
        {
            record.SubjectId = subject.Id;
        }

        await BulkWriter.InsertAsync(db, BulkTables.Subjects, subjects.NewSubjects, cancellationToken);
        await BulkWriter.InsertAsync(db, BulkTables.SubjectNames, subjects.NewNames, cancellationToken);
        await store.WriteAsync(newRecords, cancellationToken);
        await BulkWriter.InsertAsync(db, BulkTables.Abnormal, abnormal, cancellationToken);
        foreach (var (id, registration) in subjects.LearntRegistrationNumbers)
        {
            await db.Subjects.Where(s => s.Id == id && s.RegistrationNumber == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.RegistrationNumber, registration), cancellationToken);
        }
    }

    private static void Assign<T>(List<T> items, List<long> ids, Action<T, long> set)
    {
        for (var i = 0; i < items.Count; i++)
        {
            set(items[i], ids[i]);
        }
    }

    /// <summary>Resubmitting a rejected row's document number, now valid, closes its abnormal entries (art. 8).</summary>
    private async Task CloseResolvedAbnormalAsync(int unitId, string categoryCode, Dictionary<string, CreditRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A unit's open entries are few next to a batch's thousands of numbers: read theirs and match here.
        var open = await db.AbnormalEntries.AsNoTracking()
            .Where(a => a.UnitId == unitId && a.ClosedAt == null && a.CategoryCode == categoryCode && a.SourceKey != "")
            .Select(a => new { a.Id, a.SourceKey }).ToListAsync(cancellationToken);
        var resolved = open.Where(a => records.ContainsKey(a.SourceKey)).ToDictionary(a => a.Id, a => records[a.SourceKey]);
        if (resolved.Count == 0)
        {
            return;
        }

        var ids = resolved.Keys.ToList();
        foreach (var entry in await db.AbnormalEntries.Where(a => EF.Parameter(ids).Contains(a.Id)).ToListAsync(cancellationToken))
        {
            entry.ClosedAt = now;
            entry.ResolvedRecordId = resolved[entry.Id].Id;
        }
    }

    // The lookups filter by document number alone, the leading column of its index, and leave unit and category to
    // memory: a query naming the unit too lets PostgreSQL, with statistics not yet updated after a large load, pick
    // the unit's index and filter every record the unit has. EF.Parameter sends the keys as one array parameter (ANY on
    // PostgreSQL, json_each on SQLite); EF 10 would otherwise make a parameter per key, beyond SQLite's limit.
    private async Task<Dictionary<string, CreditRecord>> LoadRecordsAsync(int unitId, string categoryCode, List<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, CreditRecord>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return found;
        }

        foreach (var record in await db.CreditRecords.Where(r => EF.Parameter(keys).Contains(r.SourceKey)).ToListAsync(cancellationToken))
        {
            if (record.SourceUnitId == unitId && record.CategoryCode == categoryCode)
            {
                found[record.SourceKey] = record;
            }
            else
            {
                // Another unit's record with the same document number is none of this batch's business.
                db.Entry(record).State = EntityState.Detached;
            }
        }

        return found;
    }

    /// <summary>Every version of a record, oldest first: the superseded ones, then the record row itself.</summary>
    public async Task<IReadOnlyList<RecordVersion>> HistoryAsync(long recordId)
    {
        var record = await db.CreditRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == recordId);
        if (record is null)
        {
            return [];
        }

        var earlier = await db.RecordVersions.AsNoTracking().Where(v => v.RecordId == recordId).OrderBy(v => v.Version).ToListAsync();
        return [.. earlier, RecordVersion.Supersede(record)];
    }

    public async Task<Outcome<BatchResult>> FindBatchAsync(int unitId, Guid id)
    {
        var json = await db.ReportBatches.AsNoTracking().Where(b => b.Id == id && b.UnitId == unitId).Select(b => b.ResultJson).FirstOrDefaultAsync();
        return json is null
            ? Outcome<BatchResult>.NotFound("batch.not_found", "批次不存在，或不属于本单位")
            : Outcome<BatchResult>.Ok(JsonSerializer.Deserialize<BatchResult>(json, Json)!);
    }

    /// <summary>撤销: the record leaves every view at once and stays in the archive with its history.</summary>
    public async Task<Outcome<RecordSummary>> WithdrawAsync(Submitter who, string categoryCode, string sourceKey, string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            return Outcome<RecordSummary>.Invalid(new FieldError("reason", "record.withdraw_reason", "请说明撤销原因（不超过500字）"));
        }

        // Another unit's record is simply not found: its existence is not disclosed either.
        var record = await db.CreditRecords.FirstOrDefaultAsync(r => r.SourceUnitId == who.UnitId && r.CategoryCode == categoryCode && r.SourceKey == sourceKey.Trim());
        if (record is null)
        {
            return Outcome<RecordSummary>.NotFound("record.not_found", "本单位没有该文书号的记录");
        }

        if (record.Status == RecordStatus.Withdrawn)
        {
            return Outcome<RecordSummary>.Conflict("record.already_withdrawn", "该记录已撤销");
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        var store = await RecordStore.OpenAsync(db, time.GetUtcNow(), Today);
        store.Change(record, new RecordRevision(RecordAction.Withdrawn, RecordStatus.Withdrawn, who.Channel, who.SubmittedBy, null, reason.Trim(), null));
        await store.WriteAsync([]);
        // The audit entry is committed with the withdrawal, as a pending entry the chain takes up next.
        audit.Stage(db, new AuditRecord(AuditEvent.Report_RecordWithdrawn, AuditOutcome.Success)
        { Account = who.SubmittedBy, UnitCode = who.UnitCode, Target = $"record:{record.Id}", Detail = reason.Trim() });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await audit.ChainPendingAsync();
        return Outcome<RecordSummary>.Ok(RecordSummary.From(record));
    }

    public static string SourceKey(CategoryDefinition category, IReadOnlyDictionary<string, string> values) =>
        values.TryGetValue(category.DocumentNumberField, out var key) ? key.Trim() : "";

    private string Protect(CategoryDefinition category, IReadOnlyDictionary<string, string?> values)
    {
        var stored = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            stored[key] = value is not null && category.Field(key)?.Personal == true && !PersonalDataProtector.IsProtected(value) ? protector.Protect(value) : value;
        }

        return JsonSerializer.Serialize(stored, Json);
    }

    private AbnormalEntry Abnormal(Submitter who, CategoryDefinition category, Guid batchId, int index, IReadOnlyDictionary<string, string?> raw,
        IReadOnlyList<FieldError> errors, DateTimeOffset now) => new()
        {
            UnitId = who.UnitId,
            CategoryCode = category.Code,
            CatalogVersion = category.Version,
            BatchId = batchId,
            RowIndex = index,
            SourceKey = raw.TryGetValue(category.DocumentNumberField, out var key) && !string.IsNullOrWhiteSpace(key) ? key.Trim() : "",
            RawJson = Protect(category, raw),
            ErrorsJson = JsonSerializer.Serialize(errors, Json),
            ErrorCodes = " " + string.Join(' ', errors.Select(e => e.Code).Distinct()) + " ",
            CreatedAt = now,
        };
}

public sealed record RecordSummary(long Id, string CategoryCode, string SourceKey, string Status, int Version, DateOnly? DecisionDate, DateOnly? DisclosureEnd)
{
    public static RecordSummary From(CreditRecord r) =>
        new(r.Id, r.CategoryCode, r.SourceKey, r.Status == RecordStatus.Active ? "active" : "withdrawn", r.CurrentVersion, r.DecisionDate, r.DisclosureEnd);
}
