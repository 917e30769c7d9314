using System.Text.Encodings.Web;
using System.Text.Json;

namespace CreditShare.Core.Contract;

/// <summary>The serializer settings of every JSON answer: web defaults (camelCase, case-insensitive reading), Chinese unescaped.</summary>
public static class WireJson
{
    public static JsonSerializerOptions Options { get; } = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applied to the host's own options (which start from the web defaults) so that both are the same.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
