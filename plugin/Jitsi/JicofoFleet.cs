using System.Text;
using System.Text.Json;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Jitsi;

/// <summary>
/// The fleet as Jicofo sees it: its /debug short form written as one point per bridge (<c>jicofo_bridge</c>), Jibri
/// (<c>jicofo_jibri</c>) and Jigasi (<c>jicofo_jigasi</c>). Only <c>bridge_selector.bridge</c> and the three detectors are
/// read; every other member, <c>focus_manager</c> above all (its keys are room names, which users typed), is skipped
/// unread, so nothing of it can reach a line or a log. An answer that is not the expected shape writes nothing at all.
/// </summary>
internal sealed class JicofoFleet
{
    public const string BridgeMeasurement = "jicofo_bridge";
    public const string JibriMeasurement = "jicofo_jibri";
    public const string JigasiMeasurement = "jicofo_jigasi";

    // The fields of a bridge point in the order they are written, each with the key Jicofo's Bridge.debugState gives it.
    private static readonly (string Json, byte[] Field)[] BridgeFields =
    [
        ("stress", "stress"u8.ToArray()),
        ("corrected-stress", "corrected_stress"u8.ToArray()),
        ("endpoints", "endpoints"u8.ToArray()),
        ("endpoint-restart-requests", "endpoint_restart_requests"u8.ToArray()),
        ("healthy", "healthy"u8.ToArray()),
        ("operational", "operational"u8.ToArray()),
        ("overloaded", "overloaded"u8.ToArray()),
        ("drain", "drain"u8.ToArray()),
        ("graceful-shutdown", "graceful_shutdown"u8.ToArray()),
        ("shutting-down", "shutting_down"u8.ToArray()),
        ("failing-ice", "failing_ice"u8.ToArray()),
    ];

    // The bridge's strings written as tags; "release" is left out, as the version says more.
    private static readonly (string Json, string Tag)[] BridgeTags = [("region", "region"), ("relay-id", "relay_id"), ("version", "version")];
    private static readonly (string Json, string Tag)[] JigasiTags = [("region", "region")];

    private static readonly (string Json, byte[] Field)[] JigasiFields =
    [
        ("participants", "participants"u8.ToArray()),
        ("is_in_graceful_shutdown", "graceful_shutdown"u8.ToArray()),
        ("supports_sip", "supports_sip"u8.ToArray()),
        ("supports_transcription", "supports_transcription"u8.ToArray()),
    ];

    private static readonly byte[] JibriHealthy = "healthy"u8.ToArray();
    private static readonly byte[] JibriBusy = "busy"u8.ToArray();
    private static readonly byte[] JibriAvailable = "available"u8.ToArray();

    /// <summary>What the said-once state log calls a Jicofo's /debug, apart from its stats.</summary>
    public static string StateKey(string jicofoName) => $"{jicofoName} {ComponentProfile.DebugPath}";

    private readonly byte[] _bridge = Encoding.UTF8.GetBytes(BridgeMeasurement);
    private readonly byte[] _jibri = Encoding.UTF8.GetBytes(JibriMeasurement);
    private readonly byte[] _jigasi = Encoding.UTF8.GetBytes(JigasiMeasurement);
    private readonly double[] _values = new double[Math.Max(BridgeFields.Length, JigasiFields.Length)];
    private readonly string?[] _strings = new string?[BridgeTags.Length];
    private readonly List<(string Key, string Value)> _tags = [];

    /// <summary>
    /// Writes the points of one /debug answer into the batch, or nothing when it is not what Jicofo writes; returns why
    /// not (a description that quotes nothing of the answer), or null when it was read.
    /// </summary>
    /// <param name="body">The answer.</param>
    /// <param name="jicofoTags">The Jicofo's own tags (container_name or url, and version), sorted by key.</param>
    /// <param name="jvbContainerOf">Bridge nickname → the name of the JVB container read here that it is, or null (discovery knows).</param>
    /// <param name="timestamp">The gather's time.</param>
    /// <param name="batch">Where the points go.</param>
    public string? Map(ReadOnlySpan<byte> body, IReadOnlyList<TargetTag> jicofoTags, Func<string, string?> jvbContainerOf, long timestamp, LineProtocolWriter batch)
    {
        int start = batch.WrittenLength;
        string? problem;
        try
        {
            problem = Read(body, jicofoTags, jvbContainerOf, timestamp, batch);
        }
        catch (JsonException exception)
        {
            problem = $"the answer is not JSON (at byte {exception.BytePositionInLine ?? 0} of line {(exception.LineNumber ?? 0) + 1})";
        }
        catch (InvalidOperationException)
        {
            problem = "the answer holds text that is not UTF-8";
        }

        if (problem is not null)
        {
            batch.Truncate(start);
        }

        return problem;
    }

    private string? Read(ReadOnlySpan<byte> body, IReadOnlyList<TargetTag> jicofoTags, Func<string, string?> jvbContainerOf, long timestamp, LineProtocolWriter batch)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "the answer is JSON but not a JSON object";
        }

        bool bridges = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? problem = null;
            if (reader.ValueTextEquals("bridge_selector"u8))
            {
                reader.Read();
                problem = ReadSelector(ref reader, jicofoTags, jvbContainerOf, timestamp, batch, out bridges);
            }
            else if (reader.ValueTextEquals("jibri_detector"u8) || reader.ValueTextEquals("sip_jibri_detector"u8))
            {
                string kind = reader.ValueTextEquals("jibri_detector"u8) ? "recording" : "sip";
                reader.Read();
                problem = ReadDetector(ref reader, jicofoTags, timestamp, batch, kind);
            }
            else if (reader.ValueTextEquals("jigasi_detector"u8))
            {
                reader.Read();
                problem = ReadDetector(ref reader, jicofoTags, timestamp, batch, kind: null);
            }
            else
            {
                // focus_manager (room names) and the rest: passed over without a look.
                reader.Skip();
            }

            if (problem is not null)
            {
                return problem;
            }
        }

        return reader.TokenType != JsonTokenType.EndObject ? "the answer is JSON but not a JSON object"
            : !bridges ? "the answer has no bridge_selector.bridge object: it is not Jicofo's /debug"
            : null;
    }

    private string? ReadSelector(ref Utf8JsonReader reader, IReadOnlyList<TargetTag> jicofoTags, Func<string, string?> jvbContainerOf, long timestamp, LineProtocolWriter batch, out bool bridges)
    {
        bridges = false;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return "bridge_selector is not a JSON object";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("bridge"u8))
            {
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return "bridge_selector.bridge is not a JSON object";
            }

            bridges = true;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // The full JID of the bridge's brewery occupant: the nickname is its resource part.
                string jid = reader.GetString()!;
                int slash = jid.IndexOf('/', StringComparison.Ordinal);
                string nickname = slash < 0 ? jid : jid[(slash + 1)..];
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject || ReadMembers(ref reader, BridgeFields, BridgeTags) is not null)
                {
                    return "a bridge of bridge_selector.bridge is not an object of Jicofo's bridge keys and values";
                }

                if (nickname.Length == 0)
                {
                    continue;
                }

                _tags.Clear();
                AddJicofoTags(jicofoTags, skip: "version");
                _tags.Add(("jvb", nickname));
                if (jvbContainerOf(nickname) is { } container)
                {
                    _tags.Add(("jvb_container_name", container));
                }

                AddStringTags(BridgeTags);

                WritePoint(batch, _bridge, BridgeFields, timestamp);
            }
        }

        return null;
    }

    /// <summary>A Jibri detector (<paramref name="kind"/> recording or sip) or, for a null kind, the Jigasi detector: JSON null when none is configured.</summary>
    private string? ReadDetector(ref Utf8JsonReader reader, IReadOnlyList<TargetTag> jicofoTags, long timestamp, LineProtocolWriter batch, string? kind)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"{(kind is null ? "jigasi_detector" : kind == "sip" ? "sip_jibri_detector" : "jibri_detector")} is neither null nor a JSON object";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("brewery_jid"u8) || reader.ValueTextEquals("is_sip"u8))
            {
                reader.Skip();
                continue;
            }

            string nickname = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return $"an instance of {(kind is null ? "jigasi_detector" : "a Jibri detector")} is not a JSON object";
            }

            _tags.Clear();
            AddJicofoTags(jicofoTags, skip: null);
            if (nickname.Length == 0)
            {
                reader.Skip();
                continue;
            }

            if (kind is null)
            {
                if (ReadMembers(ref reader, JigasiFields, JigasiTags) is not null)
                {
                    return "an instance of jigasi_detector is not an object of Jicofo's Jigasi keys and values";
                }

                _tags.Add(("jigasi", nickname));
                AddStringTags(JigasiTags);

                WritePoint(batch, _jigasi, JigasiFields, timestamp);
            }
            else
            {
                if (ReadJibri(ref reader) is not null)
                {
                    return "an instance of a Jibri detector is not an object of Jicofo's Jibri keys and values";
                }

                _tags.Add(("jibri", nickname));
                _tags.Add(("kind", kind));
                WriteJibri(batch, timestamp);
            }
        }

        return null;
    }

    /// <summary>
    /// Reads one object's members into <see cref="_values"/> (NaN where absent or null; booleans 1 or 0) and
    /// <see cref="_strings"/> (null where absent, null or the text "null"), skipping the others; returns a problem or null.
    /// </summary>
    private string? ReadMembers(ref Utf8JsonReader reader, (string Json, byte[] Field)[] fields, (string Json, string Tag)[] strings)
    {
        Array.Fill(_values, double.NaN);
        Array.Clear(_strings);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int field = IndexOf(ref reader, fields);
            int text = field < 0 ? IndexOf(ref reader, strings) : -1;
            reader.Read();
            if (field >= 0)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.Number when reader.TryGetDouble(out double number):
                        _values[field] = number;
                        break;
                    case JsonTokenType.True:
                        _values[field] = 1;
                        break;
                    case JsonTokenType.False:
                        _values[field] = 0;
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        return "a value is not a number or boolean";
                }
            }
            else if (text >= 0)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    string value = reader.GetString()!;
                    _strings[text] = value.Length == 0 || value == "null" ? null : value;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    return "a value is not a string";
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return null;
    }

    /// <summary>Jicofo's Jibri instance: health_status and busy_status as their enum texts, reports_available only when tracked.</summary>
    private string? ReadJibri(ref Utf8JsonReader reader)
    {
        double healthy = double.NaN, busy = double.NaN, available = double.NaN;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("health_status"u8) || reader.ValueTextEquals("busy_status"u8))
            {
                bool health = reader.ValueTextEquals("health_status"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    // "undefined", and "null" for a presence without the element, leave the field out.
                    double value = health
                        ? reader.ValueTextEquals("healthy"u8) ? 1 : reader.ValueTextEquals("unhealthy"u8) ? 0 : double.NaN
                        : reader.ValueTextEquals("busy"u8) ? 1 : reader.ValueTextEquals("idle"u8) ? 0 : double.NaN;
                    (health ? ref healthy : ref busy) = value;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    return "a status is not a string";
                }
            }
            else if (reader.ValueTextEquals("reports_available"u8))
            {
                reader.Read();
                available = reader.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    JsonTokenType.Null => double.NaN,
                    _ => -1,
                };
                if (available < 0)
                {
                    return "reports_available is not a boolean";
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        _values[0] = healthy;
        _values[1] = busy;
        _values[2] = available;
        return null;
    }

    private void WriteJibri(LineProtocolWriter batch, long timestamp)
    {
        if (!BeginWithTags(batch, _jibri))
        {
            return;
        }

        batch.AddField(JibriHealthy, _values[0]);
        batch.AddField(JibriBusy, _values[1]);
        batch.AddField(JibriAvailable, _values[2]);

        // A Jibri whose presence gave no status has no field to write, so no point: EndLine drops it.
        batch.EndLine(timestamp);
    }

    private void WritePoint(LineProtocolWriter batch, byte[] measurement, (string Json, byte[] Field)[] fields, long timestamp)
    {
        if (!BeginWithTags(batch, measurement))
        {
            return;
        }

        for (int f = 0; f < fields.Length; f++)
        {
            // AddField refuses NaN: a value Jicofo did not give is left out.
            batch.AddField(fields[f].Field, _values[f]);
        }

        batch.EndLine(timestamp);
    }

    private bool BeginWithTags(LineProtocolWriter batch, byte[] measurement)
    {
        if (!batch.BeginLine(measurement, distinctFieldKeys: true))
        {
            return false;
        }

        _tags.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach ((string key, string value) in _tags)
        {
            batch.AddTag(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));
        }

        return true;
    }

    /// <summary>Tags each string member of <paramref name="table"/> the instance has, as read into the strings.</summary>
    private void AddStringTags((string Json, string Tag)[] table)
    {
        for (int t = 0; t < table.Length; t++)
        {
            if (_strings[t] is { } value)
            {
                _tags.Add((table[t].Tag, value));
            }
        }
    }

    /// <summary>
    /// The Jicofo's own tags; on a bridge point its version tag is left out, as the tag version there is the bridge's.
    /// </summary>
    private void AddJicofoTags(IReadOnlyList<TargetTag> jicofoTags, string? skip)
    {
        for (int t = 0; t < jicofoTags.Count; t++)
        {
            if (jicofoTags[t].Key != skip)
            {
                _tags.Add((jicofoTags[t].Key, jicofoTags[t].Value));
            }
        }
    }

    private static int IndexOf<T>(ref Utf8JsonReader reader, (string Json, T Other)[] keys)
    {
        for (int i = 0; i < keys.Length; i++)
        {
            if (reader.ValueTextEquals(keys[i].Json))
            {
                return i;
            }
        }

        return -1;
    }
}
