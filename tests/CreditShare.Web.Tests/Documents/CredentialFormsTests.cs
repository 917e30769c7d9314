using CreditShare.Core.Credentials;
using CreditShare.Web.Documents;
using CreditShare.Web.Tests.Features.Public;
using PdfSharp.Pdf.IO;

namespace CreditShare.Web.Tests.Documents;

public class CredentialFormsTests
{
    private const string Number = "UK20261201-7K3M9Q2WXD-P";
    private static readonly DateOnly Day = new(2026, 12, 1);

    internal static CredentialApplicationForm Form() => new()
    {
        OrganisationName = "宁夏回族自治区市场监督管理厅",
        UnitCode = "11640000MB1578246Q",
        Address = "银川市金凤区北京中路168号",
        PostalCode = "750002",
        UserName = "张晓梅",
        OfficePhone = "0951-5061234",
        Mobile = "13909512345",
        Email = "zhangxm@scjg.nx.gov.cn",
        IdType = IdDocumentType.IdCard,
        IdNumber = "11010519491231002X",
        Quantity = 2,
        ValidityMonths = 48,
        Delivery = DeliveryMethod.Collect,
        AgentName = "马建国",
        AgentDepartment = "信用监管处",
        AgentPhone = "0951-5065678",
        AgentMobile = "13895012345",
        AgentEmail = "majg@scjg.nx.gov.cn",
        AccountName = "zhangxm",
        Roles = ["报送员", "使用单位查询员"],
        AcceptedTermsVersion = "2026-11",
    };

    private static (int Pages, string[] PageTexts) Read(byte[] pdf)
    {
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var pages = new string[document.PageCount];
        for (var i = 0; i < pages.Length; i++)
        {
            using var single = new PdfSharp.Pdf.PdfDocument();
            single.AddPage(document.Pages[i]);
            using var stream = new MemoryStream();
            single.Save(stream, false);
            pages[i] = PdfText.Extract(stream.ToArray());
        }

        return (document.PageCount, pages);
    }

    [Fact]
    public void Two_a4_pages_the_application_form_and_the_authorisation()
    {
        var pdf = CredentialForms.Render(Form(), Number, Day);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        using (var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import))
        {
            Assert.Equal(2, document.PageCount);
            foreach (var page in document.Pages)
            {
                Assert.Equal((595, 842), ((int)Math.Round(page.Width.Point), (int)Math.Round(page.Height.Point)));
            }
        }

        var (_, pages) = Read(pdf);
        Assert.Contains("宁夏信用信息共享平台U-key使用申请表", pages[0], StringComparison.Ordinal);
        Assert.Contains("附1", pages[0], StringComparison.Ordinal);
        Assert.Contains("宁夏信用信息共享平台U-key申请经办人授权书", pages[1], StringComparison.Ordinal);
        Assert.Contains("附2", pages[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Both_pages_carry_the_number_and_the_instruction_to_sign_and_seal()
    {
        var (_, pages) = Read(CredentialForms.Render(Form(), Number, Day));
        Assert.All(pages, text =>
        {
            Assert.Contains(Number, text, StringComparison.Ordinal);
            Assert.Contains("请打印、由本单位主管领导签字并加盖公章后扫描上传", text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_form_is_filled_in_with_the_applicants_values_in_full()
    {
        var (_, pages) = Read(CredentialForms.Render(Form(), Number, Day));
        foreach (var value in new[]
        {
            "宁夏回族自治区市场监督管理厅", "11640000MB1578246Q", "银川市金凤区北京中路168号", "750002", "张晓梅", "0951-5061234",
            "13909512345", "zhangxm@scjg.nx.gov.cn", "11010519491231002X", "zhangxm", "报送员、使用单位查询员",
        })
        {
            Assert.Contains(value, pages[0], StringComparison.Ordinal);
        }

        foreach (var value in new[] { "马建国", "信用监管处", "0951-5065678", "13895012345", "majg@scjg.nx.gov.cn" })
        {
            Assert.Contains(value, pages[1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_chosen_boxes_are_checked_and_the_others_not()
    {
        var text = Read(CredentialForms.Render(Form(), Number, Day)).PageTexts[0];
        Assert.Contains("☐ 24个月", text, StringComparison.Ordinal);
        Assert.Contains("☑ 48个月", text, StringComparison.Ordinal);
        Assert.Contains("☑ 身份证", text, StringComparison.Ordinal);
        Assert.Contains("☐ 其他", text, StringComparison.Ordinal);
        Assert.Contains("☐ 邮寄给使用人", text, StringComparison.Ordinal);
        Assert.Contains("☑ 现场领取", text, StringComparison.Ordinal);

        var other = Read(CredentialForms.Render(Form() with { ValidityMonths = 24, IdType = IdDocumentType.Other, IdNumber = "E12345678", Delivery = DeliveryMethod.Post }, Number, Day)).PageTexts[0];
        Assert.Contains("☑ 24个月", other, StringComparison.Ordinal);
        Assert.Contains("☐ 48个月", other, StringComparison.Ordinal);
        Assert.Contains("☐ 身份证", other, StringComparison.Ordinal);
        Assert.Contains("☑ 其他", other, StringComparison.Ordinal);
        Assert.Contains("☑ 邮寄给使用人", other, StringComparison.Ordinal);
        Assert.Contains("☐ 现场领取", other, StringComparison.Ordinal);
    }

    [Fact]
    public void What_is_signed_by_hand_and_the_centers_block_are_left_blank()
    {
        var text = Read(CredentialForms.Render(Form(), Number, Day)).PageTexts[0];
        foreach (var label in new[] { "使用人确认（签名）", "申请机构领导（签字）", "申请机构（盖章）", "受理审批（受理单位填写）", "证书业务操作员（签名）" })
        {
            Assert.Contains(label, text, StringComparison.Ordinal);
        }

        Assert.Contains("受理意见：☐ 同意", text, StringComparison.Ordinal);
        Assert.DoesNotContain("☑ 同意", text, StringComparison.Ordinal);
        Assert.DoesNotContain("☑ 不同意", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_address_is_printed_in_full()
    {
        var address = "宁夏回族自治区银川市金凤区北京中路与亲水大街交叉口东南角宁夏政务服务中心大楼十二层一二零八室信用监管处收";
        var text = Read(CredentialForms.Render(Form() with { Address = address }, Number, Day)).PageTexts[0];
        Assert.Contains(address, text.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("750002", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_personnel_change_adds_form_3_for_the_replaced_u_key_with_its_reason_ticked()
    {
        var form = Form() with
        {
            Replaces = new CertificateReplacement { HolderName = "王建军", HolderPhone = "0951-5069999", SerialNumber = "4A1F00C3D2", Reason = CancellationReason.UserInformationChanged },
        };
        var (count, pages) = Read(CredentialForms.Render(form, Number, Day));
        Assert.Equal(3, count);
        var cancellation = pages[2];
        Assert.Contains("附3", cancellation, StringComparison.Ordinal);
        Assert.Contains("宁夏信用信息共享平台U-key注销申请书", cancellation, StringComparison.Ordinal);
        foreach (var value in new[] { "王建军", "0951-5069999", "4A1F00C3D2", Number })
        {
            Assert.Contains(value, cancellation, StringComparison.Ordinal);
        }

        Assert.Contains("☑ U-key用户信息变更", cancellation, StringComparison.Ordinal);
        Assert.Contains("☐ U-key丢失或损坏", cancellation, StringComparison.Ordinal);
        Assert.Contains("☐ 终止使用", cancellation, StringComparison.Ordinal);

        var damaged = Read(CredentialForms.Render(form with { Replaces = form.Replaces with { Reason = CancellationReason.Damaged } }, Number, Day)).PageTexts[2];
        Assert.Contains("☑ U-key丢失或损坏", damaged, StringComparison.Ordinal);
        Assert.Equal(2, Read(CredentialForms.Render(Form(), Number, Day)).Pages);
    }
}
