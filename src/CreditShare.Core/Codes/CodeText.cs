using System.Text;

namespace CreditShare.Core.Codes;

/// <summary>Normalises codes typed or pasted by people: trims, maps full-width to half-width, upper-cases.</summary>
public static class CodeText
{
    public static string Normalize(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(input.Length);
        foreach (var c in input.Trim())
        {
            // Full-width ASCII block (U+FF01..U+FF5E) maps onto U+0021..U+007E; U+3000 is the ideographic space.
            var half = c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                _ => c,
            };
            builder.Append(char.ToUpperInvariant(half));
        }

        return builder.ToString().Trim();
    }
}
