using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CreditShare.Core;
using CreditShare.Core.Catalog;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Features.Reporting;

public sealed class ReportingOptions
{
    public int MaxBatchSize { get; set; } = 5000;

    /// <summary>Largest request body the reporting endpoints read, in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024 * 1024;
}

/// <summary>Who submits: the unit, and the account or certificate acting for it, through which channel.</summary>
public sealed record Submitter(int UnitId, string UnitCode, string Channel, string SubmittedBy);

public static class RecordStatusNames
{
    public const string Accepted = "accepted";
    public const string Unchanged = "unchanged";
    public const string Rejected = "rejected";
}

public sealed record RecordResult(int Index, string Status, long? RecordId, IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings);

public sealed record BatchResult(Guid BatchId, string Category, int CatalogVersion, int Total, int Accepted, int Unchanged, int Rejected, bool Replayed,
    IReadOnlyList<RecordResult> Records);

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
    TimeProvider time,
    IOptions<ReportingOptions> options)
{
    private const int Chunk = 500;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>China Standard Time: "not in the future" and decision dates are judged by the provincial calendar.</summary>
    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    public static string HashBody(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    public async Task<Outcome<BatchResult>> SubmitAsync(Submitter who, string categoryCode, IReadOnlyList<IReadOnlyDictionary<string, string?>> rows,
        string? idempotencyKey, string requestHash, CancellationToken cancellationToken = default)
    {
        var category = await catalog.GetAsync(categoryCode);
        if (category is null)
        {
            return Outcome<BatchResult>.NotFound("catalog.not_found", $"信息类别“{categoryCode}”不存在");
        }

        if (rows.Count == 0)
        {
            return Outcome<BatchResult>.Invalid(new FieldError("$", "batch.empty", "批次中没有记录"));
        }

        if (rows.Count > options.Value.MaxBatchSize)
        {
            return Outcome<BatchResult>.Invalid(new FieldError("$", "batch.too_large", $"每批最多 {options.Value.MaxBatchSize} 条记录，本批 {rows.Count} 条，请拆分后报送"));
        }

        if (idempotencyKey is { Length: > 100 })
        {
            return Outcome<BatchResult>.Invalid(new FieldError("Idempotency-Key", "batch.idempotency_key", "Idempotency-Key 不能超过100个字符"));
        }

        for (var attempt = 1; ; attempt++)
        {
            if (idempotencyKey is not null && await ReplayAsync(who.UnitId, idempotencyKey, requestHash, cancellationToken) is { } replay)
            {
                return replay;
            }

            try
            {
                var result = await StoreAsync(who, category, rows, idempotencyKey, requestHash, cancellationToken);
                await audit.WriteAsync(new AuditRecord(AuditEvent.Report_BatchReceived, AuditOutcome.Success)
                {
                    Account = who.SubmittedBy,
                    UnitCode = who.UnitCode,
                    Target = $"batch:{result.BatchId}",
                    ResultCount = result.Accepted,
                    Detail = $"category={category.Code};channel={who.Channel};total={result.Total};accepted={result.Accepted};unchanged={result.Unchanged};rejected={result.Rejected}",
                }, cancellationToken);
                return Outcome<BatchResult>.Ok(result);
            }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException && attempt < 3)
            {
                // Another batch created the same subject or record, or used the same Idempotency-Key, at the same
                // moment: start again from the database's state.
                db.ChangeTracker.Clear();
            }
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

    private async Task<BatchResult> StoreAsync(Submitter who, CategoryDefinition category, IReadOnlyList<IReadOnlyDictionary<string, string?>> rows,
        string? idempotencyKey, string requestHash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = Today;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = new ReportBatch
        {
            Id = Guid.CreateVersion7(now),
            UnitId = who.UnitId,
            CategoryCode = category.Code,
            CatalogVersion = category.Version,
            Channel = who.Channel,
            SubmittedBy = who.SubmittedBy,
            IdempotencyKey = idempotencyKey,
            RequestHash = requestHash,
            ReceivedAt = now,
            Total = rows.Count,
        };

        var validations = rows.Select(row => RecordValidator.Validate(category, row, today)).ToList();
        var subjects = new SubjectDirectory(db, protector, now, who.UnitId);
        await subjects.PreloadAsync(category, validations.Where(v => v.IsValid).Select(v => v.Values), cancellationToken);
        var keys = validations.Where(v => v.IsValid).Select(v => SourceKey(category, v.Values)).Distinct().ToList();
        var existing = await LoadRecordsAsync(who.UnitId, category.Code, keys, cancellationToken);

        // New rows are collected and written in bulk below; existing records are tracked and updated by EF.
        var newRecords = new List<CreditRecord>();
        var recordSubjects = new Dictionary<CreditRecord, Subject>(ReferenceEqualityComparer.Instance);
        var versions = new List<RecordVersion>();
        var abnormal = new List<AbnormalEntry>();
        var outcomes = new (string Status, CreditRecord? Record, IReadOnlyList<FieldError> Errors, List<FieldError> Warnings)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var validation = validations[i];
            var warnings = validation.Warnings.ToList();
            var errors = validation.Errors.ToList();
            Subject? subject = null;
            if (errors.Count == 0)
            {
                (subject, var subjectError, var subjectWarning) = subjects.Resolve(category, validation);
                if (subjectError is not null)
                {
                    errors.Add(subjectError);
                }

                if (subjectWarning is not null)
                {
                    warnings.Add(subjectWarning);
                }
            }

            if (errors.Count > 0)
            {
                abnormal.Add(Abnormal(who, category, batch, i, rows[i], errors, now));
                outcomes[i] = (RecordStatusNames.Rejected, null, errors, warnings);
                continue;
            }

            var values = validation.Values;
            var key = SourceKey(category, values);
            var hash = ContentHash(category, values);
            existing.TryGetValue(key, out var record);
            if (record is not null && record.ContentHash == hash && record.Status == RecordStatus.Active)
            {
                outcomes[i] = (RecordStatusNames.Unchanged, record, [], warnings);
                continue;
            }

            var data = ProtectValues(category, values);
            var decision = category.DecisionDateField is { } df && values.TryGetValue(df, out var d) && RecordValidator.TryParseDate(d, out var parsed) ? parsed : (DateOnly?)null;
            var action = record is null ? RecordAction.Reported : RecordAction.Corrected;
            if (record is null)
            {
                record = new CreditRecord { CategoryCode = category.Code, SourceUnitId = who.UnitId, SourceKey = key, FirstReceivedAt = now };
                newRecords.Add(record);
                existing[key] = record;
            }

            recordSubjects[record] = subject!;
            record.CatalogVersion = category.Version;
            record.Status = RecordStatus.Active;
            record.CurrentVersion++;
            record.ContentHash = hash;
            record.DataJson = data;
            record.DecisionDate = decision;
            record.DisclosureEnd = DisclosurePeriods.DisclosureEnd(category, values);
            record.SharingEnd = decision?.AddMonths(DisclosurePeriods.MonthsFor(category.SharingPeriod, values)).AddDays(-1);
            record.UpdatedAt = now;
            versions.Add(new RecordVersion
            {
                Record = record,
                Version = record.CurrentVersion,
                Action = action,
                CatalogVersion = category.Version,
                DataJson = data,
                ContentHash = hash,
                BatchId = batch.Id,
                Channel = who.Channel,
                SubmittedBy = who.SubmittedBy,
                ReceivedAt = now,
            });
            outcomes[i] = (RecordStatusNames.Accepted, record, [], warnings);
        }

        await WriteNewRowsAsync(subjects, newRecords, recordSubjects, versions, abnormal, cancellationToken);
        await CloseResolvedAbnormalAsync(who.UnitId, category.Code, existing, now, cancellationToken);

        var results = outcomes.Select((o, i) => new RecordResult(i, o.Status, o.Record?.Id, o.Errors, o.Warnings)).ToList();
        batch.Accepted = results.Count(r => r.Status == RecordStatusNames.Accepted);
        batch.Unchanged = results.Count(r => r.Status == RecordStatusNames.Unchanged);
        batch.Rejected = results.Count(r => r.Status == RecordStatusNames.Rejected);
        var result = new BatchResult(batch.Id, category.Code, category.Version, batch.Total, batch.Accepted, batch.Unchanged, batch.Rejected, false, results);
        batch.ResultJson = JsonSerializer.Serialize(result, Json);
        db.ReportBatches.Add(batch);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Gives the batch's new rows their ids and writes them in bulk, parents first.</summary>
    private async Task WriteNewRowsAsync(SubjectDirectory subjects, List<CreditRecord> newRecords, Dictionary<CreditRecord, Subject> recordSubjects,
        List<RecordVersion> versions, List<AbnormalEntry> abnormal, CancellationToken cancellationToken)
    {
        Assign(subjects.NewSubjects, await BulkWriter.AllocateIdsAsync(db, "Subjects", subjects.NewSubjects.Count, cancellationToken), (s, id) => s.Id = id);
        Assign(subjects.NewNames, await BulkWriter.AllocateIdsAsync(db, "SubjectNames", subjects.NewNames.Count, cancellationToken), (n, id) => n.Id = id);
        Assign(newRecords, await BulkWriter.AllocateIdsAsync(db, "CreditRecords", newRecords.Count, cancellationToken), (r, id) => r.Id = id);
        Assign(versions, await BulkWriter.AllocateIdsAsync(db, "RecordVersions", versions.Count, cancellationToken), (v, id) => v.Id = id);
        Assign(abnormal, await BulkWriter.AllocateIdsAsync(db, "AbnormalEntries", abnormal.Count, cancellationToken), (a, id) => a.Id = id);
        foreach (var name in subjects.NewNames)
        {
            name.SubjectId = name.Subject!.Id;
        }

        foreach (var (record, subject) in recordSubjects)
        {
            record.SubjectId = subject.Id;
        }

        foreach (var version in versions)
        {
            version.RecordId = version.Record!.Id;
        }

        await BulkWriter.InsertAsync(db, BulkTables.Subjects, subjects.NewSubjects, cancellationToken);
        await BulkWriter.InsertAsync(db, BulkTables.SubjectNames, subjects.NewNames, cancellationToken);
        await BulkWriter.InsertAsync(db, BulkTables.Records, newRecords, cancellationToken);
        await BulkWriter.InsertAsync(db, BulkTables.Versions, versions, cancellationToken);
        await BulkWriter.InsertAsync(db, BulkTables.Abnormal, abnormal, cancellationToken);
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
        foreach (var chunk in records.Keys.Chunk(Chunk))
        {
            var open = await db.AbnormalEntries.Where(a => a.UnitId == unitId && a.CategoryCode == categoryCode && a.ClosedAt == null && a.SourceKey != null && chunk.Contains(a.SourceKey))
                .ToListAsync(cancellationToken);
            foreach (var entry in open)
            {
                entry.ClosedAt = now;
                entry.ResolvedRecordId = records[entry.SourceKey!].Id;
            }
        }
    }

    private async Task<Dictionary<string, CreditRecord>> LoadRecordsAsync(int unitId, string categoryCode, List<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, CreditRecord>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(Chunk))
        {
            var records = await db.CreditRecords.Where(r => r.SourceUnitId == unitId && r.CategoryCode == categoryCode && chunk.Contains(r.SourceKey))
                .ToListAsync(cancellationToken);
            foreach (var record in records)
            {
                found[record.SourceKey] = record;
            }
        }

        return found;
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

        var now = time.GetUtcNow();
        record.Status = RecordStatus.Withdrawn;
        record.CurrentVersion++;
        record.UpdatedAt = now;
        db.RecordVersions.Add(new RecordVersion
        {
            RecordId = record.Id,
            Version = record.CurrentVersion,
            Action = RecordAction.Withdrawn,
            CatalogVersion = record.CatalogVersion,
            DataJson = record.DataJson,
            ContentHash = record.ContentHash,
            Channel = who.Channel,
            SubmittedBy = who.SubmittedBy,
            ReceivedAt = now,
            Reason = reason.Trim(),
        });
        await db.SaveChangesAsync();
        await audit.WriteAsync(new AuditRecord(AuditEvent.Report_RecordWithdrawn, AuditOutcome.Success)
        { Account = who.SubmittedBy, UnitCode = who.UnitCode, Target = $"record:{record.Id}", Detail = reason.Trim() });
        return Outcome<RecordSummary>.Ok(RecordSummary.From(record));
    }

    public static string SourceKey(CategoryDefinition category, IReadOnlyDictionary<string, string> values) =>
        values.TryGetValue(category.DocumentNumberField, out var key) ? key.Trim() : "";

    private string ContentHash(CategoryDefinition category, IReadOnlyDictionary<string, string> values)
    {
        var canonical = new StringBuilder(category.Code);
        foreach (var (key, value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            canonical.Append('\u001e').Append(key).Append('\u001f').Append(value);
        }

        // Keyed, so the hash of a record with an ID number in it cannot be brute-forced from the database alone.
        return protector.LookupHash(canonical.ToString());
    }

    private string Protect(CategoryDefinition category, IReadOnlyDictionary<string, string?> values)
    {
        var stored = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            stored[key] = value is not null && category.Field(key)?.Personal == true && !PersonalDataProtector.IsProtected(value) ? protector.Protect(value) : value;
        }

        return JsonSerializer.Serialize(stored, Json);
    }

    private string ProtectValues(CategoryDefinition category, IReadOnlyDictionary<string, string> values) =>
        Protect(category, values.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));

    private AbnormalEntry Abnormal(Submitter who, CategoryDefinition category, ReportBatch batch, int index, IReadOnlyDictionary<string, string?> raw,
        IReadOnlyList<FieldError> errors, DateTimeOffset now) => new()
        {
            UnitId = who.UnitId,
            CategoryCode = category.Code,
            CatalogVersion = category.Version,
            BatchId = batch.Id,
            RowIndex = index,
            SourceKey = raw.TryGetValue(category.DocumentNumberField, out var key) && !string.IsNullOrWhiteSpace(key) ? key.Trim() : null,
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
