using CreditShare.Core.Catalog;
using CreditShare.Core.Codes;
using CreditShare.Core.Subjects;

namespace CreditShare.Core.Tests.Subjects;

public class SubjectIdentityTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);
    private const string Uscc = "91440300708461136T";
    private const string IdNumber = "11010519491231002X";

    private static (SubjectIdentification? Identity, FieldError? Error) Identify(SubjectType? type, params (string Field, string Value)[] values) =>
        SubjectIdentity.Identify(BuiltInCatalog.Penalty, new RecordValidation(values.ToDictionary(v => v.Field, v => v.Value), [], [], type));

    [Fact]
    public void An_organisation_is_identified_by_its_USCC_with_its_old_registration_number()
    {
        var (identity, error) = Identify(SubjectType.LegalPerson, ("CF_XDR_MC", " 某某公司 "), ("CF_XDR_SHXYM", Uscc), ("CF_XDR_GSZC", " 640100000012345 "));
        Assert.Null(error);
        Assert.Equal(new SubjectIdentification(SubjectType.LegalPerson, "某某公司", Uscc, null, "身份证", "640100000012345"), identity);
        Assert.True(identity!.ByUscc);
    }

    [Fact]
    public void A_natural_person_is_identified_by_the_ID_number_and_its_kind_even_when_a_code_is_given()
    {
        var (identity, _) = Identify(SubjectType.NaturalPerson, ("CF_XDR_MC", "张三"), ("CF_XDR_SHXYM", Uscc), ("CF_XDR_ZJHM", IdNumber), ("CF_XDR_ZJLX", "护照号"));
        Assert.Equal(new SubjectIdentification(SubjectType.NaturalPerson, "张三", null, IdNumber, "护照号", null), identity);
        Assert.False(identity!.ByUscc);
    }

    [Fact]
    public void The_ID_kind_defaults_to_the_ID_card() =>
        Assert.Equal("身份证", Identify(SubjectType.NaturalPerson, ("CF_XDR_MC", "张三"), ("CF_XDR_ZJHM", IdNumber)).Identity?.IdKind);

    [Fact]
    public void An_individual_business_is_identified_by_its_USCC_or_else_by_the_operators_ID_number()
    {
        Assert.Equal(Uscc, Identify(SubjectType.IndividualBusiness, ("CF_XDR_MC", "某某店"), ("CF_XDR_SHXYM", Uscc), ("CF_XDR_ZJHM", IdNumber)).Identity?.Uscc);
        var byOperator = Identify(SubjectType.IndividualBusiness, ("CF_XDR_MC", "某某店"), ("CF_XDR_ZJHM", IdNumber)).Identity;
        Assert.Equal((SubjectType.IndividualBusiness, (string?)null, (string?)IdNumber), (byOperator!.Type, byOperator.Uscc, byOperator.IdNumber));
    }

    [Theory]
    [InlineData(SubjectType.LegalPerson, "subject.uscc_required", "CF_XDR_SHXYM")]
    [InlineData(SubjectType.NaturalPerson, "subject.id_required", "CF_XDR_ZJHM")]
    [InlineData(SubjectType.IndividualBusiness, "subject.identifier_required", "CF_XDR_SHXYM")]
    public void Each_kind_of_subject_needs_its_identifier(SubjectType type, string code, string field)
    {
        var (identity, error) = Identify(type, ("CF_XDR_MC", "某某"), ("CF_XDR_SHXYM", ""), ("CF_XDR_ZJHM", ""));
        Assert.Null(identity);
        Assert.Equal((field, code), (error?.Field, error?.Code));
    }

    [Fact]
    public void An_individual_business_without_a_USCC_is_found_by_its_operators_ID_or_its_old_registration_number()
    {
        var (byOperator, _) = Identify(SubjectType.IndividualBusiness, ("CF_XDR_MC", "某某小吃店"), ("CF_FR_ZJHM", "110101199003074477"), ("CF_XDR_GSZC", "640100600123456"));
        Assert.Equal(("110101199003074477", "身份证", false), (byOperator!.IdNumber, byOperator.IdKind, byOperator.ByRegistrationNumber));

        var (byRegistration, error) = Identify(SubjectType.IndividualBusiness, ("CF_XDR_MC", "某某小吃店"), ("CF_XDR_GSZC", " 6401 0060 0123 456 "));
        Assert.Null(error);
        Assert.True(byRegistration!.ByRegistrationNumber);
        Assert.Equal("640100600123456", byRegistration.RegistrationNumber);
        Assert.Equal("GSZC:640100600123456", SubjectIdentification.RegistrationKey(byRegistration.RegistrationNumber!));

        // An organisation still needs its USCC: the old number alone does not tell it apart.
        var (organisation, refused) = Identify(SubjectType.LegalPerson, ("CF_XDR_MC", "某某公司"), ("CF_XDR_GSZC", "640100000012345"));
        Assert.Null(organisation);
        Assert.Equal("subject.uscc_required", refused!.Code);
    }

    [Fact]
    public void Without_a_type_the_categorys_first_subject_type_is_meant() =>
        Assert.Equal("subject.uscc_required", Identify(null, ("CF_XDR_MC", "某某")).Error?.Code);

    [Fact]
    public void A_code_that_passes_both_checks_is_a_natural_person()
    {
        var both = Enumerable.Range(0, 10_000).Select(n =>
        {
            var first17 = $"640104{new DateOnly(1960, 1, 1).AddDays(n):yyyyMMdd}{n % 1000:D3}";
            return first17 + CitizenIdNumber.ComputeCheckCharacter(first17);
        }).First(UnifiedSocialCreditCode.IsValid);
        Assert.True(SubjectIdentity.IsUscc(both));
        Assert.True(SubjectIdentity.IsNaturalPerson(both, Today));
        Assert.True(SubjectIdentity.IsSubjectCode(both, Today));
    }

    [Fact]
    public void Codes_are_told_apart_and_normalised_as_typed()
    {
        Assert.False(SubjectIdentity.IsNaturalPerson(Uscc, Today));
        Assert.True(SubjectIdentity.IsSubjectCode(Uscc, Today));
        Assert.True(SubjectIdentity.IsNaturalPerson(IdNumber, Today));
        Assert.False(SubjectIdentity.IsSubjectCode("12345", Today));
        Assert.Equal(IdNumber, SubjectIdentity.Normalize(" １１０１０５１９４９１２３１００２ｘ "));
    }

    [Fact]
    public void An_ID_number_born_after_today_is_no_ID_number()
    {
        var first17 = "640104" + "20260311" + "001";
        var tomorrowsBaby = first17 + CitizenIdNumber.ComputeCheckCharacter(first17);
        Assert.False(SubjectIdentity.IsNaturalPerson(tomorrowsBaby, Today));
        Assert.True(SubjectIdentity.IsNaturalPerson(tomorrowsBaby, Today.AddDays(1)));
    }
}
