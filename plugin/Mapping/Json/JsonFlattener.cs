using System.Text.Json;
using System.Text;
using ExecdJvb.Configuration;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Mapping.Json;

/// <summary>
/// Turns a JVB statistics document into one point with the schema Telegraf's json parser writes
/// (data_format = "json"): flattened names joined by "_", every number a float field, strings and
/// booleans only where tag_keys or json_string_fields ask for them. Streams with Utf8JsonReader into
/// reusable buffers; the whole document is read before anything is written, so a broken answer
/// never leaves half a line behind. An optional leading field (the plugin's own <c>healthy</c>, read from
/// /about/health) heads every point; the document's own leaf of that name is never written, so the field
/// keeps one type and one key whatever the JVB version sends under it.
/// </summary>
internal sealed class JsonFlattener
{
    /// <summary>JVB documents nest two levels; anything near this deep is hostile or not a JVB.</summary>
    public const int MaxDepth = 64;

    private readonly byte[] _measurement;
    private readonly IReadOnlyList<GlobPattern> _tagKeys;
    private readonly IReadOnlyList<GlobPattern> _stringFields;
    private readonly byte[] _leading;
    private readonly FlatDocument _document = new();
    private readonly PointTags _tags;
    private readonly FlattenedName _name = new(MaxDepth);
    private readonly NameSet _names = new();
    private bool _repeated;
    private byte[] _text = new byte[256];

    /// <summary>
    /// With a <paramref name="leadingField"/>, each <see cref="Map"/> may give that float field to head the point, and
    /// the document's leaves of that name are left out, given or not.
    /// </summary>
    public JsonFlattener(string measurement, IReadOnlyList<GlobPattern> tagKeys, IReadOnlyList<GlobPattern> stringFields, string? leadingField = null)
    {
        _measurement = Encoding.UTF8.GetBytes(measurement);
        _leading = leadingField is null ? [] : Encoding.UTF8.GetBytes(leadingField);
        _tagKeys = tagKeys;
        _stringFields = stringFields;
        _tags = new PointTags(_document);
    }

    /// <summary>Maps one document into one point; a NaN <paramref name="leadingValue"/> (the default) leaves the leading field out.</summary>
    public MapOutcome Map(ReadOnlySpan<byte> json, IReadOnlyList<TargetTag> targetTags, long timestampNanoseconds, LineProtocolWriter writer, double leadingValue = double.NaN)
    {
        // Tags come before fields, so only tag_keys make the whole document wait; without them it streams into
        // the line, and a name that repeats (Go's map keeps the last value, in the first place) sends it the long way.
        if (_tagKeys.Count == 0 && writer.BeginLine(_measurement, distinctFieldKeys: true))
        {
            _tags.Clear();
            _tags.Write(targetTags, writer);
            int ownFields = WriteLeading(leadingValue, writer);
            _names.Clear();
            _repeated = false;
            MapOutcome streamed = Read(json, writer);
            if (!_repeated)
            {
                return Finish(streamed, timestampNanoseconds, writer, ownFields);
            }

            writer.AbandonLine();
        }

        _document.Clear();
        MapOutcome read = Read(json, lineInProgress: null);
        return read.Status == MapStatus.Written
            ? Write(targetTags, timestampNanoseconds, writer, read.SkippedValues, leadingValue)
            : read;
    }

    /// <summary>Writes the leading field when it has a value; returns how many fields that added (0 or 1).</summary>
    private int WriteLeading(double value, LineProtocolWriter writer) =>
        _leading.Length > 0 && double.IsFinite(value) && writer.AddField(_leading, value) ? 1 : 0;

    /// <summary>Ends the line, or drops it when the document gave no field of its own (the leading one alone is no stats).</summary>
    private static MapOutcome Finish(MapOutcome read, long timestampNanoseconds, LineProtocolWriter writer, int ownFields)
    {
        if (read.Status != MapStatus.Written)
        {
            writer.AbandonLine();
            return read;
        }

        if (writer.FieldCount <= ownFields)
        {
            writer.AbandonLine();
            return new MapOutcome(MapStatus.NoNumbers, "the JSON object holds no numbers", read.SkippedValues);
        }

        return writer.EndLine(timestampNanoseconds)
            ? read
            : new MapOutcome(MapStatus.NoNumbers, "the JSON object holds no numbers", read.SkippedValues);
    }

    /// <summary>
    /// Walks the document; each leaf goes straight into <paramref name="lineInProgress"/> when there is one,
    /// else into the flat document. Stops early, with _repeated set, when a streamed name comes again.
    /// </summary>
    private MapOutcome Read(ReadOnlySpan<byte> json, LineProtocolWriter? lineInProgress)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        int skipped = 0;
        try
        {
            if (!reader.Read())
            {
                return new MapOutcome(MapStatus.NotJson, "the answer is empty");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return new MapOutcome(MapStatus.NotObject, $"the top level is {Describe(reader.TokenType)}, not an object");
            }

            _name.Start();
            while (reader.Read())
            {
                JsonTokenType token = reader.TokenType;
                if (token == JsonTokenType.PropertyName)
                {
                    _name.Key(ref reader);
                    continue;
                }

                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    if (!_name.Close())
                    {
                        break;
                    }

                    continue;
                }

                _name.NextValue();
                int leafLength = _name.Length;
                switch (token)
                {
                    case JsonTokenType.Number or JsonTokenType.String or JsonTokenType.True or JsonTokenType.False when IsLeading():
                        // The caller writes this name itself; two writers of one key would clash in type or repeat it.
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        _name.Open(array: token == JsonTokenType.StartArray);
                        break;
                    case JsonTokenType.Number when leafLength > 0 && lineInProgress is not null:
                        if (!StreamNumber(ref reader, _name.Current, lineInProgress, ref skipped))
                        {
                            return default;
                        }

                        break;
                    case JsonTokenType.Number:
                        if (leafLength > 0 && reader.TryGetDouble(out double number) && double.IsFinite(number))
                        {
                            _document.SetNumber(_document.Store(_name.Current), leafLength, number);
                        }
                        else
                        {
                            skipped++;
                        }

                        break;
                    case JsonTokenType.String when leafLength > 0 && WantsText(_name.Current):
                        if (lineInProgress is not null)
                        {
                            if (!StreamString(ref reader, _name.Current, lineInProgress, ref skipped))
                            {
                                return default;
                            }

                            break;
                        }

                        int name = _document.Store(_name.Current);
                        int valueLength = reader.CopyString(_document.Reserve(RawLength(ref reader)));
                        _document.SetString(name, leafLength, _document.Commit(valueLength), valueLength);
                        break;
                    case JsonTokenType.True or JsonTokenType.False when leafLength > 0 && WantsText(_name.Current):
                        if (lineInProgress is not null)
                        {
                            if (!_names.Add(_name.Current))
                            {
                                _repeated = true;
                                return default;
                            }

                            lineInProgress.AddField(_name.Current, token == JsonTokenType.True);
                            break;
                        }

                        _document.SetBoolean(_document.Store(_name.Current), leafLength, token == JsonTokenType.True);
                        break;
                    default:
                        break;
                }
            }

            // Go's decoder refuses anything after the top-level value, and so does this.
            if (reader.Read())
            {
                return new MapOutcome(MapStatus.NotJson, "there is data after the top-level object");
            }
        }
        catch (JsonException ex)
        {
            return new MapOutcome(MapStatus.NotJson, DescribeJsonError(ex));
        }
        catch (InvalidOperationException ex)
        {
            // CopyString refuses invalid UTF-8 and bad escapes inside strings.
            return new MapOutcome(MapStatus.NotJson, ex.Message);
        }

        return new MapOutcome(MapStatus.Written, SkippedValues: skipped);
    }

    /// <summary>False when the name came before (the document must take the long way).</summary>
    private bool StreamNumber(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, LineProtocolWriter line, ref int skipped)
    {
        // A JSON integer such as 0 or 2121604 is already the text Go's 'f' gives its float: copy it.
        ReadOnlySpan<byte> text = reader.ValueSpan;
        bool verbatim = GoFloatFormat.IsShortestF(text);
        double number = 0;
        if (!verbatim && !(reader.TryGetDouble(out number) && double.IsFinite(number)))
        {
            skipped++;
            return true;
        }

        if (!_names.Add(name))
        {
            _repeated = true;
            return false;
        }

        if (!(verbatim ? line.AddPrecheckedFloatField(name, text) : line.AddField(name, number)))
        {
            skipped++;
        }

        return true;
    }

    /// <summary>False when the name came before (the document must take the long way).</summary>
    private bool StreamString(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, LineProtocolWriter line, ref int skipped)
    {
        if (!_names.Add(name))
        {
            _repeated = true;
            return false;
        }

        int length = RawLength(ref reader);
        if (_text.Length < length)
        {
            _text = new byte[Math.Max(length, _text.Length * 2)];
        }

        ReadOnlySpan<byte> value = _text.AsSpan(0, reader.CopyString(_text));
        if (value.IndexOfAny(Unwritable) >= 0 || !line.AddStringField(name, value))
        {
            skipped++;
        }

        return true;
    }

    private static int RawLength(ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;

    private MapOutcome Write(IReadOnlyList<TargetTag> targetTags, long timestamp, LineProtocolWriter writer, int skipped, double leadingValue)
    {
        if (!writer.BeginLine(_measurement, distinctFieldKeys: true))
        {
            return new MapOutcome(MapStatus.NoNumbers, "the measurement name cannot be written");
        }

        _tags.Collect(_tagKeys);
        _tags.Write(targetTags, writer);
        int ownFields = WriteLeading(leadingValue, writer);
        for (int i = 0; i < _document.Count; i++)
        {
            ReadOnlySpan<byte> name = _document.NameOf(i);
            if (IsTag(name))
            {
                continue;
            }

            switch (_document.KindOf(i))
            {
                case FlatDocument.LeafKind.Number:
                    if (!writer.AddField(name, _document.NumberOf(i)))
                    {
                        skipped++;
                    }

                    break;
                case FlatDocument.LeafKind.String when GlobPattern.MatchesAny(_stringFields, name):
                    if (_document.StringOf(i).IndexOfAny(Unwritable) >= 0 || !writer.AddStringField(name, _document.StringOf(i)))
                    {
                        skipped++;
                    }

                    break;
                case FlatDocument.LeafKind.Boolean when GlobPattern.MatchesAny(_stringFields, name):
                    writer.AddField(name, _document.BooleanOf(i));
                    break;
                default:
                    break;
            }
        }

        return Finish(new MapOutcome(MapStatus.Written, SkippedValues: skipped), timestamp, writer, ownFields);
    }

    // Line protocol allows a line break inside a string, but the point must stay one line of stdout, and
    // Telegraf's parser refuses a carriage return or form feed there; none has an escape.
    private static ReadOnlySpan<byte> Unwritable => "\n\r\f"u8;

    // One length comparison per leaf, and a byte comparison only for names as long as the leading one.
    private bool IsLeading() =>
        _name.Length == _leading.Length && _name.Length > 0 && _name.Current.SequenceEqual(_leading);

    private bool IsTag(ReadOnlySpan<byte> name) => _tagKeys.Count > 0 && GlobPattern.MatchesAny(_tagKeys, name);

    private bool WantsText(ReadOnlySpan<byte> name) =>
        GlobPattern.MatchesAny(_tagKeys, name) || GlobPattern.MatchesAny(_stringFields, name);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string DescribeJsonError(JsonException ex)
    {
        string message = ex.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        return $"{message.TrimEnd('.', ' ')} (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})";
    }
}
