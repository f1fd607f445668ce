using System.Text.Json;

namespace ExecdJvb.Tests;

/// <summary>
/// The jicofo_bridge, jicofo_jibri and jicofo_jigasi points a Jicofo /debug payload should give, read from it here with
/// System.Text.Json's document model, apart from the plugin's reading: one per bridge (its strings as tags unless the
/// text "null", its numbers and booleans as 1/0), one per Jibri with a status, one per Jigasi. Each list is sorted by
/// nickname.
/// </summary>
internal static class FleetPayload
{
    private static readonly string[] BridgeFields =
        ["stress", "corrected-stress", "endpoints", "endpoint-restart-requests", "healthy", "operational", "overloaded", "drain", "graceful-shutdown", "shutting-down", "failing-ice"];

    /// <param name="payload">The /debug answer.</param>
    /// <param name="jicofo">The Jicofo's own tag: url, or container_name.</param>
    /// <param name="jicofoVersion">The Jicofo's version tag on Jibri and Jigasi points, or null when versions are not tagged.</param>
    /// <param name="timestamp">The gather's time.</param>
    /// <param name="jvbContainers">Bridge nickname → the jvb_container_name its point should carry.</param>
    public static (DecodedPoint[] Bridges, DecodedPoint[] Jibris, DecodedPoint[] Jigasis) Points(
        byte[] payload, DecodedTag jicofo, string? jicofoVersion, long timestamp, IReadOnlyDictionary<string, string>? jvbContainers = null)
    {
        using JsonDocument document = JsonDocument.Parse(payload);
        JsonElement root = document.RootElement;
        DecodedTag[] jicofoTags = jicofoVersion is null ? [jicofo] : [jicofo, new("version", jicofoVersion)];
        var bridges = new List<DecodedPoint>();
        foreach (JsonProperty bridge in root.GetProperty("bridge_selector").GetProperty("bridge").EnumerateObject())
        {
            string nickname = bridge.Name[(bridge.Name.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var tags = new List<DecodedTag> { jicofo, new("jvb", nickname) };
            if (jvbContainers is not null && jvbContainers.TryGetValue(nickname, out string? container))
            {
                tags.Add(new("jvb_container_name", container));
            }

            foreach ((string json, string tag) in new[] { ("region", "region"), ("relay-id", "relay_id"), ("version", "version") })
            {
                string value = bridge.Value.GetProperty(json).GetString()!;
                if (value != "null")
                {
                    tags.Add(new(tag, value));
                }
            }

            bridges.Add(new DecodedPoint(
                "jicofo_bridge",
                [.. tags.OrderBy(tag => tag.Key, StringComparer.Ordinal)],
                [.. BridgeFields.Select(name => new DecodedField(name.Replace('-', '_'), Number(bridge.Value.GetProperty(name))))],
                timestamp));
        }

        var jibris = new List<DecodedPoint>();
        foreach ((string detector, string kind) in new[] { ("jibri_detector", "recording"), ("sip_jibri_detector", "sip") })
        {
            JsonElement d = root.GetProperty(detector);
            if (d.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            foreach (JsonProperty instance in d.EnumerateObject().Where(p => p.Name is not ("is_sip" or "brewery_jid")))
            {
                var fields = new List<DecodedField>();
                string health = instance.Value.GetProperty("health_status").GetString()!;
                string busy = instance.Value.GetProperty("busy_status").GetString()!;
                if (health is "healthy" or "unhealthy")
                {
                    fields.Add(new("healthy", health == "healthy" ? 1.0 : 0.0));
                }

                if (busy is "busy" or "idle")
                {
                    fields.Add(new("busy", busy == "busy" ? 1.0 : 0.0));
                }

                if (instance.Value.TryGetProperty("reports_available", out JsonElement available))
                {
                    fields.Add(new("available", available.GetBoolean() ? 1.0 : 0.0));
                }

                if (fields.Count > 0)
                {
                    DecodedTag[] tags = [.. jicofoTags, new("jibri", instance.Name), new("kind", kind)];
                    jibris.Add(new DecodedPoint("jicofo_jibri", [.. tags.OrderBy(tag => tag.Key, StringComparer.Ordinal)], fields, timestamp));
                }
            }
        }

        var jigasis = new List<DecodedPoint>();
        JsonElement jigasiDetector = root.GetProperty("jigasi_detector");
        if (jigasiDetector.ValueKind != JsonValueKind.Null)
        {
            foreach (JsonProperty instance in jigasiDetector.EnumerateObject().Where(p => p.Name != "brewery_jid"))
            {
                var tags = new List<DecodedTag>(jicofoTags) { new("jigasi", instance.Name) };
                string region = instance.Value.GetProperty("region").GetString()!;
                if (region != "null")
                {
                    tags.Add(new("region", region));
                }

                jigasis.Add(new DecodedPoint(
                    "jicofo_jigasi",
                    [.. tags.OrderBy(tag => tag.Key, StringComparer.Ordinal)],
                    [
                        new("participants", Number(instance.Value.GetProperty("participants"))),
                        new("graceful_shutdown", Number(instance.Value.GetProperty("is_in_graceful_shutdown"))),
                        new("supports_sip", Number(instance.Value.GetProperty("supports_sip"))),
                        new("supports_transcription", Number(instance.Value.GetProperty("supports_transcription"))),
                    ],
                    timestamp));
            }
        }

        return (
            [.. bridges.OrderBy(Name("jvb"), StringComparer.Ordinal)],
            [.. jibris.OrderBy(Name("jibri"), StringComparer.Ordinal)],
            [.. jigasis.OrderBy(Name("jigasi"), StringComparer.Ordinal)]);
    }

    /// <summary>The fleet points of one Jicofo in a batch, in the order of <see cref="Points"/>, as exact text.</summary>
    public static (string[] Bridges, string[] Jibris, string[] Jigasis) Written(IEnumerable<DecodedPoint> batch, DecodedTag jicofo)
    {
        DecodedPoint[] own = [.. batch.Where(point => point.Tags.Contains(jicofo))];
        return (Texts(own, "jicofo_bridge", "jvb"), Texts(own, "jicofo_jibri", "jibri"), Texts(own, "jicofo_jigasi", "jigasi"));
    }

    public static string[] Texts(IEnumerable<DecodedPoint> points) => [.. points.Select(point => point.ToString())];

    private static string[] Texts(DecodedPoint[] points, string measurement, string nickname) =>
        Texts(points.Where(point => point.Measurement == measurement).OrderBy(Name(nickname), StringComparer.Ordinal));

    private static Func<DecodedPoint, string> Name(string tag) => point => point.Tags.Single(t => t.Key == tag).Value;

    private static double Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => 1.0,
        JsonValueKind.False => 0.0,
        _ => value.GetDouble(),
    };
}
