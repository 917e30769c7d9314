using CreditShare.Core.Accounts;
using CreditShare.Core.Codes;
using CreditShare.Core.Credentials;
using CsCheck;

namespace CreditShare.Core.Tests.Credentials;

public class CredentialApplicationRulesTests
{
    private static readonly DateOnly Today = new(2026, 12, 1);
    private const string Terms = "2026-11";

    /// <summary>附1 and 附2 filled in the way a careful applicant would.</summary>
    internal static CredentialApplicationForm Valid() => new()
    {
        OrganisationName = "宁夏回族自治区市场监督管理厅",
        UnitCode = "91110000802100433B",
        Address = "银川市金凤区北京中路1号",
        PostalCode = "750002",
        UserName = "张三",
        OfficePhone = "0951-1234567",
        Mobile = "13912345678",
        Email = "zhangsan@example.cn",
        IdType = IdDocumentType.IdCard,
        IdNumber = "11010519491231002X",
        Quantity = 1,
        ValidityMonths = 24,
        Delivery = DeliveryMethod.Post,
        AgentName = "李四",
        AgentDepartment = "信用科",
        AgentPhone = "0951-7654321",
        AgentMobile = "13812345678",
        AgentEmail = "lisi@example.cn",
        AccountName = "zhangsan",
        Roles = [StaffRoles.Reporter],
        AcceptedTermsVersion = Terms,
    };

    private static IReadOnlyList<FieldError> Errors(CredentialApplicationForm form) => CredentialApplicationRules.Check(form, Today, Terms).Errors;

    private static CredentialApplicationForm Normalised(CredentialApplicationForm form)
    {
        var (normalised, errors) = CredentialApplicationRules.Check(form, Today, Terms);
        Assert.Empty(errors);
        return normalised;
    }

    private static void AssertOnly(CredentialApplicationForm form, string field, string code)
    {
        var error = Assert.Single(Errors(form));
        Assert.Equal((field, code), (error.Field, error.Code));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void A_complete_form_is_taken_as_it_is()
    {
        var (normalised, errors) = CredentialApplicationRules.Check(Valid(), Today, Terms);
        Assert.Empty(errors);
        Assert.Equal(Valid() with { Roles = normalised.Roles }, normalised);
        Assert.Equal([StaffRoles.Reporter], normalised.Roles);
    }

    [Theory]
    [InlineData("organisationName")]
    [InlineData("address")]
    [InlineData("userName")]
    [InlineData("agentName")]
    [InlineData("agentDepartment")]
    public void A_missing_text_field_is_named(string field)
    {
        var form = Blank(Valid(), field, "　 ");
        AssertOnly(form, field, "application.required");
    }

    [Theory]
    [InlineData("organisationName", 100)]
    [InlineData("address", 200)]
    [InlineData("userName", 50)]
    [InlineData("agentName", 50)]
    [InlineData("agentDepartment", 100)]
    public void A_text_field_has_a_length_limit(string field, int limit)
    {
        Assert.Empty(Errors(Blank(Valid(), field, new string('宁', limit))));
        AssertOnly(Blank(Valid(), field, new string('宁', limit + 1)), field, "application.too_long");
    }

    private static CredentialApplicationForm Blank(CredentialApplicationForm form, string field, string value) => field switch
    {
        "organisationName" => form with { OrganisationName = value },
        "address" => form with { Address = value },
        "userName" => form with { UserName = value },
        "agentName" => form with { AgentName = value },
        "agentDepartment" => form with { AgentDepartment = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [Fact]
    public void Names_and_addresses_are_trimmed_and_made_half_width_but_keep_their_case()
    {
        var form = Normalised(Valid() with
        {
            OrganisationName = "　宁夏ＡＢＣ科技有限公司 ",
            Address = " 银川市兴庆区１号　",
            UserName = " 张三　",
            AgentDepartment = "ＩＴ部",
        });
        Assert.Equal("宁夏ABC科技有限公司", form.OrganisationName);
        Assert.Equal("银川市兴庆区1号", form.Address);
        Assert.Equal("张三", form.UserName);
        Assert.Equal("IT部", form.AgentDepartment);
    }

    [Theory]
    [InlineData("750002", "750002")]
    [InlineData("750 002", "750002")]
    [InlineData(" ７５０　００２ ", "750002")]
    public void Postal_codes_lose_their_spaces_and_full_width_digits(string typed, string stored) =>
        Assert.Equal(stored, Normalised(Valid() with { PostalCode = typed }).PostalCode);

    [Theory]
    [InlineData("")]
    [InlineData("75000")]
    [InlineData("7500021")]
    [InlineData("75000A")]
    [InlineData("750-002")]
    public void A_postal_code_is_six_digits(string typed) => AssertOnly(Valid() with { PostalCode = typed }, "postalCode", "application.postal_code");

    [Theory]
    [InlineData("13912345678", "13912345678")]
    [InlineData("139-1234-5678", "13912345678")]
    [InlineData("139 1234 5678", "13912345678")]
    [InlineData("+86 139-1234-5678", "13912345678")]
    [InlineData("+8613912345678", "13912345678")]
    [InlineData("0086 13912345678", "13912345678")]
    [InlineData("＋８６　１３９１２３４５６７８", "13912345678")]
    [InlineData("１３９－１２３４－５６７８", "13912345678")]
    public void Mobiles_are_written_as_eleven_digits(string typed, string stored)
    {
        var form = Normalised(Valid() with { Mobile = typed, AgentMobile = typed });
        Assert.Equal(stored, form.Mobile);
        Assert.Equal(stored, form.AgentMobile);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1391234567")]
    [InlineData("139123456789")]
    [InlineData("12912345678")]
    [InlineData("23912345678")]
    [InlineData("+1 139 1234 5678")]
    [InlineData("0951-1234567")]
    public void A_mobile_that_is_not_eleven_digits_starting_13_to_19_is_refused(string typed)
    {
        AssertOnly(Valid() with { Mobile = typed }, "mobile", "application.mobile");
        AssertOnly(Valid() with { AgentMobile = typed }, "agentMobile", "application.mobile");
    }

    [Theory]
    [InlineData("0951-1234567", "0951-1234567")]
    [InlineData("0951 - 1234567", "0951-1234567")]
    [InlineData("０９５１－１２３４５６７", "0951-1234567")]
    [InlineData("0951—1234567", "0951-1234567")]
    [InlineData("09511234567", "09511234567")]
    [InlineData("0951-1234567转8001", "0951-1234567转8001")]
    [InlineData("+86-951-1234567", "+86-951-1234567")]
    public void Office_phones_are_normalised(string typed, string stored)
    {
        var form = Normalised(Valid() with { OfficePhone = typed, AgentPhone = typed });
        Assert.Equal(stored, form.OfficePhone);
        Assert.Equal(stored, form.AgentPhone);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("电话0951-1234567")]
    [InlineData("0951-1234567-")]
    [InlineData("0951/1234567")]
    public void A_phone_that_is_not_a_number_is_refused(string typed)
    {
        AssertOnly(Valid() with { OfficePhone = typed }, "officePhone", "application.phone");
        AssertOnly(Valid() with { AgentPhone = typed }, "agentPhone", "application.phone");
    }

    [Fact]
    public void Emails_are_lower_cased_and_half_width()
    {
        var form = Normalised(Valid() with { Email = " ZhangSan＠Example.CN ", AgentEmail = "LISI@EXAMPLE.CN" });
        Assert.Equal("zhangsan@example.cn", form.Email);
        Assert.Equal("lisi@example.cn", form.AgentEmail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zhangsan")]
    [InlineData("zhangsan@example")]
    [InlineData("zhang san@example.cn")]
    [InlineData("a@b@example.cn")]
    public void An_email_without_a_domain_is_refused(string typed)
    {
        AssertOnly(Valid() with { Email = typed }, "email", "application.email");
        AssertOnly(Valid() with { AgentEmail = typed }, "agentEmail", "application.email");
    }

    [Fact]
    public void An_email_longer_than_a_hundred_characters_is_refused() =>
        AssertOnly(Valid() with { Email = new string('a', 90) + "@example.cn" }, "email", "application.email");

    [Theory]
    [InlineData("110105194912310021", "id_number.check_digit")]
    [InlineData("11010519491331002X", "id_number.birth_date")]
    [InlineData("1101051949123100", "id_number.length")]
    [InlineData("", "id_number.required")]
    public void An_identity_card_number_is_checked_to_its_check_digit(string typed, string code) =>
        AssertOnly(Valid() with { IdNumber = typed }, "idNumber", code);

    [Fact]
    public void An_identity_card_number_is_upper_cased_and_half_width() =>
        Assert.Equal("11010519491231002X", Normalised(Valid() with { IdNumber = " １１０１０５１９４９１２３１００２ｘ " }).IdNumber);

    [Fact]
    public void Every_identity_card_number_with_a_wrong_check_digit_is_refused()
    {
        var first17 = Gen.Select(Gen.Int[110000, 659999], Gen.Int[0, 25000], Gen.Int[0, 999])
            .Select((area, days, sequence) => $"{area:D6}{new DateOnly(1950, 1, 1).AddDays(days):yyyyMMdd}{sequence:D3}");
        Gen.Select(first17, Gen.Int[1, 10]).Sample((body, shift) =>
        {
            const string checks = "0123456789X";
            var right = CitizenIdNumber.ComputeCheckCharacter(body);
            Assert.Empty(Errors(Valid() with { IdNumber = body + right }));
            var wrong = checks[(checks.IndexOf(right) + shift) % 11];
            AssertOnly(Valid() with { IdNumber = body + wrong }, "idNumber", "id_number.check_digit");
        }, iter: 500);
    }

    [Fact]
    public void Another_document_needs_only_a_number()
    {
        Assert.Equal("E12345678", Normalised(Valid() with { IdType = IdDocumentType.Other, IdNumber = "e12345678" }).IdNumber);
        AssertOnly(Valid() with { IdType = IdDocumentType.Other, IdNumber = " " }, "idNumber", "application.required");
        AssertOnly(Valid() with { IdType = IdDocumentType.Other, IdNumber = new string('1', 31) }, "idNumber", "application.too_long");
    }

    [Fact]
    public void An_unknown_document_type_is_refused() =>
        AssertOnly(Valid() with { IdType = (IdDocumentType)7 }, "idType", "application.id_type");

    [Theory]
    [InlineData(24)]
    [InlineData(48)]
    public void A_certificate_is_valid_for_24_or_48_months(int months) =>
        Assert.Equal(months, Normalised(Valid() with { ValidityMonths = months }).ValidityMonths);

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(36)]
    [InlineData(60)]
    [InlineData(-24)]
    public void No_other_validity_is_offered(int months) =>
        AssertOnly(Valid() with { ValidityMonths = months }, "validityMonths", "application.validity");

    [Theory]
    [InlineData(1, true)]
    [InlineData(10, true)]
    [InlineData(0, false)]
    [InlineData(11, false)]
    [InlineData(-1, false)]
    public void One_to_ten_keys_may_be_asked_for(int quantity, bool taken)
    {
        if (taken)
        {
            Assert.Empty(Errors(Valid() with { Quantity = quantity }));
        }
        else
        {
            AssertOnly(Valid() with { Quantity = quantity }, "quantity", "application.quantity");
        }
    }

    [Fact]
    public void The_key_is_posted_or_collected()
    {
        Assert.Empty(Errors(Valid() with { Delivery = DeliveryMethod.Collect }));
        AssertOnly(Valid() with { Delivery = (DeliveryMethod)2 }, "delivery", "application.delivery");
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1zhangsan")]
    [InlineData("zhang san")]
    [InlineData("张三")]
    [InlineData("")]
    public void The_account_name_is_a_sign_in_name(string typed) =>
        AssertOnly(Valid() with { AccountName = typed }, "accountName", "application.account_name");

    [Fact]
    public void The_account_name_is_made_half_width()
    {
        Assert.Equal("zhang.san_01", Normalised(Valid() with { AccountName = " ｚｈａｎｇ.san_01 " }).AccountName);
        Assert.Empty(Errors(Valid() with { AccountName = "a" + new string('b', 31) }));
        AssertOnly(Valid() with { AccountName = "a" + new string('b', 32) }, "accountName", "application.account_name");
    }

    [Fact]
    public void At_least_one_role_is_asked_for() =>
        AssertOnly(Valid() with { Roles = [" ", ""] }, "roles", "application.roles");

    [Fact]
    public void Roles_are_trimmed_and_asked_for_once()
    {
        var form = Normalised(Valid() with { Roles = [" 报送员", "报送员 ", StaffRoles.UserUnitQuerier] });
        Assert.Equal([StaffRoles.Reporter, StaffRoles.UserUnitQuerier], form.Roles);
    }

    [Fact]
    public void Every_data_role_a_unit_needs_may_be_applied_for() =>
        Assert.Empty(Errors(Valid() with { Roles = [StaffRoles.Reporter, StaffRoles.UserUnitQuerier, StaffRoles.Querier, StaffRoles.Reviewer] }));

    [Theory]
    [InlineData(StaffRoles.SystemAdmin)]
    [InlineData(StaffRoles.SecurityAdmin)]
    [InlineData(StaffRoles.AuditAdmin)]
    [InlineData(StaffRoles.CertificateOperator)]
    public void A_managing_role_is_not_applied_for_with_a_u_key(string role) =>
        AssertOnly(Valid() with { Roles = [role] }, "roles", "application.role_not_applicable");

    [Fact]
    public void An_unknown_role_is_neither_applicable_nor_a_role()
    {
        var codes = Errors(Valid() with { Roles = ["超级管理员"] }).Select(e => e.Code).ToList();
        Assert.Equal(["application.role_not_applicable", "role.unknown"], codes);
    }

    [Theory]
    [InlineData(StaffRoles.SecurityAdmin)]
    [InlineData(StaffRoles.CertificateOperator)]
    public void A_manager_asked_for_with_a_data_role_also_breaks_the_separation_of_duties(string manager)
    {
        var errors = Errors(Valid() with { Roles = [StaffRoles.Querier, manager] });
        Assert.Equal(["application.role_not_applicable", "role.separation_of_duties"], errors.Select(e => e.Code));
        Assert.All(errors, e => Assert.Equal("roles", e.Field));
    }

    [Fact]
    public void Two_administrators_are_refused_twice_over() =>
        Assert.Equal(
            ["application.role_not_applicable", "application.role_not_applicable", "role.admins_exclusive"],
            Errors(Valid() with { Roles = [StaffRoles.SystemAdmin, StaffRoles.AuditAdmin] }).Select(e => e.Code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026-10")]
    [InlineData("2026-11 ")]
    public void The_terms_accepted_are_the_current_ones(string? accepted) =>
        AssertOnly(Valid() with { AcceptedTermsVersion = accepted }, "acceptTerms", "application.terms");

    [Fact]
    public void The_unit_code_is_checked_and_normalised()
    {
        Assert.Equal("91110000802100433B", Normalised(Valid() with { UnitCode = " ９１１１００００８０２１００４３３ｂ " }).UnitCode);
        var errors = Errors(Valid() with { UnitCode = "91110000802100433C" });
        Assert.Equal("unitCode", Assert.Single(errors).Field);
    }

    [Fact]
    public void Every_error_of_an_empty_form_is_reported_at_once()
    {
        var fields = Errors(new CredentialApplicationForm()).Select(e => e.Field).ToHashSet();
        string[] expected =
        [
            "unitCode", "organisationName", "address", "postalCode", "userName", "officePhone", "mobile", "email", "idNumber",
            "agentName", "agentDepartment", "agentPhone", "agentMobile", "agentEmail", "accountName", "roles", "acceptTerms",
        ];
        Assert.Equal(expected.ToHashSet(), fields);
    }

    private static CertificateReplacement Replacement() => new()
    {
        HolderName = "王五",
        HolderPhone = "0951-1234568",
        SerialNumber = "4A1F00C3D2",
        Reason = CancellationReason.UserInformationChanged,
    };

    [Fact]
    public void A_change_names_the_u_key_it_replaces_as_on_form_3_and_the_serial_is_taken_as_people_copy_it()
    {
        var replaces = Normalised(Valid() with { Replaces = Replacement() with { SerialNumber = " 4a:1f:00:c3:d2 ", HolderName = "　王五 " } }).Replaces!;
        Assert.Equal("4A1F00C3D2", replaces.SerialNumber);
        Assert.Equal("王五", replaces.HolderName);
        Assert.Null(Normalised(Valid()).Replaces);
    }

    [Theory]
    [InlineData("", "replaces.serialNumber", "application.replaced_serial")]
    [InlineData("not-hex", "replaces.serialNumber", "application.replaced_serial")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF0123456789", "replaces.serialNumber", "application.replaced_serial")]
    public void A_replaced_serial_that_is_not_a_certificate_serial_is_refused(string serial, string field, string code) =>
        AssertOnly(Valid() with { Replaces = Replacement() with { SerialNumber = serial } }, field, code);

    [Fact]
    public void A_change_needs_the_holder_and_a_form_3_reason_with_its_text_for_other()
    {
        AssertOnly(Valid() with { Replaces = Replacement() with { HolderName = " " } }, "replaces.holderName", "application.required");
        AssertOnly(Valid() with { Replaces = Replacement() with { HolderPhone = "abc" } }, "replaces.holderPhone", "application.phone");
        AssertOnly(Valid() with { Replaces = Replacement() with { Reason = CancellationReason.Other } }, "replaces.reasonText", "cancellation.reason_text");
        AssertOnly(Valid() with { Replaces = Replacement() with { Reason = (CancellationReason)99 } }, "replaces.reason", "cancellation.reason");
        Assert.Equal("调岗", Normalised(Valid() with { Replaces = Replacement() with { Reason = CancellationReason.Other, ReasonText = " 调岗 " } }).Replaces!.ReasonText);
    }
}
