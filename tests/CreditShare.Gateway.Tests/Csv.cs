using System.Text;

namespace CreditShare.Gateway.Tests;

/// <summary>Records as a department's CSV export: a header of field codes, one line per record.</summary>
public static class Csv
{
    public static byte[] Of(IReadOnlyList<Dictionary<string, string?>> records)
    {
        var columns = records.SelectMany(r => r.Keys).Distinct().ToList();
        var text = new StringBuilder();
        text.Append(string.Join(',', columns)).Append("\r\n");
        foreach (var record in records)
        {
            text.Append(string.Join(',', columns.Select(c => Quote(record.GetValueOrDefault(c) ?? "")))).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
