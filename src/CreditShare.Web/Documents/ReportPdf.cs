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

        /// <summary>Ends the page: what follows starts at the top of a new one (with its own footer).</summary>
        public void PageBreak() => NewPage();

        /// <summary>A line of text centred between the margins, as a form's title.</summary>
        public void Centered(string text, double size, bool bold = false)
        {
            var font = new Fonts(size, bold);
            Room(size * 1.8);
            Draw(text, font, XBrushes.Black, (page.Width.Point - Measure(text, font)) / 2, y);
            y += size * 1.8;
        }

        /// <summary>How wide <paramref name="text"/> is in regular type of <paramref name="size"/>, in points.</summary>
        public double TextWidth(string text, double size) => Measure(text, new Fonts(size, false));

        /// <summary>
        /// One line of a paper form, left to right: each cell's label, then its blank (a rule to write on) with the
        /// value printed on it. A value too wide for its blank is printed smaller, down to 6.5 points; a last blank of
        /// <see cref="FormCell.Rest"/> fills the line and wraps a long value onto further ruled lines.
        /// </summary>
        public void Row(params FormCell[] cells) => Row(10.5, cells);

        public void Row(double size, params FormCell[] cells)
        {
            var font = new Fonts(size, false);
            var lineHeight = size * 2.1;
            var layout = new List<(double X, double LabelWidth, double BlankWidth, List<string> Lines, double ValueSize)>();
            var x = Margin;
            for (var i = 0; i < cells.Length; i++)
            {
                var cell = cells[i];
                var labelWidth = Measure(cell.Label, font);
                var blankWidth = double.IsPositiveInfinity(cell.Blank) ? Math.Max(0, Margin + Width - x - labelWidth) : cell.Blank;
                var lines = new List<string> { cell.Value };
                var valueSize = size;
                if (cell.Value.Length > 0 && blankWidth > 0)
                {
                    if (i == cells.Length - 1 && double.IsPositiveInfinity(cell.Blank))
                    {
                        lines = Wrap(cell.Value, font, blankWidth - 4);
                    }
                    else
                    {
                        while (valueSize > 6.5 && Measure(cell.Value, new Fonts(valueSize, false)) > blankWidth - 4)
                        {
                            valueSize -= 0.5;
                        }
                    }
                }

                layout.Add((x, labelWidth, blankWidth, lines, valueSize));
                x += labelWidth + blankWidth;
            }

            var height = lineHeight * layout.Max(l => l.Lines.Count);
            Room(height);
            foreach (var ((left, labelWidth, blankWidth, lines, valueSize), cell) in layout.Zip(cells))
            {
                var baseline = y + lineHeight - 3;
                Draw(cell.Label, font, XBrushes.Black, left, baseline - (size * 1.15));
                for (var line = 0; line < lines.Count; line++)
                {
                    var lineBaseline = baseline + (line * lineHeight);
                    if (lines[line].Length > 0)
                    {
                        Draw(lines[line], new Fonts(valueSize, false), XBrushes.Black, left + labelWidth + 2, lineBaseline - (valueSize * 1.15));
                    }

                    if (cell.Underlined && blankWidth > 0)
                    {
                        graphics.DrawLine(FormPen, left + labelWidth, lineBaseline + 2, left + labelWidth + blankWidth, lineBaseline + 2);
                    }
                }
            }

            y += height;
        }

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

    private static readonly XPen FormPen = new(XColors.Black, 0.6);

    /// <summary>
    /// A label and the blank after it on a paper form (<see cref="Writer.Row(FormCell[])"/>): <see cref="Blank"/> points
    /// wide (0: none; <see cref="Rest"/>: to the right margin), <see cref="Value"/> printed on it.
    /// </summary>
    internal readonly record struct FormCell(string Label, double Blank = 0, string Value = "", bool Underlined = true)
    {
        public const double Rest = double.PositiveInfinity;

        /// <summary>White space between cells.</summary>
        public static FormCell Space(double width) => new("", width, "", Underlined: false);
    }

    /// <summary>The pair of faces one size of text is drawn with.</summary>
    private sealed class Fonts(double size, bool bold)
    {
        private readonly XFont cjk = new(Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
        private readonly XFont latin = new(LatinFamily, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

        /// <summary>Latin letters and digits, and the ballot boxes ☐☑☒ of forms: the fallback font has none of them.</summary>
        public static bool IsLatin(char c) => c <= '\u024F' || c is >= '\u2610' and <= '\u2612';

        public XFont For(char c) => IsLatin(c) ? latin : cjk;
    }
}
