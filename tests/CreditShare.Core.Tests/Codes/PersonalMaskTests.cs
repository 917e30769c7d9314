using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;
using CsCheck;

namespace CreditShare.Core.Tests.Codes;

public class PersonalMaskTests
{
    /// <summary>
    /// The spellings of the security review (item 2), each inside Chinese text with no word boundary: the two that were
    /// already caught and the ten that were not. Used by the web tests of every public surface too.
    /// </summary>
    public static TheoryData<string, string, string> Spellings { get; } = new()
    {
        { "身份证640104198503122066，", "身份证640104********2066，", "plain ID number" },
        { "电话13912345678。", "电话139****5678。", "plain mobile" },
        { "身份证640104198503122066A栋", "身份证640104********2066A栋", "ID number followed by a letter" },
        { "身份证640104 19850312 2066号", "身份证640104********2066号", "ID number with spaces" },
        { "身份证640104-19850312-2066号", "身份证640104********2066号", "ID number with hyphens" },
        { "身份证６４０１０４１９８５０３１２２０６６号", "身份证640104********2066号", "ID number in full-width digits" },
        { "身份证640104850312206号", "身份证640104******206号", "old 15-digit ID number" },
        { "手机+8613912345678联系", "手机+86139****5678联系", "mobile with +86" },
        { "手机139-1234-5678联系", "手机139****5678联系", "mobile with hyphens" },
        { "手机139 1234 5678联系", "手机139****5678联系", "mobile with spaces" },
        { "手机１３９１２３４５６７８联系", "手机139****5678联系", "mobile in full-width digits" },
        { "身份证11010519491231002Ｘ号", "身份证110105********002X号", "ID number with a full-width X" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Every_spelling_of_the_review_is_masked(string text, string masked, string spelling)
    {
        Assert.Equal(masked, PersonalMask.Scrub(text, out var found));
        Assert.True(found, spelling);
    }

    [Theory]
    [InlineData("640104\u300019850312\u30002066", "640104********2066")] // ideographic space
    [InlineData("640104–19850312–2066", "640104********2066")] // en dash
    [InlineData("640104.19850312.2066", "640104********2066")]
    [InlineData("6401 0419 8503 1220 66", "640104********2066")]
    [InlineData("640104 - 19850312 - 2066", "640104********2066")]
    [InlineData("640104\u200B198503122066", "640104********2066")] // a zero-width space does not hide it
    [InlineData("64010419850312206x号", "640104********206X号")]
    [InlineData("６４０１０４　８５０３１２　２０６", "640104******206")]
    [InlineData("0086 139 1234 5678", "0086 139****5678")]
    [InlineData("+86-139-1234-5678", "+86-139****5678")]
    [InlineData("86 13912345678", "86 139****5678")]
    [InlineData("（+86）13912345678", "（+86）139****5678")]
    [InlineData("＋８６１３９１２３４５６７８", "＋８６139****5678")]
    [InlineData("139－1234－5678", "139****5678")] // full-width hyphen
    [InlineData("电话13912345678身份证640104198503122066", "电话139****5678身份证640104********2066")]
    [InlineData("640104198503122066 13912345678", "640104********2066 139****5678")]
    [InlineData("0951 139 1234 5678", "0951 139****5678")]
    public void Other_separators_and_prefixes_are_seen_through(string text, string masked) => Assert.Equal(masked, PersonalMask.Scrub(text));

    [Theory]
    [InlineData("宁市监罚〔2026〕123号")]
    [InlineData("于20201207作出决定")]
    [InlineData("2020-01-01至2020-12-31")]
    [InlineData("2020-01-01-2020-12-31")]
    [InlineData("1999.01.01 - 1999.12.31")]
    [InlineData("罚款12345678.90元，没收违法所得1,234,567,890元")]
    [InlineData("金额12345678901234567890元")] // 20 digits: an amount or an account, not an ID number
    [InlineData("6401041985031220661")] // 19 digits
    [InlineData("1391234567")] // 10 digits
    [InlineData("139123456789")] // 12 digits
    [InlineData("办公电话0951-6012345")]
    [InlineData("1391 234 5678")] // not the 3-4-4 grouping of a mobile
    [InlineData("91640100MA76123X4Q")]
    [InlineData("编号640100000012345")] // 15 digits whose 7th to 12th are no date
    [InlineData("")]
    public void Numbers_that_are_not_personal_are_left_alone(string text)
    {
        Assert.Equal(text, PersonalMask.Scrub(text, out var found));
        Assert.False(found);
    }

    [Fact]
    public void A_company_code_is_left_alone_but_a_code_that_is_also_an_id_number_is_masked()
    {
        var companies = AllDigitCodes().Where(c => UnifiedSocialCreditCode.IsValid(c) && !CitizenIdNumber.Check(c, DateOnly.MaxValue).IsValid).Take(5).ToList();
        Assert.NotEmpty(companies);
        Assert.All(companies, c => Assert.Equal($"代码{c}。", PersonalMask.Scrub($"代码{c}。")));
        var both = Ids().First(UnifiedSocialCreditCode.IsValid);
        Assert.Equal($"代码{CitizenIdNumber.Mask(both)}。", PersonalMask.Scrub($"代码{both}。"));
        Assert.Equal("代码91640100MA76123X4Q。", PersonalMask.Scrub("代码91640100MA76123X4Q。"));

        static IEnumerable<string> AllDigitCodes() =>
            Enumerable.Range(0, 100_000).Select(n => UnifiedSocialCreditCode.Compose("91640100", $"{22_000_000 + n:D8}")).Where(c => c.All(char.IsAsciiDigit));

        static IEnumerable<string> Ids() => Enumerable.Range(0, 10_000).Select(n =>
        {
            var first17 = $"640104{new DateOnly(1960, 1, 1).AddDays(n):yyyyMMdd}{n % 1000:D3}";
            return first17 + CitizenIdNumber.ComputeCheckCharacter(first17);
        });
    }

    private static readonly Gen<string> IdNumbers =
        Gen.Select(Gen.Int[110000, 659999], Gen.Int[0, 30000].Select(d => new DateOnly(1940, 1, 1).AddDays(d)), Gen.Int[0, 999]).Select((area, birth, seq) =>
        {
            var first17 = $"{area:D6}{birth:yyyyMMdd}{seq:D3}";
            return first17 + CitizenIdNumber.ComputeCheckCharacter(first17);
        });

    private static readonly Gen<string> Mobiles = Gen.Select(Gen.Int[3, 9], Gen.Int[0, 999_999_999]).Select((second, rest) => $"1{second}{rest:D9}");

    /// <summary>Chinese text around the number, with no word boundary: Chinese characters, Latin letters, punctuation.</summary>
    private static readonly Gen<string> Surrounding = Gen.OneOf(Gen.Char["一龥"], Gen.Char['A', 'Z'], Gen.Char['a', 'z'], Gen.OneOf('，', '。', '（', '）', ':', '号'))
        .Array[0, 6].Select(cs => new string(cs));

    private static readonly string[] Separators = [" ", "-", "\u3000", "–", ".", " - ", "\u00A0"];

    /// <summary>A number spelt as people and exports do: some digits full-width, separators between groups or not.</summary>
    private static Gen<string> Spelt(string number, int[] groups) =>
        Gen.Select(Gen.Bool.Array[number.Length], Gen.Int[0, Separators.Length], Gen.Bool).Select((wide, separator, grouped) =>
        {
            var builder = new System.Text.StringBuilder();
            for (var i = 0; i < number.Length; i++)
            {
                if (grouped && separator < Separators.Length && groups.Contains(i))
                {
                    builder.Append(Separators[separator]);
                }

                var c = number[i];
                builder.Append(wide[i] ? (char)(c + 0xFEE0) : c);
            }

            return builder.ToString();
        });

    private static string Digits(string text) => new([.. CodeText.Normalize(text).Where(c => char.IsAsciiDigit(c) || c == 'X')]);

    [Fact]
    public void Any_spelling_of_an_id_number_in_any_text_is_masked_to_the_same_form()
    {
        Gen.Select(IdNumbers, Surrounding, Surrounding).SelectMany((id, before, after) => Spelt(id, [6, 14]).Select(spelt => (id, before, after, spelt)))
            .Sample(t =>
            {
                var masked = PersonalMask.Scrub(t.before + t.spelt + t.after, out var found);
                Assert.True(found, t.spelt);
                Assert.Equal(t.before + CitizenIdNumber.Mask(t.id) + t.after, masked);
                Assert.DoesNotContain(t.id.Substring(6, 8), Digits(masked));
            });
    }

    [Fact]
    public void Any_spelling_of_a_mobile_number_in_any_text_is_masked_to_the_same_form()
    {
        var prefixes = Gen.OneOf("", "+86", "+86 ", "0086", "86-", "＋８６");
        Gen.Select(Mobiles, prefixes, Surrounding, Surrounding).SelectMany((mobile, prefix, before, after) => Spelt(mobile, [3, 7]).Select(spelt => (mobile, prefix, before, after, spelt)))
            .Where(t => t.before.Length == 0 || !char.IsAsciiDigit(t.before[^1]))
            .Sample(t =>
            {
                var masked = PersonalMask.Scrub(t.before + t.prefix + t.spelt + t.after, out var found);
                Assert.True(found, t.prefix + t.spelt);
                Assert.Equal(t.before + t.prefix + t.mobile[..3] + "****" + t.mobile[7..] + t.after, masked);
            });
    }

    [Fact]
    public void Text_without_personal_numbers_is_returned_as_it_was_and_masking_twice_changes_nothing()
    {
        // Chinese text with dates, amounts and document numbers in it: short runs of digits.
        var pieces = Gen.OneOf(Surrounding, Gen.Int[0, 9_999_999].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Date[new DateTime(1990, 1, 1), new DateTime(2030, 12, 31)].Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Int[1, 9999].Select(n => $"宁市监罚〔2026〕{n}号"));
        pieces.Array[0, 12].Select(p => string.Join("，", p)).Sample(text => Assert.Equal(text, PersonalMask.Scrub(text)));

        Gen.Select(IdNumbers, Mobiles, Surrounding).Select((id, mobile, words) => $"{words}{id}{words}{mobile}{words}").Sample(text =>
        {
            var once = PersonalMask.Scrub(text);
            Assert.Equal(once, PersonalMask.Scrub(once, out var again));
            Assert.False(again);
        });
    }

    [Fact]
    public void Personal_field_values_are_masked_by_kind()
    {
        Assert.Equal("110105********002X", PersonalMask.Mask("11010519491231002X"));
        Assert.Equal("139****5678", PersonalMask.Mask("13912345678"));
        Assert.Equal("王**", PersonalMask.Mask("王小明"));
    }

    [Fact]
    public void Free_text_of_a_public_category_is_masked_on_the_way_in_with_a_warning_per_field()
    {
        var category = BuiltInCatalog.Penalty;
        var row = new Dictionary<string, string?>
        {
            ["CF_SY"] = "当事人王某（身份证640104 19850312 2066）销售不合格产品",
            ["CF_NR"] = "罚款2万元",
            ["BZ"] = "联系电话139-1234-5678",
            ["CF_XDR_GSZC"] = "640104850312206",
            ["CF_WSH"] = "宁市监罚〔2026〕123号",
        };
        var (stored, warnings) = FreeText.MaskOnTheWayIn(category, row);
        Assert.Equal("当事人王某（身份证640104********2066）销售不合格产品", stored["CF_SY"]);
        Assert.Equal("罚款2万元", stored["CF_NR"]);
        Assert.Equal("联系电话139****5678", stored["BZ"]);
        Assert.Equal("640104850312206", stored["CF_XDR_GSZC"]); // the subject's registration number, not free text
        Assert.Equal([("CF_SY", FreeText.PersonalNumberCode), ("BZ", FreeText.PersonalNumberCode)], warnings.Select(w => (w.Field, w.Code)));
        Assert.Contains("违法事实", warnings[0].Message);
        Assert.Contains("备注", warnings[1].Message);
        Assert.Equal("当事人王某（身份证640104 19850312 2066）销售不合格产品", row["CF_SY"]); // the input is not changed

        var clean = new Dictionary<string, string?> { ["CF_SY"] = "销售不合格产品" };
        Assert.Same(clean, FreeText.MaskOnTheWayIn(category, clean).Row);
        var governmentOnly = category with { Sharing = SharingScope.Government };
        Assert.Same(row, FreeText.MaskOnTheWayIn(governmentOnly, row).Row);
    }

    [Fact]
    public void Only_text_that_is_not_the_subjects_identity_counts_as_free_text()
    {
        var category = BuiltInCatalog.Penalty;
        var free = category.Fields.Where(f => FreeText.IsFreeText(category, f)).Select(f => f.Code).ToList();
        Assert.Contains("CF_SY", free);
        Assert.Contains("CF_NR", free);
        Assert.Contains("BZ", free);
        Assert.DoesNotContain("CF_WSH", free);
        Assert.DoesNotContain("CF_XDR_MC", free);
        Assert.DoesNotContain("CF_XDR_SHXYM", free);
        Assert.DoesNotContain("CF_XDR_GSZC", free);
        Assert.DoesNotContain("CF_XDR_ZJHM", free);
        Assert.DoesNotContain("CF_FR_ZJHM", free);
        Assert.DoesNotContain("CF_JDRQ", free);
        Assert.DoesNotContain("CF_CFLB", free);
    }

    [Fact]
    public void On_the_way_out_a_registration_number_in_its_own_field_is_shown_and_anywhere_else_masked()
    {
        var gszc = BuiltInCatalog.Penalty.Field("CF_XDR_GSZC")!;
        var facts = BuiltInCatalog.Penalty.Field("CF_SY")!;
        Assert.Equal("640104850312206", FreeText.OnTheWayOut(gszc, "640104850312206"));
        Assert.Equal("640104******206", FreeText.OnTheWayOut(facts, "640104850312206"));
        Assert.Equal("640104********2066", FreeText.OnTheWayOut(gszc, "640104198503122066"));
    }

    [Theory]
    [InlineData("11010519491231002X", "110105********002X")]
    [InlineData("张三", "**")]
    [InlineData("13812345678", "***********")]
    [InlineData("", "")]
    public void Concealed_values_show_staff_an_ID_numbers_ends_and_of_anything_else_only_its_length(string value, string concealed) =>
        Assert.Equal(concealed, PersonalMask.Conceal(value));
}
