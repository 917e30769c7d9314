using System.Reflection;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using QRCoder;

namespace CreditShare.Web.Documents;

/// <summary>
/// The platform's A4 PDF writer (PDFsharp), shared by the documents it issues (credit reports, shared-data exports): a
/// footer on every page, label–value pairs, rules and a QR code. Chinese is drawn with the font embedded in this
/// assembly, so the PDF renders the same on a machine with no CJK fonts installed.
/// </summary>
public static class ReportPdf
{
    private const string Family = "CreditShareCJK";
    private const string LatinFamily = "CreditShareLatin";
    private const double Margin = 50;
    private static readonly Lock FontLock = new();

    internal static void EnsureFonts()
    {
        lock (FontLock)
        {
            // PDFsharp's font resolver is process-wide and may be set once.
            if (GlobalFontSettings.FontResolver is not EmbeddedFontResolver)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFontResolver();
            }
        }
    }

    /// <summary>Droid Sans Fallback has the Chinese but no Latin letters or digits; DejaVu Sans draws those.</summary>
    private sealed class EmbeddedFontResolver : IFontResolver
    {
        private static readonly byte[] Cjk = Load("Fonts.DroidSansFallback.ttf");
        private static readonly byte[] Latin = Load("Fonts.DejaVuSans.ttf");

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(familyName == LatinFamily ? LatinFamily : Family, mustSimulateBold: bold, mustSimulateItalic: italic);

        public byte[]? GetFont(string faceName) => faceName == LatinFamily ? Latin : Cjk;

        private static byte[] Load(string name)
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The embedded font {name} is missing from the assembly.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }

    /// <summary>Top-to-bottom text with line wrapping by width (Chinese has no spaces to break at) and page breaks.</summary>
    internal sealed class Writer
    {
        private readonly PdfDocument document;
        private readonly string footerText;
        private PdfPage page = null!;
        private XGraphics graphics = null!;
        private double y;

        /// <summary><paramref name="footer"/> goes at the foot of every page, before the page number.</summary>
        public Writer(PdfDocument document, string footer)
        {
            this.document = document;
            footerText = footer;
            NewPage();
        }

        private double Width => page.Width.Point - (2 * Margin);

        public void Line(string text, double size, bool bold = false)
        {
            var font = new Fonts(size, bold);
            foreach (var line in Wrap(text, font, Width))
            {
                Room(size * 1.5);
                Draw(line, font, XBrushes.Black, Margin, y);
                y += size * 1.5;
            }
        }

        public void Pair(string label, string value)
        {
            var labelFont = new Fonts(9.5, false);
            var valueFont = new Fonts(10, false);
            var labelWidth = 160;
            var lines = Wrap(value, valueFont, Width - labelWidth);
            foreach (var (line, i) in lines.Select((l, i) => (l, i)))
            {
                Room(15);
                if (i == 0)
                {
                    Draw(label, labelFont, XBrushes.DimGray, Margin, y);
                }

                Draw(line, valueFont, XBrushes.Black, Margin + labelWidth, y);
                y += 15;
            }
        }

        public void Rule()
        {
            Room(10);
            graphics.DrawLine(XPens.LightGray, Margin, y + 4, Margin + Width, y + 4);
            y += 10;
        }

        public void Gap(double points) => y += points;

        /// <summary>The QR code in the top right corner of the first page, drawn module by module as vector squares.</summary>
        public void QrCode(string url)
        {
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
            var modules = data.ModuleMatrix;
            const double size = 84;
            var cell = size / modules.Count;
            var left = page.Width.Point - Margin - size;
            for (var row = 0; row < modules.Count; row++)
            {
                for (var column = 0; column < modules.Count; column++)
                {
                    if (modules[row][column])
                    {
                        graphics.DrawRectangle(XBrushes.Black, left + (column * cell), Margin + (row * cell), cell + 0.05, cell + 0.05);
                    }
                }
            }

            y = Math.Max(y, Margin + size + 6);
        }

        private void Room(double height)
        {
            if (y + height > page.Height.Point - Margin - 20)
            {
                NewPage();
            }
        }

        private void NewPage()
        {
            graphics?.Dispose();
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            graphics = XGraphics.FromPdfPage(page);
            var footer = new Fonts(8, false);
            var text = $"{footerText} · 第 {document.PageCount} 页";
            Draw(text, footer, XBrushes.Gray, (page.Width.Point - Measure(text, footer)) / 2, page.Height.Point - Margin);
            y = Margin;
        }

        /// <summary>Draws text run by run, each run in the font that has its characters.</summary>
        private void Draw(string text, Fonts fonts, XBrush brush, double x, double top)
        {
            foreach (var (run, font) in Runs(text, fonts))
            {
                graphics.DrawString(run, font, brush, new XRect(x, top, 1000, font.Size * 1.5), XStringFormats.TopLeft);
                x += graphics.MeasureString(run, font).Width;
            }
        }

        private double Measure(string text, Fonts fonts) => Runs(text, fonts).Sum(r => graphics.MeasureString(r.Text, r.Font).Width);

        private static IEnumerable<(string Text, XFont Font)> Runs(string text, Fonts fonts)
        {
            var start = 0;
            for (var i = 1; i <= text.Length; i++)
            {
                if (i == text.Length || Fonts.IsLatin(text[i]) != Fonts.IsLatin(text[start]))
                {
                    yield return (text[start..i], fonts.For(text[start]));
                    start = i;
                }
            }
        }

        private List<string> Wrap(string text, Fonts font, double width)
        {
            var lines = new List<string>();
            foreach (var paragraph in text.Replace("\r", "").Split('\n'))
            {
                var start = 0;
                var used = 0.0;
                for (var i = 0; i < paragraph.Length; i++)
                {
                    var advance = graphics.MeasureString(paragraph[i].ToString(), font.For(paragraph[i])).Width;
                    if (used + advance > width && i > start)
                    {
                        lines.Add(paragraph[start..i]);
                        start = i;
                        used = 0;
                    }

                    used += advance;
                }

                lines.Add(paragraph[start..]);
            }

            return lines;
        }
    }

    /// <summary>The pair of faces one size of text is drawn with.</summary>
    private sealed class Fonts(double size, bool bold)
    {
        private readonly XFont cjk = new(Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
        private readonly XFont latin = new(LatinFamily, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

        public static bool IsLatin(char c) => c <= '\u024F';

        public XFont For(char c) => IsLatin(c) ? latin : cjk;
    }
}
