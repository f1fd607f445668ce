using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Telegraf's json flattening, read from its documentation and written apart from the plugin's mapper: every number,
/// named by its path (nested keys joined with _, array elements by index), as a float; strings, booleans and nulls
/// left out.
/// </summary>
internal static class JsonNumbers
{
    public static IReadOnlyList<DecodedField> Of(byte[] document)
    {
        using JsonDocument json = JsonDocument.Parse(document);
        var fields = new List<DecodedField>();
        Flatten(json.RootElement, string.Empty, fields);
        return fields;
    }

    private static void Flatten(JsonElement element, string prefix, List<DecodedField> fields)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}_{property.Name}", fields);
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Flatten(item, $"{prefix}_{index++}", fields);
                }

                break;
            case JsonValueKind.Number:
                fields.Add(new DecodedField(prefix, element.GetDouble()));
                break;
        }
    }
}
