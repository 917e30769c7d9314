using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using CreditShare.Core;
using CreditShare.Core.Credentials;
using CreditShare.Web.Attachments;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Credentials;

/// <summary>A 附4 line as its unit and the center see it.</summary>
public sealed record RenewalLineView(int Sequence, string AccountName, string UserName, string Phone, string? Remarks, string CertificateSerial,
    DateTimeOffset CertificateNotAfter, string? RenewedSerial, DateTimeOffset? RenewedAt);

public sealed record RenewalRegistrationView(string Number, string State, string StateLabel, string UnitCode, string OrganisationName,
    DateTimeOffset SubmittedAt, string SubmittedBy, bool ScanUploaded, string? AcceptedBy, DateTimeOffset? AcceptedAt, string? Opinion,
    DateTimeOffset? CompletedAt, IReadOnlyList<RenewalLineView> Lines);

public sealed record RenewalRegistrationSummary(string Number, string State, string StateLabel, string OrganisationName, DateTimeOffset SubmittedAt,
    string SubmittedBy, int Lines, int Renewed);

/// <summary>A U-key of the sender's unit that may go on 附4: its account, holder and end.</summary>
public sealed record RenewableUKey(string AccountName, string HolderName, string SerialNumber, DateTimeOffset NotAfter, string? RegisteredIn);

/// <summary>
/// 附4 (art. 16: "U-key到期后可提交《到期U-key更换登记表》，对其进行登记升级"): a signed-in member of a unit registers the
/// unit's U-keys that are due (each line tied to the account's live certificate, its holder checked against the
/// certificate), prints the pre-filled form, has it signed and sealed and uploads the scan; a 证书业务操作员 of the
/// center 受理s it. Each U-key is then renewed from a new request signed with its old key
/// (<see cref="Renewals"/>), which closes its line; the last line closes the registration.
/// </summary>
public sealed class RenewalRegistrations(AppDbContext db, PersonalDataProtector protector, AttachmentStore attachments, AuditWriter audit, TimeProvider time)
{
    /// <summary>How long before its end a U-key may be registered: from the first expiry reminder on.</summary>
    public const int WindowDays = 60;

    /// <summary>The unit's U-keys that could go on 附4 now, soonest first, with the open registration each is already on.</summary>
    public async Task<IReadOnlyList<RenewableUKey>> RenewableAsync(ClaimsPrincipal sender)
    {
        var unitId = await SenderUnitIdAsync(sender);
        if (unitId is null)
        {
            return [];
        }

        var now = time.GetUtcNow();
        var until = now.AddDays(WindowDays);
        var rows = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.UnitId == unitId && c.Purpose == CertificatePurpose.Person && c.RevokedAt == null && c.RenewedBySerial == null
                && c.NotAfter > now && c.NotAfter <= until && c.StaffUserId != null)
            .Join(db.Users, c => c.StaffUserId, u => u.Id, (c, u) => new { c.SerialNumber, c.NotAfter, c.Subject, u.UserName })
            .OrderBy(c => c.NotAfter).Take(RenewalRegistrationRules.MaxLines).ToListAsync();
        var serials = rows.Select(r => r.SerialNumber).ToList();
        var open = await OpenLinesAsync(serials);
        return [.. rows.Select(r => new RenewableUKey(r.UserName ?? "", HolderName(r.Subject), r.SerialNumber, r.NotAfter, open.GetValueOrDefault(r.SerialNumber)))];
    }

    public async Task<Outcome<RenewalRegistrationView>> SubmitAsync(ClaimsPrincipal sender, RenewalRegistrationForm input, string? clientIp)
    {
        var unitId = await SenderUnitIdAsync(sender);
        if (unitId is null)
        {
            return Outcome<RenewalRegistrationView>.Forbidden("renewal_registration.no_unit", "只有单位的工作人员可以为本单位登记到期U-key更换");
        }

        var (lines, found) = RenewalRegistrationRules.Check(input);
        var errors = found.ToList();
        var now = time.GetUtcNow();
        var unit = await db.Units.AsNoTracking().FirstAsync(u => u.Id == unitId);
        // Account names are matched as sign-in matches them: by Identity's normalised (upper-case) form.
        var accounts = lines.Select(l => l.AccountName.ToUpperInvariant()).Where(a => a.Length > 0).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => accounts.Contains(u.NormalizedUserName!) && u.UnitId == unitId)
            .Select(u => new { u.Id, u.UserName }).ToListAsync();
        var userIds = users.Select(u => u.Id).ToList();
        var live = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.UnitId == unitId && c.Purpose == CertificatePurpose.Person && c.RevokedAt == null && c.RenewedBySerial == null
                && c.NotAfter > now && userIds.Contains(c.StaffUserId!))
            .Select(c => new { c.SerialNumber, c.NotAfter, c.Subject, c.StaffUserId }).ToListAsync();
        var open = await OpenLinesAsync([.. live.Select(c => c.SerialNumber)]);
        var entries = new List<RenewalRegistrationEntry>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var prefix = $"lines[{i}].";
            if (errors.Any(e => e.Field.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            var user = users.FirstOrDefault(u => string.Equals(u.UserName, line.AccountName, StringComparison.OrdinalIgnoreCase));
            // The account's U-key that ends first: the one that is due.
            var certificate = user is null ? null : live.Where(c => c.StaffUserId == user.Id).OrderBy(c => c.NotAfter).FirstOrDefault();
            var refusal = certificate switch
            {
                // One answer for "no such account" and "another unit's": a unit learns nothing about other units' accounts.
                null when user is null => new FieldError(prefix + "accountName", "renewal_registration.account_unknown", "本单位没有该账号"),
                null => new FieldError(prefix + "accountName", "renewal_registration.no_ukey", "该账号没有有效的U-key证书：已过期或已注销的请重新申请（附1）"),
                _ when certificate.NotAfter > now.AddDays(WindowDays) => new FieldError(prefix + "accountName", "renewal_registration.not_due",
                    $"该账号的U-key于 {ProvincialTime.DateOf(certificate.NotAfter):yyyy-MM-dd} 到期，到期前{WindowDays}天内方可登记更换"),
                _ when open.TryGetValue(certificate.SerialNumber, out var registeredIn) => new FieldError(prefix + "accountName",
                    "renewal_registration.already_registered", $"该账号的U-key已在登记表 {registeredIn} 中登记"),
                _ when !SameName(HolderName(certificate.Subject), line.UserName) => new FieldError(prefix + "userName", "renewal_registration.holder_changed",
                    $"使用者与该U-key的持有人（{HolderName(certificate.Subject)}）不一致：更换使用人请提交U-key使用申请（附1）与注销申请（附3）"),
                _ => null,
            };
            if (refusal is not null)
            {
                errors.Add(refusal);
                continue;
            }

            entries.Add(new RenewalRegistrationEntry
            {
                Sequence = line.Sequence!.Value,
                AccountName = user!.UserName!,
                UserNameSealed = protector.Protect(line.UserName),
                PhoneSealed = protector.Protect(line.Phone),
                Remarks = line.Remarks,
                CertificateSerial = certificate!.SerialNumber,
                CertificateNotAfter = certificate.NotAfter,
            });
        }

        if (errors.Count > 0)
        {
            return Outcome<RenewalRegistrationView>.Invalid(errors);
        }

        var registration = new RenewalRegistration
        {
            Number = ApplicationNumber.New(ProvincialTime.Today(time), ApplicationNumber.RenewalPrefix),
            UnitId = unit.Id,
            UnitCode = unit.Uscc,
            OrganisationName = unit.Name,
            State = RenewalRegistrationState.Submitted,
            SubmittedAt = now,
            SubmittedBy = sender.Actor(),
            ClientIp = clientIp,
            Lines = entries,
        };
        db.RenewalRegistrations.Add(registration);
        audit.Stage(db, new AuditRecord(AuditEvent.Credential_RenewalRegistered, AuditOutcome.Success)
        {
            Target = Target(registration),
            UnitCode = unit.Uscc,
            Detail = $"lines={entries.Count};serials={string.Join(',', entries.Select(e => e.CertificateSerial))}",
        });
        await db.SaveChangesAsync();
        await audit.ChainPendingAsync();
        return Outcome<RenewalRegistrationView>.Ok(View(registration));
    }

    /// <summary>A registration with its lines: for its own unit's staff and for the center's credential office (audited as a read of personal data).</summary>
    public async Task<Outcome<RenewalRegistrationView>> ViewAsync(ClaimsPrincipal reader, string? number)
    {
        var registration = await FindAsync(number, tracked: false);
        if (registration is null || !MayRead(reader, registration))
        {
            return NotFound<RenewalRegistrationView>();
        }

        await audit.WriteAsync(new AuditRecord(AuditEvent.Data_CredentialApplicationViewed, AuditOutcome.Success)
        { Target = Target(registration), UnitCode = registration.UnitCode, ResultCount = registration.Lines.Count });
        return Outcome<RenewalRegistrationView>.Ok(View(registration));
    }

    public async Task<IReadOnlyList<RenewalRegistrationSummary>> ListAsync(ClaimsPrincipal reader)
    {
        var query = db.RenewalRegistrations.AsNoTracking();
        if (!IsOffice(reader))
        {
            var unitId = await SenderUnitIdAsync(reader);
            query = query.Where(r => r.UnitId == unitId);
        }

        // The list shows no line's personal data: only counts and states.
        var rows = await query.OrderByDescending(r => r.Id).Take(200)
            .Select(r => new { r.Number, r.State, r.OrganisationName, r.SubmittedAt, r.SubmittedBy, Lines = r.Lines.Count, Renewed = r.Lines.Count(l => l.RenewedSerial != null) })
            .ToListAsync();
        return [.. rows.Select(r => new RenewalRegistrationSummary(r.Number, StateName(r.State), Label(r.State), r.OrganisationName, r.SubmittedAt, r.SubmittedBy,
            r.Lines, r.Renewed))];
    }

    /// <summary>The pre-filled 附4 to print, sign and seal (the unit's own staff or the office).</summary>
    public async Task<(byte[]? Pdf, string? Number)> FormAsync(ClaimsPrincipal reader, string? number)
    {
        var registration = await FindAsync(number, tracked: false);
        return registration is null || !MayRead(reader, registration) ? (null, null)
            : (Documents.CredentialForms.RenderRenewal(View(registration), ProvincialTime.DateOf(registration.SubmittedAt)), registration.Number);
    }

    public async Task<Outcome<RenewalRegistrationView>> UploadScanAsync(ClaimsPrincipal sender, string? number, AttachmentUpload scan)
    {
        var registration = await FindAsync(number, tracked: true);
        if (registration is null || !MayRead(sender, registration) || IsOffice(sender) && !IsOwnUnit(sender, registration))
        {
            return NotFound<RenewalRegistrationView>();
        }

        if (registration.State is not (RenewalRegistrationState.Submitted or RenewalRegistrationState.ScanUploaded))
        {
            return Outcome<RenewalRegistrationView>.Conflict("renewal_registration.state", $"登记表当前状态为“{Label(registration.State)}”，不能再更换扫描件");
        }

        if (attachments.Check(scan, "scan") is { } error)
        {
            return Outcome<RenewalRegistrationView>.Invalid(error);
        }

        await attachments.SaveAsync([scan], async stored =>
        {
            var file = stored[0];
            registration.ScanFileName = file.FileName;
            registration.ScanContentType = file.ContentType;
            registration.ScanSize = file.Size;
            registration.ScanSha256 = file.Sha256;
            registration.ScanStoredName = file.StoredName;
            registration.ScanUploadedAt = time.GetUtcNow();
            registration.State = RenewalRegistrationState.ScanUploaded;
            audit.Stage(db, new AuditRecord(AuditEvent.Credential_RenewalScanUploaded, AuditOutcome.Success)
            { Target = Target(registration), UnitCode = registration.UnitCode, Detail = $"sha256={file.Sha256};type={file.ContentType}" });
            await db.SaveChangesAsync();
        });
        await audit.ChainPendingAsync();
        return Outcome<RenewalRegistrationView>.Ok(View(registration));
    }

    /// <summary>受理: a 证书业务操作员 of the center, not of the registering unit, agrees (the U-keys may be renewed) or refuses with a reason.</summary>
    public async Task<Outcome<RenewalRegistrationView>> AcceptAsync(ClaimsPrincipal actor, string? number, ReviewDecision decision)
    {
        var registration = await FindAsync(number, tracked: true);
        if (registration is null)
        {
            return NotFound<RenewalRegistrationView>();
        }

        var reviewer = CredentialApplications.Reviewer(actor);
        // The same rule as 附1's 受理, with the registration's sender as the applicant.
        var refusal = ApplicationReview.CheckAcceptance(registration.State == RenewalRegistrationState.ScanUploaded ? ApplicationState.ScanUploaded : ApplicationState.Submitted,
            reviewer, registration.SubmittedBy, registration.UnitCode);
        if (refusal?.Code == "application.state")
        {
            refusal = new FieldError("state", "renewal_registration.state", $"登记表当前状态为“{Label(registration.State)}”，不能受理");
        }

        refusal ??= CredentialApplications.OpinionError(decision);
        if (refusal is not null)
        {
            await audit.WriteAsync(new AuditRecord(AuditEvent.Credential_ReviewRefused, AuditOutcome.Refused)
            { Target = Target(registration), UnitCode = registration.UnitCode, Detail = $"step=renewal_accept;{refusal.Code}" });
            return refusal.Field switch
            {
                "actor" => Outcome<RenewalRegistrationView>.Forbidden(refusal.Code, refusal.Message),
                "state" => Outcome<RenewalRegistrationView>.Conflict(refusal.Code, refusal.Message),
                _ => Outcome<RenewalRegistrationView>.Invalid(refusal),
            };
        }

        registration.State = decision.Agree ? RenewalRegistrationState.Accepted : RenewalRegistrationState.Refused;
        registration.AcceptedBy = actor.Actor();
        registration.AcceptedAt = time.GetUtcNow();
        registration.Opinion = decision.Opinion?.Trim() is { Length: > 0 } opinion ? opinion : "同意";
        audit.Stage(db, new AuditRecord(decision.Agree ? AuditEvent.Credential_RenewalRegistrationAccepted : AuditEvent.Credential_RenewalRegistrationRefused,
            AuditOutcome.Success)
        { Target = Target(registration), UnitCode = registration.UnitCode, Detail = registration.Opinion });
        await db.SaveChangesAsync();
        await audit.ChainPendingAsync();
        return Outcome<RenewalRegistrationView>.Ok(View(registration));
    }

    /// <summary>
    /// Called by a renewal in its own transaction: the line of an accepted registration that names the renewed U-key is
    /// closed, and the registration with it once no line is open. Returns the registration's number, or null.
    /// </summary>
    public static async Task<string?> CloseLineAsync(AppDbContext db, string oldSerial, string newSerial, DateTimeOffset now)
    {
        var line = await db.RenewalRegistrationEntries
            .Where(l => l.CertificateSerial == oldSerial && l.RenewedSerial == null)
            .Join(db.RenewalRegistrations.Where(r => r.State == RenewalRegistrationState.Accepted), l => l.RegistrationId, r => r.Id, (l, r) => new { Line = l, r.Number, r.Id })
            .FirstOrDefaultAsync();
        if (line is null)
        {
            return null;
        }

        line.Line.RenewedSerial = newSerial;
        line.Line.RenewedAt = now;
        var stillOpen = await db.RenewalRegistrationEntries.CountAsync(l => l.RegistrationId == line.Id && l.RenewedSerial == null && l.Id != line.Line.Id);
        if (stillOpen == 0)
        {
            await db.RenewalRegistrations.Where(r => r.Id == line.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, RenewalRegistrationState.Completed).SetProperty(r => r.CompletedAt, now));
        }

        return line.Number;
    }

    public static string StateName(RenewalRegistrationState state) => state switch
    {
        RenewalRegistrationState.Submitted => "submitted",
        RenewalRegistrationState.ScanUploaded => "scan_uploaded",
        RenewalRegistrationState.Accepted => "accepted",
        RenewalRegistrationState.Refused => "refused",
        _ => "completed",
    };

    public static string Label(RenewalRegistrationState state) => state switch
    {
        RenewalRegistrationState.Submitted => "已登记，待上传盖章扫描件",
        RenewalRegistrationState.ScanUploaded => "待受理",
        RenewalRegistrationState.Accepted => "已受理，待更换证书",
        RenewalRegistrationState.Refused => "不予受理",
        _ => "已全部更换",
    };

    /// <summary>The holder's name in a U-key certificate's subject (CN).</summary>
    public static string HolderName(string subject) =>
        new X500DistinguishedName(subject).EnumerateRelativeDistinguishedNames().Where(n => n.GetSingleElementType().Value == "2.5.4.3")
            .Select(n => n.GetSingleElementValue()).FirstOrDefault() ?? "";

    private static bool SameName(string a, string b) =>
        string.Equals(a.Replace(" ", "", StringComparison.Ordinal), b.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

    private async Task<Dictionary<string, string>> OpenLinesAsync(List<string> serials) =>
        (await db.RenewalRegistrationEntries.AsNoTracking()
            .Where(l => serials.Contains(l.CertificateSerial) && l.RenewedSerial == null)
            .Join(db.RenewalRegistrations.Where(r => r.State != RenewalRegistrationState.Refused && r.State != RenewalRegistrationState.Completed),
                l => l.RegistrationId, r => r.Id, (l, r) => new { l.CertificateSerial, r.Number })
            .ToListAsync())
        .GroupBy(x => x.CertificateSerial).ToDictionary(g => g.Key, g => g.First().Number);

    private async Task<int?> SenderUnitIdAsync(ClaimsPrincipal sender) =>
        sender.UserId() is { } userId ? await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => (int?)u.UnitId).FirstOrDefaultAsync() : null;

    private static bool IsOffice(ClaimsPrincipal reader) =>
        reader.IsInRole(Core.Accounts.StaffRoles.CertificateOperator) || reader.IsInRole(Core.Accounts.StaffRoles.SecurityAdmin);

    private static bool IsOwnUnit(ClaimsPrincipal reader, RenewalRegistration registration) =>
        string.Equals(reader.UnitCode(), registration.UnitCode, StringComparison.Ordinal);

    // A unit's staff see their own unit's; the credential office sees all. Anyone else is told it does not exist.
    private static bool MayRead(ClaimsPrincipal reader, RenewalRegistration registration) => IsOffice(reader) || IsOwnUnit(reader, registration);

    private async Task<RenewalRegistration?> FindAsync(string? number, bool tracked)
    {
        if (ApplicationNumber.Parse(number, ApplicationNumber.RenewalPrefix) is not { } canonical)
        {
            return null;
        }

        var query = db.RenewalRegistrations.Include(r => r.Lines);
        return await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(r => r.Number == canonical);
    }

    private static Outcome<T> NotFound<T>() => Outcome<T>.NotFound("renewal_registration.not_found", "登记表编号不存在，请核对编号（如 GH20261201-XXXXXXXXXX-X）");

    private RenewalRegistrationView View(RenewalRegistration r) =>
        new(r.Number, StateName(r.State), Label(r.State), r.UnitCode, r.OrganisationName, r.SubmittedAt, r.SubmittedBy, r.ScanUploadedAt is not null,
            r.AcceptedBy, r.AcceptedAt, r.Opinion, r.CompletedAt,
            [.. r.Lines.OrderBy(l => l.Sequence).Select(l => new RenewalLineView(l.Sequence, l.AccountName, protector.Unprotect(l.UserNameSealed),
                protector.Unprotect(l.PhoneSealed), l.Remarks, l.CertificateSerial, l.CertificateNotAfter, l.RenewedSerial, l.RenewedAt))]);

    private static string Target(RenewalRegistration r) => $"renewal_registration:{r.Number}";
}
