namespace CreditShare.Core.Catalog;

/// <summary>
/// The older national 双公示 layouts departments' systems still export (STANDARDS.md "Real exports"): the 2016 (试行)
/// field set and the 2019 upload template, each mapped onto today's fields. Shipped with the built-in catalog; the
/// center may edit them like any catalog data.
/// </summary>
public static class NationalTemplates
{
    private const string Label2016 = "2016年（试行）数据标准";
    private const string Label2019 = "2019年全国报送模板";

    /// <summary>The 2016 party columns: one 代码 column per kind of code, the fifth the ID card number.</summary>
    private static IEnumerable<TemplateColumn> Party2016(string p) =>
    [
        new($"{p}_XDR_MC", "行政相对人名称", $"{p}_XDR_MC"),
        new($"{p}_XDR_SHDM", "行政相对人代码_1(统一社会信用代码)", $"{p}_XDR_SHXYM"),
        new($"{p}_XDR_ZDM", "行政相对人代码_2(组织机构代码)", $"{p}_XDR_ZZJG"),
        new($"{p}_XDR_GSDJ", "行政相对人代码_3(工商登记码)", $"{p}_XDR_GSZC"),
        new($"{p}_XDR_SWDJ", "行政相对人代码_4(税务登记号)", $"{p}_XDR_SWDJ"),
        new($"{p}_XDR_SFZ", "行政相对人代码_5(居民身份证号)", $"{p}_XDR_ZJHM", new ImpliedValue($"{p}_XDR_ZJLX", "身份证")),
        new($"{p}_FR", "法定代表人姓名", $"{p}_FRDB"),
    ];

    /// <summary>Columns of 2016 that today's catalog has no field for: kept with the record as received.</summary>
    private static IEnumerable<TemplateColumn> Bookkeeping2016(string p) =>
    [
        new($"{p}_ZT", "当前状态", null),
        new("DFBM", "地方编码", null),
        new("SJC", "数据更新时间戳", null),
        new("BZ", "备注", "BZ"),
    ];

    public static TemplateLayout Penalty2016 { get; } = new()
    {
        Name = "2016",
        Label = Label2016,
        InfersSubjectType = true,
        Columns =
        [
            new("CF_WSH", "行政处罚决定书文号", "CF_WSH"),
            new("CF_CFMC", "处罚名称", "CF_WFXW"),
            new("CF_CFLB1", "处罚类别1", "CF_CFLB"),
            new("CF_CFLB2", "处罚类别2", "CF_CFLB"),
            new("CF_SY", "处罚事由", "CF_SY"),
            new("CF_YJ", "处罚依据", "CF_YJ"),
            .. Party2016("CF"),
            new("CF_JG", "处罚结果", "CF_NR"),
            new("CF_JDRQ", "处罚决定日期", "CF_JDRQ"),
            new("CF_XZJG", "处罚机关", "CF_CFJG"),
            .. Bookkeeping2016("CF"),
        ],
    };

    public static TemplateLayout Licence2016 { get; } = new()
    {
        Name = "2016",
        Label = Label2016,
        InfersSubjectType = true,
        Columns =
        [
            new("XK_WSH", "行政许可决定书文号", "XK_WSH"),
            new("XK_XMMC", "项目名称", "XK_XKWS"),
            new("XK_SPLB", "审批类别", "XK_XKLB"),
            new("XK_NR", "许可内容", "XK_NR"),
            .. Party2016("XK"),
            new("XK_JDRQ", "许可决定日期", "XK_JDRQ"),
            new("XK_JZQ", "许可截止期", "XK_YXQZI"),
            new("XK_XZJG", "许可机关", "XK_XKJG"),
            new("XK_ZT", "当前状态", "XK_ZT"),
            new("DFBM", "地方编码", null),
            new("SJC", "数据更新时间戳", null),
            new("BZ", "备注", "BZ"),
        ],
    };

    /// <summary>The 2019 template names its code columns 行政相对人代码_1 … _6 and the representative's number 身份证号.</summary>
    private static IEnumerable<TemplateColumn> Party2019(string p) =>
    [
        new($"{p}_XDR_SHXYM", "行政相对人代码_1(统一社会信用代码)", $"{p}_XDR_SHXYM"),
        new($"{p}_XDR_GSZC", "行政相对人代码_2(工商注册号)", $"{p}_XDR_GSZC"),
        new($"{p}_XDR_ZZJG", "行政相对人代码_3(组织机构代码)", $"{p}_XDR_ZZJG"),
        new($"{p}_XDR_SWDJ", "行政相对人代码_4(税务登记号)", $"{p}_XDR_SWDJ"),
        new($"{p}_XDR_SYDW", "行政相对人代码_5(事业单位证书号)", $"{p}_XDR_SYDW"),
        new($"{p}_XDR_SHZZ", "行政相对人代码_6(社会组织登记证号)", $"{p}_XDR_SHZZ"),
        new($"{p}_FR_SFZH", "法定代表人身份证号", $"{p}_FR_ZJHM", new ImpliedValue($"{p}_FR_ZJLX", "身份证")),
        new($"{p}_FRDB", "法定代表人", $"{p}_FRDB"),
    ];

    public static TemplateLayout Penalty2019 { get; } = new()
    {
        Name = "2019",
        Label = Label2019,
        ExtendsCurrent = true,
        Columns =
        [
            .. Party2019("CF"),
            new("CF_XDR_ZJLX", "证件类型", "CF_XDR_ZJLX"),
            new("CF_XDR_ZJHM", "证件号码", "CF_XDR_ZJHM"),
            new("CF_NR_FK", "罚款金额(万元)", "CF_NR_FK"),
            new("CF_NR_WFFF", "没收违法所得、没收非法财物的金额(万元)", "CF_NR_WFFF"),
        ],
    };

    public static TemplateLayout Licence2019 { get; } = new()
    {
        Name = "2019",
        Label = Label2019,
        ExtendsCurrent = true,
        Columns =
        [
            .. Party2019("XK"),
            new("XK_XDR_ZJLX", "证件类型", "XK_XDR_ZJLX"),
            new("XK_XDR_ZJHM", "证件号码", "XK_XDR_ZJHM"),
        ],
    };
}
