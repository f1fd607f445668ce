using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ExecdJvb.Jitsi;

/// <summary>
/// Reads a component's <c>/about/version</c> answer, <c>{"name":"JVB","version":"2.3.168-g28674f78","os":"Linux"}</c>
/// (jitsi/jicoco org/jitsi/rest/Version.java writes name, version and os of the running component: the JVB, Jicofo,
/// Jigasi).
/// </summary>
internal static class VersionDocument
{
    /// <summary>A version is a short word; anything longer is not one and would only bloat every line's tags.</summary>
    public const int MaxLength = 100;

    /// <summary>The top-level <c>version</c> string, trimmed; false with the reason when there is none.</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, [NotNullWhen(true)] out string? version, [NotNullWhen(false)] out string? problem) =>
        TryReadString(json, "version"u8, out version, out problem);

    /// <summary>The top-level <c>name</c> string (the component's own name: JVB, JiCoFo, Jigasi), trimmed; false when there is none.</summary>
    public static bool TryReadName(ReadOnlySpan<byte> json, [NotNullWhen(true)] out string? name) =>
        TryReadString(json, "name"u8, out name, out _);

    private static bool TryReadString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> key, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? problem)
    {
        value = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "the answer is not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isKey = reader.ValueTextEquals(key);
                reader.Read();
                if (isKey && reader.TokenType == JsonTokenType.String)
                {
                    string text = reader.GetString()!.Trim();
                    if (text.Length is > 0 and <= MaxLength && !text.Any(char.IsControl))
                    {
                        value = text;
                        problem = null;
                        return true;
                    }

                    problem = $"its {System.Text.Encoding.UTF8.GetString(key)} is not a short line of text (\"{(text.Length > 40 ? text[..40] + "…" : text)}\")";
                    return false;
                }

                reader.Skip();
            }
        }
        catch (JsonException ex)
        {
            problem = $"the answer is not JSON ({ex.Message})";
            return false;
        }
        catch (InvalidOperationException ex)
        {
            // GetString refuses invalid UTF-8.
            problem = $"the answer is not JSON ({ex.Message})";
            return false;
        }

        problem = $"the answer has no \"{System.Text.Encoding.UTF8.GetString(key)}\" string";
        return false;
    }
}
