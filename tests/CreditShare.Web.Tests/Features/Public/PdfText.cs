using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;
using PdfSharp.Pdf.IO;

namespace CreditShare.Web.Tests.Features.Public;

/// <summary>
/// The text a reader of a PDF sees, in drawing order: every string shown (Tj, TJ), each glyph mapped back to Unicode
/// through its font's ToUnicode map — what copying the text out of the report gives.
/// </summary>
public static partial class PdfText
{
    public static string Extract(byte[] pdf)
    {
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var text = new StringBuilder();
        foreach (var page in document.Pages)
        {
            var fonts = new Dictionary<string, Dictionary<int, string>>(StringComparer.Ordinal);
            if (page.Resources.Elements.GetDictionary("/Font") is { } resources)
            {
                foreach (var name in resources.Elements.Keys)
                {
                    if (resources.Elements.GetDictionary(name)?.Elements.GetDictionary("/ToUnicode") is { Stream: { } map })
                    {
                        fonts[name] = ParseCMap(Encoding.Latin1.GetString(map.UnfilteredValue));
                    }
                }
            }

            var font = "";
            foreach (var op in ContentReader.ReadContent(page).OfType<COperator>())
            {
                switch (op.OpCode.Name)
                {
                    case "Tf":
                        font = ((CName)op.Operands[0]).Name;
                        break;
                    case "Tj" or "'" or "\"":
                        Append(text, Font(fonts, font), (CString)op.Operands[^1]);
                        break;
                    case "TJ":
                        foreach (var part in ((CArray)op.Operands[0]).OfType<CString>())
                        {
                            Append(text, Font(fonts, font), part);
                        }

                        break;
                }
            }
        }

        return text.ToString();
    }

    /// <summary>A font with a ToUnicode map (PDFsharp's Unicode fonts), or null for a single-byte WinAnsi one.</summary>
    private static Dictionary<int, string>? Font(Dictionary<string, Dictionary<int, string>> fonts, string name) => fonts.GetValueOrDefault(name);

    private static void Append(StringBuilder text, Dictionary<int, string>? map, CString shown)
    {
        var bytes = shown.Value;
        if (map is null)
        {
            // WinAnsi, which PDFsharp uses for text that is all Latin: one byte a character, as Latin-1 for the ASCII range.
            text.Append(bytes);
            return;
        }

        for (var i = 0; i + 1 < bytes.Length; i += 2)
        {
            // Identity-H: two bytes per glyph.
            var code = (bytes[i] << 8) | bytes[i + 1];
            text.Append(map.TryGetValue(code, out var unicode) ? unicode : "\uFFFD");
        }
    }

    [GeneratedRegex(@"beginbfchar(?<body>.*?)endbfchar", RegexOptions.Singleline)]
    private static partial Regex CharBlocks();

    [GeneratedRegex(@"beginbfrange(?<body>.*?)endbfrange", RegexOptions.Singleline)]
    private static partial Regex RangeBlocks();

    [GeneratedRegex(@"<(?<a>[0-9A-Fa-f]+)>\s*<(?<b>[0-9A-Fa-f]+)>")]
    private static partial Regex Pair();

    [GeneratedRegex(@"<(?<lo>[0-9A-Fa-f]+)>\s*<(?<hi>[0-9A-Fa-f]+)>\s*<(?<dst>[0-9A-Fa-f]+)>")]
    private static partial Regex Range();

    private static Dictionary<int, string> ParseCMap(string cmap)
    {
        var map = new Dictionary<int, string>();
        foreach (Match block in CharBlocks().Matches(cmap))
        {
            foreach (Match pair in Pair().Matches(block.Groups["body"].Value))
            {
                map[Hex(pair.Groups["a"].Value)] = Utf16(pair.Groups["b"].Value);
            }
        }

        foreach (Match block in RangeBlocks().Matches(cmap))
        {
            foreach (Match range in Range().Matches(block.Groups["body"].Value))
            {
                var (lo, hi, dst) = (Hex(range.Groups["lo"].Value), Hex(range.Groups["hi"].Value), Hex(range.Groups["dst"].Value));
                for (var code = lo; code <= hi; code++)
                {
                    map[code] = char.ConvertFromUtf32(dst + code - lo);
                }
            }
        }

        return map;
    }

    private static int Hex(string hex) => int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string Utf16(string hex) => Encoding.BigEndianUnicode.GetString(Convert.FromHexString(hex));
}
