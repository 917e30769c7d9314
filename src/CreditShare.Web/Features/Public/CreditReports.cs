using System.Security.Cryptography;
using CreditShare.Core;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Features.Public;

public sealed record IssuedReport(string Number, string VerificationCode, string FileName, byte[] Pdf);

public sealed record ReportVerification(string Number, DateTimeOffset IssuedAt, string SubjectCode, string SubjectName, string Sha256, bool? FileMatches);

/// <summary>
/// Issues credit reports (信用报告) from the public register and answers whether one is genuine (art. 12): a report
/// number and its verification code identify it, and the SHA-256 of the file as issued catches any edit.
/// </summary>
public sealed class CreditReports(AppDbContext db, PublicRegister register, AuditWriter audit, TimeProvider time)
{
    // No 0/O, 1/I/L: codes are read off paper and typed in.
    private const string CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    public async Task<IssuedReport?> IssueAsync(string subjectCode, string verifyBaseUrl)
    {
        var subject = await register.FindAsync(subjectCode);
        if (subject is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var number = $"XYBG{ProvincialTime.ToBeijing(now):yyyyMMdd}{RandomNumberGenerator.GetString("0123456789", 10)}";
        var code = RandomNumberGenerator.GetString(CodeAlphabet, 8);
        var pdf = CreditReportPdf.Render(subject, number, code, now, $"{verifyBaseUrl.TrimEnd('/')}/public/reports/verify?number={number}&code={code}");
        db.CreditReports.Add(new CreditReport
        {
            Number = number,
            VerificationCode = code,
            SubjectCode = subject.Code,
            SubjectName = subject.Name,
            IssuedAt = now,
            Sha256 = Core.Crypto.ContentDigest.Hex(pdf),
        });
        await db.SaveChangesAsync();
        // Public information, so not who asked: how many reports, from which address (the writer adds it).
        await audit.WriteAsync(new AuditRecord(AuditEvent.Public_ReportIssued, AuditOutcome.Success) { Target = $"report:{number}", Detail = $"subject={subject.Code}" });
        return new IssuedReport(number, code, $"信用报告_{number}_{code}.pdf", pdf);
    }

    /// <summary>A genuine number and code give the report's facts; with a file, also whether it is the file issued.</summary>
    public async Task<ReportVerification?> VerifyAsync(string? number, string? code, byte[]? file = null)
    {
        var wanted = (number ?? "").Trim().ToUpperInvariant();
        var given = (code ?? "").Trim().ToUpperInvariant();
        var report = wanted.Length is > 0 and <= 40 ? await db.CreditReports.AsNoTracking().FirstOrDefaultAsync(r => r.Number == wanted) : null;
        if (report is null || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(report.VerificationCode), System.Text.Encoding.ASCII.GetBytes(given)))
        {
            return null;
        }

        bool? matches = file is null ? null : Core.Crypto.ContentDigest.Hex(file) == report.Sha256;
        return new ReportVerification(report.Number, report.IssuedAt, report.SubjectCode, report.SubjectName, report.Sha256, matches);
    }
}
