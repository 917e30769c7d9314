using CreditShare.Core;
using CreditShare.Web.Documents;
using PdfSharp.Pdf;

namespace CreditShare.Web.Features.Public;

/// <summary>
/// Lays out a credit report as an A4 PDF: the subject's public information as of one moment, the report number and
/// verification code on every page, and a QR code pointing at the public verification page.
/// </summary>
public static class CreditReportPdf
{
    public static byte[] Render(PublicSubject subject, string number, string code, DateTimeOffset issuedAt, string verifyUrl)
    {
        ReportPdf.EnsureFonts();
        using var document = new PdfDocument();
        document.Info.Title = $"信用报告 {number}";
        document.Info.Subject = subject.Name;
        document.Info.Creator = "CreditShare 公共信用信息共享平台";
        var writer = new ReportPdf.Writer(document, $"报告编号 {number} · 验证码 {code}");
        writer.Line("信用报告", 20, bold: true);
        writer.Line($"报告编号：{number}    验证码：{code}", 10);
        writer.Line($"出具时间：{ProvincialTime.ToBeijing(issuedAt):yyyy年M月d日 HH:mm}（北京时间）", 10);
        writer.QrCode(verifyUrl);
        writer.Gap(6);
        writer.Line(subject.Name, 16, bold: true);
        writer.Pair("统一社会信用代码", subject.Code);
        writer.Pair("主体类型", subject.Type);
        if (subject.Region.Length > 0)
        {
            writer.Pair("登记地", subject.Region);
        }

        foreach (var field in subject.BasicInformation.Where(f => f.Code is not "JC_MC" and not "JC_SHXYM"))
        {
            writer.Pair(field.Label, field.Value);
        }

        foreach (var section in subject.Sections)
        {
            writer.Gap(8);
            writer.Line($"{section.Name}（{section.Records.Count}）", 13, bold: true);
            if (section.Records.Count == 0)
            {
                writer.Line("查询期内无相关信息", 10);
            }

            foreach (var record in section.Records)
            {
                writer.Rule();
                foreach (var field in record.Fields)
                {
                    writer.Pair(field.Label, field.Value);
                }

                writer.Pair("数据来源", record.SourceUnit);
            }
        }

        writer.Gap(10);
        writer.Line($"本报告记载截至出具时公示期内的公共信用信息。可在 {verifyUrl} 核验报告真伪，或扫描首页二维码。", 9);
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }
}
