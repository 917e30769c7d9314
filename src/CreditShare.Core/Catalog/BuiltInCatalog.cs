namespace CreditShare.Core.Catalog;

/// <summary>
/// The catalog the platform ships with: 行政许可 and 行政处罚 as in the national 双公示 standard (see STANDARDS.md),
/// plus the other categories a provincial platform publishes. Periods are defaults the center edits.
/// </summary>
public static class BuiltInCatalog
{
    public static IReadOnlyList<string> PenaltyTypes { get; } =
    [
        "警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级", "吊销许可证件",
        "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留", "其他",
    ];

    public static IReadOnlyList<string> LicenceTypes { get; } = ["普通", "特许", "认可", "核准", "登记", "其他"];

    public static IReadOnlyList<string> IdTypes { get; } = ["身份证", "护照号", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"];

    /// <summary>Other names of the ID kinds, and their GA/T 517 codes, as departments' systems send them.</summary>
    public static IReadOnlyList<ValueAlias> IdTypeAliases { get; } =
    [
        new("居民身份证", "身份证"), new("身份证号", "身份证"), new("身份证号码", "身份证"), new("二代身份证", "身份证"), new("111", "身份证"),
        new("护照", "护照号"), new("普通护照", "护照号"), new("414", "护照号"),
        new("港澳居民来往内地通行证号", "港澳居民来往内地通行证"), new("回乡证", "港澳居民来往内地通行证"), new("516", "港澳居民来往内地通行证"),
        new("台湾居民来往大陆通行证号", "台湾居民来往大陆通行证"), new("台胞证", "台湾居民来往大陆通行证"), new("511", "台湾居民来往大陆通行证"),
        new("外国人永久居留证", "外国人永久居留身份证"), new("553", "外国人永久居留身份证"),
    ];

    /// <summary>Older and shorter names of the subject kinds (the 2016 and 2019 templates said 法人及其他组织).</summary>
    public static IReadOnlyList<ValueAlias> SubjectTypeAliases { get; } =
    [
        new("法人及其他组织", SubjectTypes.LegalPersonLabel), new("法人和其他组织", SubjectTypes.LegalPersonLabel),
        new("法人和非法人组织", SubjectTypes.LegalPersonLabel), new("法人", SubjectTypes.LegalPersonLabel), new("非法人组织", SubjectTypes.LegalPersonLabel),
        new("个人", SubjectTypes.NaturalPersonLabel), new("个体户", SubjectTypes.IndividualBusinessLabel),
    ];

    /// <summary>
    /// 当前状态 as systems code it: 1/2, and the events that end a licence, which all mean 无效 (the word received is kept
    /// in the record's provenance as the reason).
    /// </summary>
    public static IReadOnlyList<ValueAlias> LicenceStatusAliases { get; } =
    [
        new("1", "有效"), new("正常", "有效"), new("存续", "有效"),
        new("2", "无效"), new("撤销", "无效"), new("注销", "无效"), new("吊销", "无效"), new("撤回", "无效"), new("失效", "无效"), new("过期", "无效"),
    ];

    /// <summary>The day the revised 行政处罚法 (2021) took effect, with its new categories.</summary>
    public static readonly DateOnly PenaltyLaw2021 = new(2021, 7, 15);

    /// <summary>
    /// 处罚类别 as departments write them: short forms of today's categories, and the categories of the 1996 law (art. 8)
    /// for decisions taken before it was revised. Its 暂扣或者吊销许可证 / 执照 does not say which of today's two it was,
    /// so it is kept as 其他 with its wording rather than guessed.
    /// </summary>
    public static IReadOnlyList<ValueAlias> PenaltyTypeAliases { get; } =
    [
        new("暂扣许可证", "暂扣许可证件"), new("暂扣执照", "暂扣许可证件"), new("暂扣营业执照", "暂扣许可证件"),
        new("吊销许可证", "吊销许可证件"), new("吊销执照", "吊销许可证件"), new("吊销营业执照", "吊销许可证件"),
        new("没收违法所得、没收非法财物", "没收违法所得;没收非法财物"),
        new("暂扣或者吊销许可证、暂扣或者吊销执照", "其他（暂扣或者吊销许可证、暂扣或者吊销执照）", PenaltyLaw2021),
        new("暂扣或者吊销许可证", "其他（暂扣或者吊销许可证）", PenaltyLaw2021),
        new("暂扣或者吊销执照", "其他（暂扣或者吊销执照）", PenaltyLaw2021),
        new("法律、行政法规规定的其他行政处罚", "其他（法律、行政法规规定的其他行政处罚）", PenaltyLaw2021),
    ];

    private static FieldDefinition F(string code, string label, bool required = false, int max = 200) =>
        new() { Code = code, Label = label, Required = required, MaxLength = max };

    private static FieldDefinition Uscc(string code, string label, bool required = false) =>
        new() { Code = code, Label = label, Required = required, MaxLength = 18, Format = FieldFormat.Uscc };

    private static FieldDefinition Date(string code, string label, bool required = false, bool past = false) =>
        new() { Code = code, Label = label, Required = required, MaxLength = 10, Type = FieldType.Date, NotInFuture = past };

    private static FieldDefinition Choice(string code, string label, IReadOnlyList<string> values, bool required = false) =>
        new() { Code = code, Label = label, Required = required, MaxLength = 64, Type = FieldType.Enum, AllowedValues = values };

    private static FieldDefinition IdType(string code, string label) =>
        Choice(code, label, IdTypes) with { Sharing = SharingScope.Government, Aliases = IdTypeAliases };

    private static FieldDefinition SubjectKind(string code, string label) =>
        Choice(code, label, SubjectTypes.Labels, required: true) with { Aliases = SubjectTypeAliases };

    private static FieldDefinition Amount(string code, string label) =>
        new() { Code = code, Label = label, Type = FieldType.Decimal, MaxLength = 20, Unit = "万元" };

    private static FieldDefinition IdNumber(string code, string label) =>
        F(code, label, max: 64) with { Sharing = SharingScope.Government, Personal = true };

    /// <summary>The party fields that 双公示 records share; <paramref name="p"/> is the prefix (XK or CF).</summary>
    private static IEnumerable<FieldDefinition> PartyFields(string p) =>
    [
        F($"{p}_XDR_MC", "行政相对人名称", required: true),
        SubjectKind($"{p}_XDR_LB", "行政相对人类别"),
        Uscc($"{p}_XDR_SHXYM", "统一社会信用代码"),
        F($"{p}_XDR_GSZC", "工商注册号", max: 50),
        F($"{p}_XDR_ZZJG", "组织机构代码", max: 9) with { Format = FieldFormat.OrganizationCode },
        F($"{p}_XDR_SWDJ", "税务登记号", max: 50),
        F($"{p}_XDR_SYDW", "事业单位证书号", max: 50),
        F($"{p}_XDR_SHZZ", "社会组织登记证号", max: 50),
        F($"{p}_FRDB", "法定代表人", max: 50),
        IdType($"{p}_FR_ZJLX", "法定代表人证件类型"),
        IdNumber($"{p}_FR_ZJHM", "法定代表人证件号码"),
        IdType($"{p}_XDR_ZJLX", "证件类型"),
        IdNumber($"{p}_XDR_ZJHM", "证件号码"),
    ];

    private static IEnumerable<CrossFieldRule> PartyRules(string p) =>
    [
        new(CrossFieldRuleKind.RequiredWhen, $"{p}_XDR_SHXYM", $"{p}_XDR_LB", SubjectTypes.LegalPersonLabel),
        new(CrossFieldRuleKind.RequiredWhen, $"{p}_FRDB", $"{p}_XDR_LB", SubjectTypes.LegalPersonLabel),
        new(CrossFieldRuleKind.RequiredWhen, $"{p}_XDR_ZJLX", $"{p}_XDR_LB", SubjectTypes.NaturalPersonLabel),
        new(CrossFieldRuleKind.RequiredWhen, $"{p}_XDR_ZJHM", $"{p}_XDR_LB", SubjectTypes.NaturalPersonLabel),
        new(CrossFieldRuleKind.IdNumberWhen, $"{p}_XDR_ZJHM", $"{p}_XDR_ZJLX", "身份证"),
        new(CrossFieldRuleKind.IdNumberWhen, $"{p}_FR_ZJHM", $"{p}_FR_ZJLX", "身份证"),
    ];

    private static readonly SubjectType[] AllSubjects = [SubjectType.LegalPerson, SubjectType.NaturalPerson, SubjectType.IndividualBusiness];

    public static CategoryDefinition Licence { get; } = new()
    {
        Code = "XZXK",
        Name = "行政许可",
        Description = "行政许可决定信息（双公示）",
        SubjectTypes = AllSubjects,
        SubjectTypeField = "XK_XDR_LB",
        SubjectNameField = "XK_XDR_MC",
        SubjectCodeField = "XK_XDR_SHXYM",
        SubjectIdNumberField = "XK_XDR_ZJHM",
        SubjectIdTypeField = "XK_XDR_ZJLX",
        DocumentNumberField = "XK_WSH",
        DecisionDateField = "XK_JDRQ",
        SourceUnitCodeField = "XK_LYDWDM",
        SourceUnitNameField = "XK_LYDW",
        AuthorityCodeField = "XK_XKJGDM",
        AuthorityNameField = "XK_XKJG",
        Disclosure = new() { DefaultMonths = 36 },
        Fields =
        [
            .. PartyFields("XK"),
            F("XK_XKWS", "行政许可决定文书名称", required: true, max: 64),
            F("XK_WSH", "行政许可决定文书号", required: true, max: 128) with { Hint = "无文书号时填写许可编号" },
            Choice("XK_XKLB", "许可类别", LicenceTypes, required: true),
            F("XK_XKZS", "许可证书名称", max: 64),
            F("XK_XKBH", "许可编号", max: 64),
            F("XK_NR", "许可内容", required: true, max: 4000),
            Date("XK_JDRQ", "许可决定日期", required: true, past: true),
            Date("XK_YXQZ", "有效期自", required: true),
            Date("XK_YXQZI", "有效期至", required: true) with { Hint = "长期有效填 2099-12-31 或“长期”", LongTerm = true },
            F("XK_XKJG", "许可机关", required: true),
            Uscc("XK_XKJGDM", "许可机关统一社会信用代码", required: true),
            Choice("XK_ZT", "当前状态", ["有效", "无效"], required: true) with { Aliases = LicenceStatusAliases },
            F("XK_LYDW", "数据来源单位", required: true),
            Uscc("XK_LYDWDM", "数据来源单位统一社会信用代码", required: true),
            F("BZ", "备注", max: 512),
        ],
        Templates = [NationalTemplates.Licence2016, NationalTemplates.Licence2019],
        Rules =
        [
            .. PartyRules("XK"),
            new(CrossFieldRuleKind.NotBefore, "XK_YXQZI", "XK_YXQZ"),
        ],
    };

    public static CategoryDefinition Penalty { get; } = new()
    {
        Code = "XZCF",
        Name = "行政处罚",
        Description = "行政处罚决定信息（双公示）",
        SubjectTypes = AllSubjects,
        SubjectTypeField = "CF_XDR_LB",
        SubjectNameField = "CF_XDR_MC",
        SubjectCodeField = "CF_XDR_SHXYM",
        SubjectIdNumberField = "CF_XDR_ZJHM",
        SubjectIdTypeField = "CF_XDR_ZJLX",
        DocumentNumberField = "CF_WSH",
        DecisionDateField = "CF_JDRQ",
        DisclosureEndField = "CF_GSJZQ",
        SourceUnitCodeField = "CF_SJLYDM",
        SourceUnitNameField = "CF_SJLY",
        AuthorityCodeField = "CF_CFJGDM",
        AuthorityNameField = "CF_CFJG",
        // 失信行为纠正后的信用信息修复管理办法 (2023): at least 3 months, at most 3 years; the longest type applies.
        Disclosure = new()
        {
            DefaultMonths = 36,
            MinimumMonths = 3,
            ByField = "CF_CFLB",
            MonthsByValue = new Dictionary<string, int>
            {
                ["警告"] = 3,
                ["通报批评"] = 3,
                ["罚款"] = 12,
                ["没收违法所得"] = 12,
                ["没收非法财物"] = 12,
                ["暂扣许可证件"] = 12,
                ["降低资质等级"] = 36,
                ["吊销许可证件"] = 36,
                ["限制开展生产经营活动"] = 36,
                ["责令停产停业"] = 36,
                ["责令关闭"] = 36,
                ["限制从业"] = 36,
                ["行政拘留"] = 36,
                ["其他"] = 12,
            },
        },
        Fields =
        [
            .. PartyFields("CF"),
            F("CF_WSH", "行政处罚决定书文号", required: true, max: 128),
            F("CF_WFXW", "违法行为类型", required: true, max: 2000),
            F("CF_SY", "违法事实", required: true, max: 4000),
            F("CF_YJ", "处罚依据", required: true, max: 2000),
            new() { Code = "CF_CFLB", Label = "处罚类别", Required = true, MaxLength = 256, Type = FieldType.MultiEnum, AllowedValues = PenaltyTypes, Aliases = PenaltyTypeAliases, Hint = "可多选，以分号分隔" },
            F("CF_NR", "处罚内容", required: true, max: 4000),
            Amount("CF_NR_FK", "罚款金额（万元）"),
            Amount("CF_NR_WFFF", "没收违法所得、没收非法财物的金额（万元）"),
            F("CF_NR_ZKDX", "暂扣或吊销证照名称及编号", max: 200),
            Date("CF_JDRQ", "处罚决定日期", required: true, past: true),
            Date("CF_YXQ", "处罚有效期", required: true) with { LongTerm = true },
            Date("CF_GSJZQ", "公示截止期") with { Hint = "不填则按处罚类别的公示期限计算" },
            F("CF_CFJG", "处罚机关", required: true),
            Uscc("CF_CFJGDM", "处罚机关统一社会信用代码", required: true),
            F("CF_SJLY", "数据来源单位", required: true),
            Uscc("CF_SJLYDM", "数据来源单位统一社会信用代码", required: true),
            F("BZ", "备注", max: 512),
        ],
        Templates = [NationalTemplates.Penalty2016, NationalTemplates.Penalty2019],
        Rules =
        [
            .. PartyRules("CF"),
            new(CrossFieldRuleKind.RequiredWhen, "CF_NR_FK", "CF_CFLB", "罚款"),
            new(CrossFieldRuleKind.NotBefore, "CF_YXQ", "CF_JDRQ"),
            new(CrossFieldRuleKind.NotBefore, "CF_GSJZQ", "CF_JDRQ"),
        ],
    };

    public static CategoryDefinition LegalPersonBasics { get; } = new()
    {
        Code = "FRJC",
        Name = "法人基础信息",
        Description = "法人和非法人组织的登记基础信息",
        SubjectTypes = [SubjectType.LegalPerson, SubjectType.IndividualBusiness],
        SubjectNameField = "JC_MC",
        SubjectCodeField = "JC_SHXYM",
        DocumentNumberField = "JC_SHXYM",
        DecisionDateField = "JC_CLRQ",
        SourceUnitCodeField = "JC_LYDWDM",
        SourceUnitNameField = "JC_LYDW",
        Disclosure = new() { DefaultMonths = 1200 },
        Fields =
        [
            F("JC_MC", "名称", required: true),
            Uscc("JC_SHXYM", "统一社会信用代码", required: true),
            F("JC_FRDB", "法定代表人（负责人）", required: true, max: 50),
            F("JC_QYLX", "市场主体类型", max: 100),
            Amount("JC_ZCZB", "注册资本（万元）"),
            Date("JC_CLRQ", "成立日期", required: true, past: true),
            F("JC_DJJG", "登记机关", required: true),
            F("JC_ZS", "住所", required: true, max: 500),
            F("JC_JYFW", "经营范围", max: 4000),
            Choice("JC_DJZT", "登记状态", ["存续", "在业", "吊销", "注销", "迁出"], required: true),
            Date("JC_HZRQ", "核准日期", past: true),
            F("JC_LYDW", "数据来源单位", required: true),
            Uscc("JC_LYDWDM", "数据来源单位统一社会信用代码", required: true),
        ],
    };

    public static CategoryDefinition Honours { get; } = new()
    {
        Code = "SXJL",
        Name = "守信激励对象",
        Description = "受到表彰、评为诚信典型等守信激励对象信息",
        SubjectTypes = AllSubjects,
        SubjectTypeField = "JL_XDR_LB",
        SubjectNameField = "JL_XDR_MC",
        SubjectCodeField = "JL_XDR_SHXYM",
        SubjectIdNumberField = "JL_XDR_ZJHM",
        SubjectIdTypeField = "JL_XDR_ZJLX",
        DocumentNumberField = "JL_WH",
        DecisionDateField = "JL_RDRQ",
        SourceUnitCodeField = "JL_LYDWDM",
        SourceUnitNameField = "JL_LYDW",
        AuthorityCodeField = "JL_RDDWDM",
        AuthorityNameField = "JL_RDDW",
        Disclosure = new() { DefaultMonths = 36 },
        Fields =
        [
            F("JL_XDR_MC", "主体名称", required: true),
            SubjectKind("JL_XDR_LB", "主体类别"),
            Uscc("JL_XDR_SHXYM", "统一社会信用代码"),
            IdType("JL_XDR_ZJLX", "证件类型"),
            IdNumber("JL_XDR_ZJHM", "证件号码"),
            F("JL_MC", "激励（荣誉）名称", required: true),
            F("JL_WH", "认定文号", required: true, max: 128),
            F("JL_RDYJ", "认定依据", required: true, max: 2000),
            F("JL_RDDW", "认定单位", required: true),
            Uscc("JL_RDDWDM", "认定单位统一社会信用代码", required: true),
            Date("JL_RDRQ", "认定日期", required: true, past: true),
            Date("JL_YXQZ", "有效期至") with { LongTerm = true },
            F("JL_LYDW", "数据来源单位", required: true),
            Uscc("JL_LYDWDM", "数据来源单位统一社会信用代码", required: true),
        ],
        Rules =
        [
            new(CrossFieldRuleKind.RequiredWhen, "JL_XDR_SHXYM", "JL_XDR_LB", SubjectTypes.LegalPersonLabel),
            new(CrossFieldRuleKind.RequiredWhen, "JL_XDR_ZJHM", "JL_XDR_LB", SubjectTypes.NaturalPersonLabel),
            new(CrossFieldRuleKind.IdNumberWhen, "JL_XDR_ZJHM", "JL_XDR_ZJLX", "身份证"),
            new(CrossFieldRuleKind.NotBefore, "JL_YXQZ", "JL_RDRQ"),
        ],
    };

    public static CategoryDefinition SeriousDishonesty { get; } = new()
    {
        Code = "YZSX",
        Name = "严重失信主体名单",
        Description = "依法依规认定的严重失信主体名单信息",
        SubjectTypes = AllSubjects,
        SubjectTypeField = "SX_XDR_LB",
        SubjectNameField = "SX_XDR_MC",
        SubjectCodeField = "SX_XDR_SHXYM",
        SubjectIdNumberField = "SX_XDR_ZJHM",
        SubjectIdTypeField = "SX_XDR_ZJLX",
        DocumentNumberField = "SX_WSH",
        DecisionDateField = "SX_LRRQ",
        SourceUnitCodeField = "SX_LYDWDM",
        SourceUnitNameField = "SX_LYDW",
        AuthorityCodeField = "SX_RDBMDM",
        AuthorityNameField = "SX_RDBM",
        Disclosure = new() { DefaultMonths = 36, MinimumMonths = 12 },
        Fields =
        [
            F("SX_XDR_MC", "主体名称", required: true),
            SubjectKind("SX_XDR_LB", "主体类别"),
            Uscc("SX_XDR_SHXYM", "统一社会信用代码"),
            F("SX_FRDB", "法定代表人（负责人）", max: 50),
            IdType("SX_XDR_ZJLX", "证件类型"),
            IdNumber("SX_XDR_ZJHM", "证件号码"),
            F("SX_WSH", "列入决定文书号", required: true, max: 128),
            F("SX_SXXW", "严重失信行为", required: true, max: 2000),
            F("SX_LRYJ", "列入依据", required: true, max: 2000),
            F("SX_RDBM", "认定部门", required: true),
            Uscc("SX_RDBMDM", "认定部门统一社会信用代码", required: true),
            Date("SX_LRRQ", "列入日期", required: true, past: true),
            Date("SX_YCRQ", "移出日期"),
            F("SX_LYDW", "数据来源单位", required: true),
            Uscc("SX_LYDWDM", "数据来源单位统一社会信用代码", required: true),
        ],
        Rules =
        [
            new(CrossFieldRuleKind.RequiredWhen, "SX_XDR_SHXYM", "SX_XDR_LB", SubjectTypes.LegalPersonLabel),
            new(CrossFieldRuleKind.RequiredWhen, "SX_XDR_ZJHM", "SX_XDR_LB", SubjectTypes.NaturalPersonLabel),
            new(CrossFieldRuleKind.IdNumberWhen, "SX_XDR_ZJHM", "SX_XDR_ZJLX", "身份证"),
            new(CrossFieldRuleKind.NotBefore, "SX_YCRQ", "SX_LRRQ"),
        ],
    };

    public static CategoryDefinition AbnormalOperations { get; } = new()
    {
        Code = "JYYC",
        Name = "经营异常名录",
        Description = "市场监管部门列入经营异常名录的信息",
        SubjectTypes = [SubjectType.LegalPerson, SubjectType.IndividualBusiness],
        SubjectNameField = "YC_MC",
        SubjectCodeField = "YC_SHXYM",
        DocumentNumberField = "YC_WSH",
        DecisionDateField = "YC_LRRQ",
        SourceUnitCodeField = "YC_LYDWDM",
        SourceUnitNameField = "YC_LYDW",
        Disclosure = new() { DefaultMonths = 36 },
        Fields =
        [
            F("YC_MC", "企业名称", required: true),
            Uscc("YC_SHXYM", "统一社会信用代码", required: true),
            F("YC_WSH", "列入决定书文号", required: true, max: 128),
            Choice("YC_LRYY", "列入原因",
                ["未按规定公示年度报告", "未在责令期限内公示有关企业信息", "公示信息隐瞒真实情况、弄虚作假", "通过登记的住所或者经营场所无法联系"], required: true),
            Date("YC_LRRQ", "列入日期", required: true, past: true),
            F("YC_ZCJG", "作出决定机关", required: true),
            F("YC_YCYY", "移出原因", max: 200),
            Date("YC_YCRQ", "移出日期"),
            F("YC_LYDW", "数据来源单位", required: true),
            Uscc("YC_LYDWDM", "数据来源单位统一社会信用代码", required: true),
        ],
        Rules =
        [
            new(CrossFieldRuleKind.NotBefore, "YC_YCRQ", "YC_LRRQ"),
            new(CrossFieldRuleKind.RequiredWhen, "YC_YCRQ", "YC_YCYY", null, "填写移出原因时，移出日期为必填项"),
        ],
    };

    public static IReadOnlyList<CategoryDefinition> All { get; } =
        [LegalPersonBasics, Licence, Penalty, Honours, SeriousDishonesty, AbnormalOperations];
}
