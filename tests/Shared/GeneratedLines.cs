using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace ExecdJvb.Tests;

/// <summary>
/// Generators of JSON documents and of points for property tests, and a model of Telegraf's json parser written
/// without the plugin's code, for the unit tests of the mapper and the writer and for the InfluxDB sample.
/// </summary>
internal static class GeneratedLines
{
    internal const long Timestamp = 1_700_000_000_000_000_000;

    /// <summary>tag_keys and json_string_fields combinations, from none to "everything".</summary>
    internal static readonly (string[] TagKeys, string[] StringFields)[] Configurations =
    [
        ([], []),
        (["a*", "?"], ["b*", "*0"]),
        (["*"], []),
        ([], ["*"]),
    ];

    internal static readonly TargetTag[][] TargetTags =
    [
        [new("url", "http://127.0.0.1:8080/colibri/stats")],
        [new("container_name", "docker-jitsi-meet-jvb-1")],
        [new("a", "from the target")],
        [],
    ];

    // Letters a–f only, so that no generated name is "time", which InfluxDB refuses as a tag or field key. The
    // control characters other than \n \r \t \f are left out of names on purpose: the writer passes them through
    // as Telegraf's serializer does (InfluxDB 1.x accepts them), while the strict decoder refuses them.
    internal static readonly Gen<string> NamePiece = Gen.Frequency(
        (12, Gen.Char["abcdef"].Select(c => c.ToString())),
        (1, Gen.Const("_")),
        (6, Gen.OneOf(" ", ",", "=", "\"", "\\", "\n", "\r", "\t", "\f", "#", "'", "\\n", "\\ ", "\\,", "\\=", "\\\\")),
        (3, Gen.OneOf("é", "ß", "日本", "€", "😀", "\u2028", "\u00a0")));

    /// <summary>Names, drawn often from a small pool so that documents repeat keys and flattened names collide.</summary>
    internal static readonly Gen<string> Name = Gen.Frequency(
        (2, Gen.OneOf("", "a", "b", "a_b", "a_0", "a\\", "\\", "a\n", "a\\n", "0", "#a")),
        (5, NamePiece.Array[1, 6].Select(pieces => string.Concat(pieces))));

    /// <summary>String values: anything, control characters included.</summary>
    internal static readonly Gen<string> Text = Gen.Frequency(
        (10, Gen.Char['a', 'z'].Select(c => c.ToString())),
        (4, Gen.OneOf(" ", ",", "=", "\"", "\\", "\n", "\r", "\t", "\u0001", "\u007f", "\0", "\\\"", "é", "😀", "\u2028")))
        .Array[0, 8].Select(pieces => string.Concat(pieces));

    /// <summary>JSON numbers of every magnitude, as a JVB or a hostile server might write them.</summary>
    internal static readonly Gen<string> JsonNumber = Gen.Frequency(
        (4, Gen.Double.Where(double.IsFinite).Select(value => value.ToString("R", CultureInfo.InvariantCulture))),
        (2, Gen.Long.Select(value => value.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.ULong.Select(value => value.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Char['0', '9'].Array[17, 40].Select(digits => "1" + new string(digits))),
        (3, Gen.OneOf(
            "0", "-0", "-0.0", "1e-320", "5e-324", "4.9e-324", "2.2250738585072014e-308", "1e308", "-1e308",
            "1.7976931348623157e308", "9007199254740993", "18446744073709551615", "18446744073709551616",
            "123456789012345678901234567890", "1e400", "-1e400", "1E2", "1.5e+10", "0.1", "1e21", "1e-7", "2121604")));

    internal static readonly Gen<string> JsonKey = Gen.Select(Name, Gen.Bool, JsonQuote);

    internal static readonly Gen<string> JsonValue = Gen.Recursive<string>((depth, value) =>
    {
        Gen<string> leaf = Gen.Frequency(
            (6, JsonNumber),
            (2, Gen.Select(Text, Gen.Bool, JsonQuote)),
            (1, Gen.OneOf("true", "false", "null")));
        return depth >= 6
            ? leaf
            : Gen.Frequency(
                (5, leaf),
                (2, JsonObject(value)),
                (1, value.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")));
    });

    internal static readonly Gen<string> JsonDocumentText = JsonObject(JsonValue);

    /// <summary>Field values of the kinds the writer has: floats (every number the plugin writes), booleans and strings.</summary>
    internal static readonly Gen<object> FieldValue = Gen.Frequency(
        (4, Gen.Double.Select(value => (object)value)),
        (1, Gen.Double.Special.Select(value => (object)value)),
        (1, Gen.Bool.Select(value => (object)value)),
        (3, Text.Select(value => (object)value)));

    internal static readonly Gen<(string Measurement, (string Key, string Value)[] Tags, (string Key, object Value)[] Fields, long Time)> Point =
        Gen.Select(Name, Gen.Select(Name, Name).Array[0, 4], Gen.Select(Name, FieldValue).Array[0, 5], Gen.Long);

    /// <summary>Maps one document and checks the line against the model; true when a line was written.</summary>
    internal static bool AssertMapsToModel(string json, (string[] TagKeys, string[] StringFields) configuration, TargetTag[] targets)
    {
        var mapper = new JsonFlattener(
            "jitsi_stats",
            [.. configuration.TagKeys.Select(pattern => new GlobPattern(pattern))],
            [.. configuration.StringFields.Select(pattern => new GlobPattern(pattern))]);
        var writer = new LineProtocolWriter(64);
        (List<DecodedTag> tags, List<DecodedField> fields) = Model(json, configuration.TagKeys, configuration.StringFields, targets);

        MapOutcome outcome = mapper.Map(Encoding.UTF8.GetBytes(json), targets, Timestamp, writer);

        string written = Encoding.UTF8.GetString(writer.WrittenMemory.Span);
        if (fields.Count == 0)
        {
            Assert.True(outcome.Status == MapStatus.NoNumbers, $"the model has no field, the mapper said {outcome.Status} and wrote {DecodedPoint.Quote(written)}");
            Assert.Equal("", written);
            return false;
        }

        Assert.True(outcome.Written, $"the model has {fields.Count} fields, the mapper said {outcome.Status}: {outcome.Detail}");
        Assert.EndsWith("\n", written, StringComparison.Ordinal);
        DecodedPoint point = Assert.Single(LineProtocolDecoder.Decode(writer.WrittenMemory.Span));

        Assert.Equal(1, written.Count(c => c == '\n'));
        Assert.Equal(new DecodedPoint("jitsi_stats", tags, fields, Timestamp).ToString(), point.ToString());
        return true;
    }

    /// <summary>
    /// Telegraf's json parser as inputs.http applies it, written from its rules rather than from JsonFlattener:
    /// object keys joined with "_", array elements by index, every number a float (one that does not fit a
    /// float is skipped, as the README documents), strings and booleans only where tag_keys or
    /// json_string_fields name them, nulls dropped, a later leaf of the same flattened name winning in the place
    /// of the first; tag_keys leaves become tags (numbers in 'f' form) that replace a target tag of the same name,
    /// all tags in key order. Then names and tag values as the writer encodes them, where a key that reads back
    /// like one already in the line is left out (see LineProtocolWriter).
    /// </summary>
    internal static (List<DecodedTag> Tags, List<DecodedField> Fields) Model(string json, string[] tagKeys, string[] stringFields, TargetTag[] targets)
    {
        var names = new List<string>();
        var leaves = new Dictionary<string, object>(StringComparer.Ordinal);
        using (JsonDocument document = JsonDocument.Parse(json))
        {
            Flatten(document.RootElement, "", (name, value) =>
            {
                if (leaves.TryAdd(name, value))
                {
                    names.Add(name);
                }
                else
                {
                    leaves[name] = value;
                }
            }, name => Matches(tagKeys, name) || Matches(stringFields, name));
        }

        Dictionary<string, string> tags = targets.ToDictionary(tag => tag.Key, tag => tag.Value, StringComparer.Ordinal);
        var fields = new List<DecodedField>();
        foreach (string name in names)
        {
            object value = leaves[name];
            if (Matches(tagKeys, name))
            {
                tags[name] = value switch
                {
                    string text => text,
                    bool flag => flag ? "true" : "false",
                    _ => FixedNotation((double)value),
                };
            }
            else
            {
                fields.Add(new DecodedField(name, value));
            }
        }

        List<DecodedTag> written = [];
        foreach (KeyValuePair<string, string> tag in tags.OrderBy(tag => Encoding.UTF8.GetBytes(tag.Key), ByteComparer))
        {
            var wire = new DecodedTag(WireName(tag.Key), WireName(tag.Value));
            if (wire.Key.Length > 0 && wire.Value.Length > 0 && !written.Exists(other => other.Key == wire.Key))
            {
                written.Add(wire);
            }
        }

        return (
            written,
            [.. fields.Where(field => !SplitsWhenRead(field.Key, ", =") && OneLine(field.Value)).Select(field => field with { Key = WireName(field.Key) }).Where(field => field.Key.Length > 0).DistinctBy(field => field.Key)]);
    }

    internal static void Flatten(JsonElement element, string name, Action<string, object> set, Func<string, bool> keepsText)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Flatten(property.Value, Join(name, property.Name), set, keepsText);
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Flatten(item, Join(name, (index++).ToString(CultureInfo.InvariantCulture)), set, keepsText);
                }

                break;
            case JsonValueKind.Number when name.Length > 0:
                double number = double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (double.IsFinite(number))
                {
                    set(name, number);
                }

                break;
            case JsonValueKind.String when name.Length > 0 && keepsText(name):
                set(name, element.GetString()!);
                break;
            case JsonValueKind.True or JsonValueKind.False when name.Length > 0 && keepsText(name):
                set(name, element.GetBoolean());
                break;
            default:
                break;
        }
    }

    internal static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "_" + key;

    /// <summary>Telegraf's globs: "*" any run, "?" one character (a code point, not a UTF-16 unit).</summary>
    internal static bool Matches(string[] patterns, string name)
    {
        Rune[] text = [.. name.EnumerateRunes()];
        return patterns.Any(pattern => Glob([.. pattern.EnumerateRunes()], text));

        static bool Glob(ReadOnlySpan<Rune> pattern, ReadOnlySpan<Rune> text) =>
            pattern.IsEmpty ? text.IsEmpty
            : pattern[0].Value == '*' ? Glob(pattern[1..], text) || (!text.IsEmpty && Glob(pattern, text[1..]))
            : !text.IsEmpty && (pattern[0].Value == '?' || pattern[0] == text[0]) && Glob(pattern[1..], text[1..]);
    }

    /// <summary>Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest round-trip digits, never an exponent.</summary>
    internal static string FixedNotation(double value)
    {
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        int e = shortest.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return shortest;
        }

        string sign = shortest.StartsWith('-') ? "-" : "";
        string mantissa = shortest[sign.Length..e];
        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        int integerDigits = (point < 0 ? mantissa.Length : point) + int.Parse(shortest[(e + 1)..], CultureInfo.InvariantCulture);
        return sign + (integerDigits <= 0 ? "0." + new string('0', -integerDigits) + digits
            : integerDigits >= digits.Length ? digits + new string('0', integerDigits - digits.Length)
            : digits[..integerDigits] + "." + digits[integerDigits..]);
    }

    /// <summary>
    /// A name (or tag value) as it reads back after writing: trailing backslashes trimmed, and the line breaks
    /// and tabs a name cannot hold written as two characters, which a decoder returns as backslash and letter.
    /// </summary>
    internal static string WireName(string name) => name.TrimEnd('\\')
        .Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("\r", "\\r", StringComparison.Ordinal)
        .Replace("\t", "\\t", StringComparison.Ordinal)
        .Replace("\f", "\\f", StringComparison.Ordinal);

    /// <summary>Values the writer takes: every value but NaN and the infinities.</summary>
    internal static bool Writable(object value) => value is not double number || double.IsFinite(number);

    /// <summary>String fields the mapper writes: one line of output, nothing Telegraf's parser refuses in a string.</summary>
    internal static bool OneLine(object value) => value is not string text || text.IndexOfAny(['\n', '\r', '\f']) < 0;

    /// <summary>
    /// A measurement or field key that Telegraf's parser and InfluxDB 1.x cannot read back: an odd run of
    /// backslashes right before a separator that is escaped, which LineProtocolWriter therefore refuses.
    /// </summary>
    internal static bool SplitsWhenRead(string name, string escapedSeparators)
    {
        int backslashes = 0;
        foreach (char c in name.TrimEnd('\\'))
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            if (backslashes % 2 == 1 && escapedSeparators.Contains(c, StringComparison.Ordinal))
            {
                return true;
            }

            backslashes = 0;
        }

        return false;
    }

    /// <summary>
    /// Writes one generated point as a caller would (tags sorted by key, each key once) and returns the point a
    /// decoder should read back, or null when nothing may be written.
    /// </summary>
    internal static DecodedPoint? Write(LineProtocolWriter writer, (string Measurement, (string Key, string Value)[] Tags, (string Key, object Value)[] Fields, long Time) point)
    {
        int before = writer.WrittenMemory.Span.Length;
        string measurement = WireName(point.Measurement);
        bool begun = writer.BeginLine(Encoding.UTF8.GetBytes(point.Measurement));
        bool encodable = measurement.Length > 0 && !measurement.StartsWith('#') && !SplitsWhenRead(point.Measurement, ", ");
        Assert.True(begun == encodable, $"BeginLine({DecodedPoint.Quote(point.Measurement)}) returned {begun}");
        if (!begun)
        {
            Assert.Equal(before, writer.WrittenMemory.Span.Length);
            return null;
        }

        var tags = new List<DecodedTag>();
        foreach ((string key, string value) in point.Tags.DistinctBy(tag => tag.Key).OrderBy(tag => Encoding.UTF8.GetBytes(tag.Key), ByteComparer))
        {
            var expected = new DecodedTag(WireName(key), WireName(value));
            bool accepted = expected.Key.Length > 0 && expected.Value.Length > 0 && !tags.Exists(tag => tag.Key == expected.Key);
            Assert.True(writer.AddTag(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value)) == accepted, $"AddTag({DecodedPoint.Quote(key)}, {DecodedPoint.Quote(value)}) should return {accepted}");
            if (accepted)
            {
                tags.Add(expected);
            }
        }

        var fields = new List<DecodedField>();
        foreach ((string key, object value) in point.Fields)
        {
            var expected = new DecodedField(WireName(key), value);
            bool accepted = expected.Key.Length > 0 && !SplitsWhenRead(key, ", =") && Writable(value) && !fields.Exists(field => field.Key == expected.Key);
            byte[] utf8Key = Encoding.UTF8.GetBytes(key);
            bool added = value switch
            {
                double number => writer.AddField(utf8Key, number),
                bool flag => writer.AddField(utf8Key, flag),
                _ => writer.AddStringField(utf8Key, Encoding.UTF8.GetBytes((string)value)),
            };
            Assert.True(added == accepted, $"adding field {DecodedPoint.Quote(key)}={DecodedPoint.Describe(value)} should return {accepted}");
            if (accepted)
            {
                fields.Add(expected);
            }
        }

        bool ended = writer.EndLine(point.Time);
        Assert.Equal(fields.Count > 0, ended);
        if (!ended)
        {
            Assert.Equal(before, writer.WrittenMemory.Span.Length);
            return null;
        }

        return new DecodedPoint(measurement, tags, fields, point.Time);
    }

    internal static Gen<string> JsonObject(Gen<string> value) =>
        Gen.Select(JsonKey, value).Array[0, 5].Select(members => "{" + string.Join(",", members.Select(member => member.Item1 + ":" + member.Item2)) + "}");

    /// <summary>A JSON string literal; with <paramref name="escapeAll"/> every non-ASCII character as \u escapes.</summary>
    internal static string JsonQuote(string text, bool escapeAll)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\f' => "\\f",
                _ when c < ' ' || (escapeAll && c > '~') => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }


    internal static readonly Comparer<byte[]> ByteComparer = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));
}
