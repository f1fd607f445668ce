using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace ExecdJvb.Tests;

/// <summary>
/// Inputs the fuzz target (tests/Fuzz) reported, kept in testdata/fuzz-regressions and replayed through both of
/// its configurations with the same rules it checks: no exception; no line, or one newline-terminated UTF-8 line
/// of measurement jitsi_stats whose fields are finite floats, with text only where json_string_fields asks.
/// </summary>
public sealed class FuzzRegressionTests
{
    private const long Timestamp = 1_700_000_000_123_456_789;
    private static readonly TargetTag[] UrlTag = [new("url", "http://127.0.0.1:8080/colibri/stats")];

    public static TheoryData<string, bool> SavedInputs()
    {
        var data = new TheoryData<string, bool>();
        foreach (string path in Directory.GetFiles(TestData.PathOf("fuzz-regressions"), "*.bin").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path), false);
            data.Add(Path.GetFileName(path), true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SavedInputs))]
    public void Mapping_a_saved_fuzz_input_throws_nothing(string input, bool tagKeysAndStringFields)
    {
        Exception? thrown = Record.Exception(() => Map(input, tagKeysAndStringFields));

        Assert.Null(thrown);
    }

    [Theory]
    [MemberData(nameof(SavedInputs))]
    public void A_saved_fuzz_input_maps_to_no_line_or_to_one_sound_line(string input, bool tagKeysAndStringFields)
    {
        (MapOutcome outcome, byte[] output) = Map(input, tagKeysAndStringFields);

        Assert.Equal(outcome.Written, output.Length > 0);
        if (output.Length == 0)
        {
            return;
        }

        string text = Encoding.UTF8.GetString(output);
        Assert.True(Utf8.IsValid(output), "the line is not valid UTF-8");
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        int lines = text.Count(c => c == '\n');
        Assert.True(lines == 1, $"the output holds {lines} newlines, not one: {text}");
        Assert.StartsWith("jitsi_stats", text, StringComparison.Ordinal);
        foreach ((string key, string value) in Fields(text.TrimEnd('\n')))
        {
            bool textAllowed = tagKeysAndStringFields && key == "version";
            if (value.StartsWith('"') || value is "true" or "false")
            {
                Assert.True(textAllowed, $"field {key}={value} is text that json_string_fields did not ask for");
                continue;
            }

            Assert.Matches("^-?[0-9]", value);
            Assert.True(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number), $"field {key}={value} is not a float");
            Assert.True(double.IsFinite(number), $"field {key}={value} is not finite");
        }
    }

    private static (MapOutcome Outcome, byte[] Output) Map(string input, bool tagKeysAndStringFields)
    {
        JsonFlattener mapper = tagKeysAndStringFields
            ? new JsonFlattener("jitsi_stats", [new GlobPattern("*_id"), new GlobPattern("region")], [new GlobPattern("version")])
            : new JsonFlattener("jitsi_stats", [], []);
        var writer = new LineProtocolWriter();
        MapOutcome outcome = mapper.Map(TestData.Bytes("fuzz-regressions", input), tagKeysAndStringFields ? UrlTag : [], Timestamp, writer);
        return (outcome, writer.WrittenMemory.Span.ToArray());
    }

    /// <summary>The field set as InfluxDB 1.x reads it: a delimiter after a backslash is escaped; in a string, a backslash escapes the next character.</summary>
    private static List<(string Key, string Value)> Fields(string line)
    {
        var fields = new List<(string, string)>();
        int i = IndexOfUnescaped(line, 0, ' ') + 1;
        Assert.True(i > 0, "the line has no field set");
        while (true)
        {
            int equals = IndexOfUnescaped(line, i, '=');
            Assert.True(equals > i, $"the field at {i} has no key or no '='");
            int end = equals + 1;
            if (end < line.Length && line[end] == '"')
            {
                for (end++; end < line.Length && line[end] != '"'; end++)
                {
                    end += line[end] == '\\' ? 1 : 0;
                }

                Assert.True(end < line.Length, $"the string value at {equals + 1} is not closed");
                end++;
            }
            else
            {
                end = line.IndexOfAny([',', ' '], end) is int stop and >= 0 ? stop : line.Length;
            }

            fields.Add((line[i..equals], line[(equals + 1)..end]));
            Assert.True(end < line.Length, "the line has no timestamp");
            if (line[end] == ' ')
            {
                Assert.Equal(Timestamp.ToString(CultureInfo.InvariantCulture), line[(end + 1)..]);
                return fields;
            }

            i = end + 1;
        }
    }

    private static int IndexOfUnescaped(string line, int start, char delimiter)
    {
        for (int i = start; i < line.Length; i++)
        {
            if (line[i] == delimiter && (i == 0 || line[i - 1] != '\\'))
            {
                return i;
            }
        }

        return -1;
    }
}
