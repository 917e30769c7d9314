using System.Globalization;
using CreditShare.Core.Credentials;
using PdfSharp.Pdf;
using Cell = CreditShare.Web.Documents.ReportPdf.FormCell;

namespace CreditShare.Web.Documents;

/// <summary>
/// The paper forms of a U-key application, filled in from what was entered online: page 1 is 附1 (使用申请表), page 2 is
/// 附2 (经办人授权书), laid out as in the regulation's appendix. What is signed and sealed by hand (the user's
/// confirmation, the leader's signature, the unit's seal, their dates) and the center's 受理审批 block are left blank;
/// the application number is printed and as a QR code on both pages, so the uploaded scan finds its application.
/// Personal data is printed in full: it is the applicant's own form.
/// </summary>
public static class CredentialForms
{
    private const string Checked = "☑";
    private const string Unchecked = "☐";

    public static byte[] Render(CredentialApplicationForm form, string applicationNumber, DateOnly applicationDay)
    {
        ArgumentNullException.ThrowIfNull(form);
        ReportPdf.EnsureFonts();
        using var document = new PdfDocument();
        document.Info.Title = $"U-key使用申请表 {applicationNumber}";
        document.Info.Subject = form.OrganisationName;
        document.Info.Creator = "CreditShare 公共信用信息共享平台";
        var writer = new ReportPdf.Writer(document, $"申请编号 {applicationNumber} · 请打印、由本单位主管领导签字并加盖公章后扫描上传");
        ApplicationForm(writer, form, applicationNumber, applicationDay);
        writer.PageBreak();
        Authorisation(writer, form, applicationNumber, applicationDay);
        if (form.Replaces is { } replaces)
        {
            // Art. 16: a change hands in 附3 for the U-key it replaces together with 附1 and 附2.
            writer.PageBreak();
            Cancellation(writer, replaces, applicationNumber, applicationDay);
        }

        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static void Header(ReportPdf.Writer writer, string appendix, string title, string applicationNumber, DateOnly applicationDay,
        string numberLabel = "申请编号")
    {
        writer.Line(appendix, 12, bold: true);
        writer.Line($"{numberLabel}：{applicationNumber}", 9);
        writer.Line($"填表日期：{applicationDay.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}", 9);
        // Top right, beside the lines above; the title starts below it.
        writer.QrCode(applicationNumber);
        writer.Centered(title, 16, bold: true);
    }

    private static void ApplicationForm(ReportPdf.Writer writer, CredentialApplicationForm form, string applicationNumber, DateOnly applicationDay)
    {
        Header(writer, "附1", "宁夏信用信息共享平台U-key使用申请表", applicationNumber, applicationDay);
        writer.Line("*请用钢笔或黑色签字笔如实、准确、清晰填写。", 9);
        writer.Gap(4);

        writer.Line("1. 申请机构信息", 12, bold: true);
        writer.Row(new Cell("机构名称：", Cell.Rest, form.OrganisationName));
        writer.Row(new Cell("统一社会信用代码：", Cell.Rest, form.UnitCode));
        // The paper puts 邮政编码 on the address line; an address too long for it gets the line to itself.
        if (writer.TextWidth(form.Address, 9) <= 270)
        {
            writer.Row(new Cell("通信地址：", 285, form.Address), Cell.Space(12), new Cell("邮政编码：", Cell.Rest, form.PostalCode));
        }
        else
        {
            writer.Row(new Cell("通信地址：", Cell.Rest, form.Address));
            writer.Row(new Cell("邮政编码：", 120, form.PostalCode));
        }

        writer.Row(new Cell("使用人姓名：", 175, form.UserName), Cell.Space(12), new Cell("办公电话：", Cell.Rest, form.OfficePhone));
        writer.Row(new Cell("手　　机：", 175, form.Mobile), Cell.Space(12), new Cell("电子邮箱：", Cell.Rest, form.Email));
        writer.Row(
            new Cell($"使用人证件类型：{Box(form.IdType == IdDocumentType.IdCard)} 身份证  {Box(form.IdType == IdDocumentType.Other)} 其他"),
            Cell.Space(12),
            new Cell("证件号码：", Cell.Rest, form.IdNumber));
        writer.Gap(6);

        writer.Line("2. 申请信息", 12, bold: true);
        writer.Row(Cell.Space(21), new Cell("申请数量：", 40, form.Quantity.ToString(CultureInfo.InvariantCulture)), new Cell(" 个"));
        writer.Row(Cell.Space(21), new Cell($"证书有效期：{Box(form.ValidityMonths == 24)} 24个月    {Box(form.ValidityMonths == 48)} 48个月"));
        writer.Row(Cell.Space(21), new Cell("申请账号：", 150, form.AccountName), Cell.Space(12), new Cell("申请角色：", Cell.Rest, string.Join("、", form.Roles)));
        writer.Row(Cell.Space(21), new Cell("接收方式："));
        writer.Row(Cell.Space(42), new Cell($"{Box(form.Delivery == DeliveryMethod.Post)} 邮寄给使用人（按以上联系方式）"));
        writer.Row(Cell.Space(42), new Cell($"{Box(form.Delivery == DeliveryMethod.Collect)} 现场领取（经办人携带本人身份证）"));
        writer.Gap(4);
        writer.Row(Cell.Space(21), new Cell("使用人确认（签名）：", 150));
        DateLine(writer, 21, "日　　期：");
        writer.Gap(8);
        writer.Row(Cell.Space(21), new Cell("申请机构领导（签字）：", 110), Cell.Space(30), new Cell("申请机构（盖章）："));
        // Room for the signature and for the seal (a 4 cm stamp).
        writer.Gap(52);
        writer.Row(
            Cell.Space(21), new Cell("申请日期：", 40), new Cell("年", 28), new Cell("月", 28), new Cell("日"),
            Cell.Space(72), new Cell("申请日期：", 40), new Cell("年", 28), new Cell("月", 28), new Cell("日"));
        writer.Gap(8);

        writer.Rule();
        writer.Line("3. 受理审批（受理单位填写）", 12, bold: true);
        writer.Row(Cell.Space(21), new Cell($"受理意见：{Unchecked} 同意        {Unchecked} 不同意"));
        writer.Row(Cell.Space(21), new Cell("受理机构（盖章）：", 150), Cell.Space(30), new Cell("日期：", 120));
        writer.Row(Cell.Space(21), new Cell("证书业务操作员（签名）：", 150));
        writer.Row(Cell.Space(21), new Cell("审核：", 150), Cell.Space(30), new Cell("日期：", 120));
    }

    private static void Authorisation(ReportPdf.Writer writer, CredentialApplicationForm form, string applicationNumber, DateOnly applicationDay)
    {
        Header(writer, "附2", "宁夏信用信息共享平台U-key申请经办人授权书", applicationNumber, applicationDay);
        writer.Gap(16);
        writer.Row(11, Cell.Space(22), new Cell("我机构授权本单位", 90, form.AgentName), new Cell("为宁夏信用信息共享平台U-key申请经办人，"));
        writer.Row(11, new Cell("代表本机构办理相关事宜，特此授权。"));
        writer.Gap(16);
        writer.Line("被授权人信息：", 11);
        writer.Row(11, new Cell("所在部门：", 240, form.AgentDepartment));
        writer.Row(11, new Cell("联系电话：", 240, form.AgentPhone));
        writer.Row(11, new Cell("手　　机：", 240, form.AgentMobile));
        writer.Row(11, new Cell("电子邮箱：", 240, form.AgentEmail));
        writer.Gap(60);
        writer.Row(11, Cell.Space(250), new Cell("单位名称：", Cell.Rest, form.OrganisationName));
        writer.Row(11, Cell.Space(250), new Cell("单位（盖章）"));
        writer.Gap(52);
        writer.Row(11, Cell.Space(250), new Cell("", 40), new Cell("年", 28), new Cell("月", 28), new Cell("日"));
    }

    private static void Cancellation(ReportPdf.Writer writer, CertificateReplacement replaces, string applicationNumber, DateOnly applicationDay)
    {
        Header(writer, "附3", "宁夏信用信息共享平台U-key注销申请书", applicationNumber, applicationDay);
        writer.Gap(16);
        writer.Line("我确认：", 11);
        writer.Line("我已经领用宁夏社会信用服务中心提供的数字证书产品，信息如下：", 11);
        writer.Row(11, new Cell("姓　　名：", 240, replaces.HolderName));
        writer.Row(11, new Cell("联系电话：", 240, replaces.HolderPhone));
        writer.Row(11, new Cell("U-key序列号：", 300, replaces.SerialNumber));
        writer.Line("注销此U-key的原因：", 11);
        var reason = replaces.Reason;
        writer.Line($"{Box(reason is CancellationReason.Lost or CancellationReason.Damaged)} U-key丢失或损坏", 11);
        writer.Line($"{Box(reason == CancellationReason.ForgottenPin)} 丢失或遗忘U-key密码", 11);
        writer.Line($"{Box(reason == CancellationReason.UserInformationChanged)} U-key用户信息变更", 11);
        writer.Line($"{Box(reason == CancellationReason.NoLongerUsed)} 终止使用", 11);
        writer.Row(11, new Cell($"{Box(reason == CancellationReason.Other)} 其他", 240, reason == CancellationReason.Other ? replaces.ReasonText ?? "" : ""));
        writer.Gap(60);
        writer.Row(11, Cell.Space(250), new Cell("单位（盖章）"));
        writer.Gap(52);
        writer.Row(11, Cell.Space(250), new Cell("", 40), new Cell("年", 28), new Cell("月", 28), new Cell("日"));
    }

    /// <summary>
    /// 附4 (到期U-key更换登记表) pre-filled with the registered lines, at least the paper's ten. The 用户口令 column stays
    /// as on the paper but is never filled: the PIN is reset when the U-key is renewed, not written on a form.
    /// </summary>
    public static byte[] RenderRenewal(Features.Credentials.RenewalRegistrationView registration, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ReportPdf.EnsureFonts();
        using var document = new PdfDocument();
        document.Info.Title = $"到期U-key更换登记表 {registration.Number}";
        document.Info.Subject = registration.OrganisationName;
        document.Info.Creator = "CreditShare 公共信用信息共享平台";
        var writer = new ReportPdf.Writer(document, $"登记编号 {registration.Number} · 请打印、加盖单位公章后扫描上传");
        Header(writer, "附4", "宁夏信用信息共享平台到期U-key更换登记表", registration.Number, day, "登记编号");
        writer.Gap(8);
        writer.Row(new Cell("单位名称（盖章）：", Cell.Rest, registration.OrganisationName));
        writer.Gap(6);
        double[] widths = [34, 96, 70, 80, 100];
        Cell[] Line(string sequence, string account, string pin, string user, string phone, string remarks, bool underlined) =>
        [
            new Cell("", widths[0], sequence, underlined), Cell.Space(6), new Cell("", widths[1], account, underlined), Cell.Space(6),
            new Cell("", widths[2], pin, underlined), Cell.Space(6), new Cell("", widths[3], user, underlined), Cell.Space(6),
            new Cell("", widths[4], phone, underlined), Cell.Space(6), new Cell("", Cell.Rest, remarks, underlined),
        ];
        writer.Row(Line("序号", "账号", "用户口令", "使用者", "联系电话", "备注", underlined: false));
        foreach (var line in registration.Lines)
        {
            writer.Row(Line(line.Sequence.ToString(CultureInfo.InvariantCulture), line.AccountName, "更换时重置", line.UserName, line.Phone,
                line.Remarks ?? $"证书 {line.CertificateSerial}，{Core.ProvincialTime.DateOf(line.CertificateNotAfter):yyyy-MM-dd} 到期", underlined: true));
        }

        for (var blank = registration.Lines.Count; blank < 10; blank++)
        {
            writer.Row(Line((blank + 1).ToString(CultureInfo.InvariantCulture), "", "", "", "", "", underlined: true));
        }

        writer.Gap(10);
        writer.Line("说明：用户口令不在本表填写，U-key更换时由使用人现场重置。", 9);
        writer.Gap(40);
        writer.Row(11, Cell.Space(250), new Cell("单位（盖章）"));
        writer.Gap(52);
        writer.Row(11, Cell.Space(250), new Cell("", 40), new Cell("年", 28), new Cell("月", 28), new Cell("日"));
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static void DateLine(ReportPdf.Writer writer, double indent, string label) =>
        writer.Row(Cell.Space(indent), new Cell(label, 40), new Cell("年", 28), new Cell("月", 28), new Cell("日"));

    private static string Box(bool isChecked) => isChecked ? Checked : Unchecked;
}
