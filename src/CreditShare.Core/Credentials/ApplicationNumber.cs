using System.Globalization;
using System.Security.Cryptography;

namespace CreditShare.Core.Credentials;

/// <summary>
/// The number an applicant looks an application up by, printed as a QR code on 附1: <c>UK</c>, the day of
/// application, ten random characters and a check character (<c>UK20261201-7K3M9Q2WXD-P</c>). Random, because the
/// status lookup needs no account; checked, so that a mistyped or made-up number is refused before any lookup.
/// </summary>
public static class ApplicationNumber
{
    // Crockford's base 32: no I, L, O, U, so nothing is misread from paper.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int RandomLength = 10;

    /// <summary>An application's (附1).</summary>
    public const string ApplicationPrefix = "UK";

    /// <summary>A renewal registration's (附4, 更换).</summary>
    public const string RenewalPrefix = "GH";

    public static string New(DateOnly day, string prefix = ApplicationPrefix)
    {
        Span<char> random = stackalloc char[RandomLength];
        for (var i = 0; i < random.Length; i++)
        {
            random[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        // Invariant: a server whose culture has another calendar (th-TH) would write another year.
        var body = $"{prefix}{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{random}";
        return $"{body}-{CheckCharacter(body)}";
    }

    /// <summary>The number in its canonical form, or null when it is not one this platform could have made.</summary>
    public static string? Parse(string? input, string prefix = ApplicationPrefix)
    {
        var text = Codes.CodeText.Normalize(input).Replace(" ", "", StringComparison.Ordinal);
        // UK + 8 digits + '-' + 10 + '-' + 1
        if (text.Length != 23 || !text.StartsWith(prefix, StringComparison.Ordinal) || text[10] != '-' || text[21] != '-')
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text.AsSpan(2, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return null;
        }

        foreach (var c in text.AsSpan(11, RandomLength))
        {
            if (!Alphabet.Contains(c))
            {
                return null;
            }
        }

        return text[22] == CheckCharacter(text.AsSpan(0, 21)) ? text : null;
    }

    /// <summary>
    /// The characters after <c>UK</c> as elements of GF(32), weighted by distinct powers of a primitive element and
    /// added. Every character of the alphabet is its own non-zero difference from every other, so any single wrong
    /// character and any swap of two different characters (neighbours or not, the check character included) changes the
    /// sum. (A weighted sum modulo 31 over 32 characters could not tell 0 from Z.)
    /// </summary>
    private static char CheckCharacter(ReadOnlySpan<char> body)
    {
        var sum = 0;
        var weight = 1;
        foreach (var c in body[2..])
        {
            if (c == '-')
            {
                continue;
            }

            weight = Multiply(weight, 2);
            sum ^= Multiply(weight, Alphabet.IndexOf(c));
        }

        return Alphabet[sum];
    }

    /// <summary>Multiplication in GF(2⁵) modulo the primitive polynomial x⁵ + x² + 1.</summary>
    private static int Multiply(int a, int b)
    {
        var product = 0;
        for (; b > 0; b >>= 1)
        {
            if ((b & 1) != 0)
            {
                product ^= a;
            }

            a <<= 1;
            if ((a & 0b100000) != 0)
            {
                a ^= 0b100101;
            }
        }

        return product;
    }
}
