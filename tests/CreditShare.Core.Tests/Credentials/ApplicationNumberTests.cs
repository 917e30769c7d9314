using System.Globalization;
using CreditShare.Core.Credentials;
using CsCheck;

namespace CreditShare.Core.Tests.Credentials;

public class ApplicationNumberTests
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly Gen<DateOnly> Days = Gen.Int[0, 20000].Select(d => new DateOnly(2020, 1, 1).AddDays(d));

    [Fact]
    public void A_new_number_has_the_day_ten_random_characters_and_a_check_character()
    {
        var number = ApplicationNumber.New(new DateOnly(2026, 12, 1));
        Assert.Matches("^UK20261201-[0-9A-HJKMNP-TV-Z]{10}-[0-9A-HJKMNP-TV-Z]$", number);
        Assert.NotEqual(number, ApplicationNumber.New(new DateOnly(2026, 12, 1)));
    }

    [Fact]
    public void Every_new_number_parses_back_to_itself() =>
        Days.Sample(day =>
        {
            var number = ApplicationNumber.New(day);
            Assert.Equal(number, ApplicationNumber.Parse(number));
            Assert.StartsWith($"UK{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-", number, StringComparison.Ordinal);
        }, iter: 2000);

    [Fact]
    public void Lower_case_full_width_and_spaced_numbers_are_read_as_printed()
    {
        var number = ApplicationNumber.New(new DateOnly(2026, 12, 1));
        Assert.Equal(number, ApplicationNumber.Parse(number.ToLowerInvariant()));
        Assert.Equal(number, ApplicationNumber.Parse($"  {number}  "));
        Assert.Equal(number, ApplicationNumber.Parse(string.Concat(number.Select(c => c == '-' ? "－" : ((char)(c + 0xFEE0)).ToString()))));
        Assert.Equal(number, ApplicationNumber.Parse(number.Replace("-", " - ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Any_one_changed_character_is_caught()
    {
        var changes = Gen.Select(Days, Gen.Int[0, 17], Gen.Int[1, 31]);
        changes.Sample((day, position, shift) =>
        {
            var number = ApplicationNumber.New(day);
            // The eight date digits and the ten random characters, then the check character.
            var index = position < 8 ? 2 + position : 11 + position - 8;
            var original = number[index];
            var replacement = Alphabet[(Alphabet.IndexOf(original) + shift) % Alphabet.Length];
            var changed = string.Concat(number.AsSpan(0, index), replacement.ToString(), number.AsSpan(index + 1));
            Assert.Null(ApplicationNumber.Parse(changed));
        }, iter: 5000);
    }

    [Fact]
    public void A_zero_read_as_z_is_caught()
    {
        // 0 and Z were the same to a check sum modulo 31 over 32 characters.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var number = ApplicationNumber.New(new DateOnly(2026, 12, 1));
            var random = number.AsSpan(11, 10);
            var index = random.IndexOfAny('0', 'Z');
            if (index < 0)
            {
                continue;
            }

            var chars = number.ToCharArray();
            chars[11 + index] = chars[11 + index] == '0' ? 'Z' : '0';
            Assert.Null(ApplicationNumber.Parse(new string(chars)));
        }
    }

    [Fact]
    public void A_changed_check_character_is_caught()
    {
        var number = ApplicationNumber.New(new DateOnly(2026, 12, 1));
        foreach (var c in Alphabet.Where(c => c != number[22]))
        {
            Assert.Null(ApplicationNumber.Parse(number[..22] + c));
        }
    }

    [Fact]
    public void Swapped_neighbours_are_caught()
    {
        Gen.Select(Days, Gen.Int[0, 16]).Sample((day, position) =>
        {
            var number = ApplicationNumber.New(day);
            var chars = number.ToCharArray();
            // Neighbours within the date, within the random part, and the last random character with the check character.
            var index = position < 7 ? 2 + position : 11 + position - 7;
            var (a, b) = (index, index + 1 == 21 ? 22 : index + 1);
            if (chars[a] == chars[b])
            {
                return;
            }

            (chars[a], chars[b]) = (chars[b], chars[a]);
            Assert.Null(ApplicationNumber.Parse(new string(chars)));
        }, iter: 5000);
    }

    [Fact]
    public void Another_day_with_the_same_random_part_is_caught()
    {
        var number = ApplicationNumber.New(new DateOnly(2026, 12, 1));
        Assert.Null(ApplicationNumber.Parse(number.Replace("UK20261201", "UK20261202", StringComparison.Ordinal)));
        Assert.Null(ApplicationNumber.Parse(number.Replace("UK20261201", "UK20261102", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("UK20261301")]
    [InlineData("UK20260230")]
    [InlineData("UK2026120A")]
    public void A_day_that_does_not_exist_is_refused(string prefix)
    {
        var number = ApplicationNumber.New(new DateOnly(2026, 12, 1));
        Assert.Null(ApplicationNumber.Parse(prefix + number[10..]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("UK")]
    [InlineData("UK20261201-7K3M9Q2WXD")]
    [InlineData("UK20261201-7K3M9Q2WXD-PP")]
    [InlineData("XX20261201-7K3M9Q2WXD-P")]
    [InlineData("UK20261201_7K3M9Q2WXD_P")]
    [InlineData("UK20261201-7K3M9Q2WXI-P")]
    [InlineData("UK20261201-7K3M9Q2WXU-P")]
    [InlineData("UK20261201-7K3M9Q2WX#-P")]
    [InlineData("'; DROP TABLE applications; --")]
    [InlineData("UK２０２６１２０１-7K3M9Q2WXD-PPPPPPPPPPPPPPPPP")]
    public void Garbage_is_not_a_number(string? input) => Assert.Null(ApplicationNumber.Parse(input));

    [Fact]
    public void Characters_that_are_not_ascii_digits_are_not_a_day()
    {
        var number = ApplicationNumber.New(new DateOnly(2026, 12, 1));
        // Arabic-Indic digits, which a culture-aware date parser might read as 2026.
        Assert.Null(ApplicationNumber.Parse("UK" + "\u0662\u0660\u0662\u0666\u0661\u0662\u0660\u0661" + number[10..]));
    }

    [Fact]
    public void The_day_is_written_in_the_gregorian_calendar_whatever_the_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("th-TH");
            var number = ApplicationNumber.New(new DateOnly(2026, 12, 1));
            Assert.StartsWith("UK20261201-", number, StringComparison.Ordinal);
            Assert.Equal(number, ApplicationNumber.Parse(number));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
