using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ExecdJvb.Tests;

public sealed class LineProtocolWriterTests
{
    public static TheoryData<string> EncodeCases()
    {
        using JsonDocument corpus = JsonDocument.Parse(File.ReadAllBytes(TestData.PathOf("line-protocol", "corpus.json")));
        var keys = new TheoryData<string>();
        foreach (JsonProperty item in corpus.RootElement.GetProperty("encode").EnumerateObject())
        {
            keys.Add(item.Name);
        }

        return keys;
    }

    [Fact]
    public void The_corpus_holds_all_115_encode_vectors()
    {
        Assert.Equal(115, EncodeCases().Count);
    }

    /// <summary>
    /// The corpus writes floats with Go's 'g' (6.632243e+06), the writer with 'f' as Telegraf's influx serializer does
    /// (6632243), and every number the plugin writes from a JVB answer is a float: an integer field of
    /// a vector is written as a float, and numbers are compared by value, everything else in the line by text.
    /// </summary>
    [Theory]
    [MemberData(nameof(EncodeCases))]
    public void Each_encode_vector_of_the_corpus_gives_the_expected_text_or_is_refused(string key)
    {
        using JsonDocument corpus = JsonDocument.Parse(File.ReadAllBytes(TestData.PathOf("line-protocol", "corpus.json")));
        JsonElement testCase = corpus.RootElement.GetProperty("encode").GetProperty(key);
        JsonElement point = testCase.GetProperty("input").GetProperty("point");
        Assert.Equal("1ns", testCase.GetProperty("input").GetProperty("precision").GetString());
        JsonElement output = testCase.GetProperty("output");

        var writer = new LineProtocolWriter();
        bool accepted = Encode(writer, point);

        if (output.TryGetProperty("error", out _))
        {
            Assert.False(accepted, $"the corpus expects an error, the writer wrote {Encoding.UTF8.GetString(writer.WrittenMemory.Span)}");
            Assert.Equal(0, writer.WrittenMemory.Span.Length);
        }
        else
        {
            Assert.True(accepted);
            Assert.Equal(NumbersByValue(output.GetProperty("result").GetString() + "\n"), NumbersByValue(Encoding.UTF8.GetString(writer.WrittenMemory.Span)));
        }
    }

    [Fact]
    public void Float_fields_are_written_in_Gos_f_form_where_the_corpus_has_an_exponent()
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("m"u8);
        writer.AddField("a"u8, 6632243.0);
        writer.AddField("b"u8, 1e21);
        writer.AddField("c"u8, 0.00001);
        writer.AddField("d"u8, -2.5e-7);
        writer.EndLine(1);

        Assert.Equal("m a=6632243,b=1000000000000000000000,c=0.00001,d=-0.00000025 1\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    /// <summary>
    /// The line with each number field value (float, or integer with its <c>i</c> or <c>u</c>) replaced by its double's
    /// round-trip text, so that 'g', 'f' and integer texts of one value compare equal. Strings and booleans stay as written.
    /// </summary>
    private static string NumbersByValue(string line)
    {
        var text = new StringBuilder();
        int i = 0;

        // Measurement and tags, up to the first unescaped space.
        for (; i < line.Length && line[i] != ' '; i++)
        {
            text.Append(line[i]);
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                text.Append(line[++i]);
            }
        }

        // Fields, up to the space before the timestamp.
        while (i < line.Length && line[i] is ' ' or ',')
        {
            text.Append(line[i++]);
            for (; line[i] != '='; i++)
            {
                text.Append(line[i]);
                if (line[i] == '\\')
                {
                    text.Append(line[++i]);
                }
            }

            text.Append(line[i++]);
            int start = i;
            if (line[i] == '"')
            {
                for (i++; line[i] != '"'; i++)
                {
                    i += line[i] == '\\' ? 1 : 0;
                }

                text.Append(line, start, ++i - start);
            }
            else
            {
                while (line[i] is not (',' or ' '))
                {
                    i++;
                }

                string value = line[start..i];
                string digits = value.TrimEnd('i', 'u');
                text.Append(double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                    ? "number:" + number.ToString("R", CultureInfo.InvariantCulture)
                    : value);
            }

            if (line[i] == ' ')
            {
                break;
            }
        }

        return text.Append(line, i, line.Length - i).ToString();
    }

    private static bool Encode(LineProtocolWriter writer, JsonElement point)
    {
        if (!writer.BeginLine(Utf8(point.GetProperty("name").GetString()!)))
        {
            return false;
        }

        foreach (JsonElement tag in point.GetProperty("tags").EnumerateArray())
        {
            if (!writer.AddTag(Utf8(tag.GetProperty("key").GetString()!), Utf8(tag.GetProperty("value").GetString()!)))
            {
                writer.AbandonLine();
                return false;
            }
        }

        foreach (JsonElement field in point.GetProperty("fields").EnumerateArray())
        {
            byte[] name = Utf8(field.GetProperty("key").GetString()!);
            JsonProperty value = field.GetProperty("value").EnumerateObject().Single();
            bool added = value.Name switch
            {
                "float" => writer.AddField(name, value.Value.GetDouble()),
                "int" => writer.AddField(name, (double)value.Value.GetInt64()),
                "bool" => writer.AddField(name, value.Value.GetBoolean()),
                "string" => writer.AddStringField(name, Utf8(value.Value.GetString()!)),
                _ => throw new InvalidOperationException($"field type {value.Name} is not in the corpus schema"),
            };
            if (!added)
            {
                writer.AbandonLine();
                return false;
            }
        }

        return writer.EndLine(point.GetProperty("time").GetInt64());
    }

    [Fact]
    public void A_point_without_fields_is_rolled_back_and_the_previous_line_stays()
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("a"u8);
        writer.AddField("x"u8, 1.0);
        writer.EndLine(1);
        writer.BeginLine("b"u8);
        writer.AddTag("t"u8, "v"u8);

        Assert.False(writer.EndLine(2));
        Assert.Equal("a x=1 1\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NaN_and_infinities_are_never_written(double value)
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("m"u8);

        Assert.False(writer.AddField("x"u8, value));
        Assert.False(writer.EndLine(1));
        Assert.Equal(0, writer.WrittenMemory.Span.Length);
    }

    [Fact]
    public void Line_breaks_in_names_are_written_as_escapes_so_the_line_stays_one_line()
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("m\nx"u8);
        writer.AddTag("t\r"u8, "a\tb"u8);
        writer.AddField("f\n"u8, 1.0);
        writer.EndLine(5);

        Assert.Equal("m\\nx,t\\r=a\\tb f\\n=1 5\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void Trailing_backslashes_are_dropped_from_names_because_they_would_escape_the_separator()
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("m"u8);
        Assert.True(writer.AddTag("t\\"u8, "v\\\\"u8));
        Assert.False(writer.AddTag("only"u8, "\\"u8));
        Assert.True(writer.AddField("f\\"u8, 2.0));
        writer.EndLine(5);

        Assert.Equal("m,t=v f=2 5\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void A_measurement_starting_with_a_hash_is_refused_because_every_reader_takes_the_line_for_a_comment()
    {
        var writer = new LineProtocolWriter();

        Assert.False(writer.BeginLine("#stats"u8));
        Assert.True(writer.BeginLine("stats#"u8));
        writer.AddField("x"u8, 1.0);
        writer.EndLine(1);

        Assert.Equal("stats# x=1 1\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void A_key_written_like_one_already_in_the_line_is_refused_because_InfluxDB_drops_a_point_with_repeated_tags()
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("m"u8);

        Assert.True(writer.AddTag("t\n"u8, "first"u8));
        Assert.False(writer.AddTag("t\\n"u8, "a backslash and n read back alike"u8));
        Assert.False(writer.AddTag("t\n\\"u8, "trimmed alike"u8));
        Assert.True(writer.AddTag("u"u8, "v"u8));
        Assert.True(writer.AddField("t\n"u8, 1.0));
        Assert.False(writer.AddStringField("t\n"u8, "another type"u8));
        Assert.False(writer.AddField("t\n\\"u8, true));
        writer.EndLine(5);

        Assert.Equal("m,t\\n=first,u=v t\\n=1 5\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
        DecodedPoint point = Assert.Single(LineProtocolDecoder.Decode(writer.WrittenMemory.Span));
        Assert.Equal(["t\\n", "u"], point.Tags.Select(tag => tag.Key));
    }

    [Theory]
    [InlineData(new[] { "a\\n", "b", "a\n", "c", "b\\" }, "m a\\n=1,b=2,c=4 5\n")]
    [InlineData(new[] { "a\n", "b", "a\\n", "c", "b\\" }, "m a\\n=1,b=2,c=4 5\n")]
    [InlineData(new[] { "x", "y", "x\\", "z" }, "m x=1,y=2,z=4 5\n")]
    public void Distinct_field_keys_that_are_written_alike_are_still_refused_in_either_order(string[] keys, string expected)
    {
        // With distinctFieldKeys the writer only hashes once an escaped or trimmed key appears.
        var writer = new LineProtocolWriter();
        writer.BeginLine("m"u8, distinctFieldKeys: true);
        for (int i = 0; i < keys.Length; i++)
        {
            writer.AddField(Utf8(keys[i]), i + 1.0);
        }

        writer.EndLine(5);

        Assert.Equal(expected, Encoding.UTF8.GetString(writer.WrittenMemory.Span));
        Assert.Single(LineProtocolDecoder.Decode(writer.WrittenMemory.Span));
    }

    [Theory]
    [InlineData(new[] { "a\\n", "b", "a\n", "c", "b\\" }, "m a\\n=1,b=2,c=4 5\n")]
    [InlineData(new[] { "x", "y", "x\\", "z" }, "m x=1,y=2,z=4 5\n")]
    [InlineData(new[] { "x y", "x=y", "x,y", "plain" }, "m x\\ y=1,x\\=y=2,x\\,y=3,plain=4 5\n")]
    public void A_prechecked_float_field_is_written_and_refused_as_any_other(string[] keys, string expected)
    {
        // The prechecked path copies plain keys without the usual checks; escaped, trimmed and repeated keys must
        // still come out as AddField writes them.
        var prechecked = new LineProtocolWriter();
        var usual = new LineProtocolWriter();
        prechecked.BeginLine("m"u8, distinctFieldKeys: true);
        usual.BeginLine("m"u8, distinctFieldKeys: true);
        for (int i = 0; i < keys.Length; i++)
        {
            byte[] key = Encoding.UTF8.GetBytes(keys[i]);
            Assert.Equal(usual.AddField(key, i + 1.0), prechecked.AddPrecheckedFloatField(key, Encoding.ASCII.GetBytes($"{i + 1}")));
        }

        prechecked.EndLine(5);
        usual.EndLine(5);

        Assert.Equal(expected, Encoding.UTF8.GetString(prechecked.WrittenMemory.Span));
        Assert.Equal(Encoding.UTF8.GetString(usual.WrittenMemory.Span), Encoding.UTF8.GetString(prechecked.WrittenMemory.Span));
    }

    [Fact]
    public void A_new_line_may_use_the_keys_of_the_previous_one()
    {
        var writer = new LineProtocolWriter();
        foreach (long time in new long[] { 1, 2 })
        {
            writer.BeginLine("m"u8);
            Assert.True(writer.AddTag("t"u8, "v"u8));
            Assert.True(writer.AddField("f"u8, 1.0));
            writer.EndLine(time);
        }

        Assert.Equal("m,t=v f=1 1\nm,t=v f=1 2\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void An_odd_run_of_backslashes_before_an_escaped_separator_is_refused_in_measurements_and_field_keys()
    {
        // InfluxDB 1.x answers "invalid field format" to a\\,b=1 (the backslashes read as one pair, the comma bare).
        var writer = new LineProtocolWriter();
        Assert.False(writer.BeginLine("m\\ x"u8));
        Assert.True(writer.BeginLine("m"u8));

        Assert.True(writer.AddTag("t\\,k"u8, "v\\ w"u8));
        Assert.False(writer.AddField("a\\,b"u8, 1.0));
        Assert.False(writer.AddField("a\\\\\\=b"u8, 1.0));
        Assert.True(writer.AddField("a\\\\,b"u8, 2.0));
        Assert.True(writer.AddField("a\\b"u8, 3.0));
        writer.EndLine(5);

        Assert.Equal("m,t\\\\,k=v\\\\ w a\\\\\\,b=2,a\\b=3 5\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
        DecodedPoint point = Assert.Single(LineProtocolDecoder.Decode(writer.WrittenMemory.Span));
        Assert.Equal(new DecodedTag("t\\,k", "v\\ w"), point.Tags[0]);
        Assert.Equal(["a\\\\,b", "a\\b"], point.Fields.Select(field => field.Key));
    }

    [Fact]
    public void Names_that_are_not_UTF8_are_refused()
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("m"u8);

        Assert.False(writer.AddField([0x66, 0xFF], 1.0));
        Assert.False(writer.AddTag([0x74], [0xC3]));
    }

    [Fact]
    public void An_integer_field_is_written_with_its_i_suffix_and_decodes_as_an_integer()
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("m"u8);

        Assert.True(writer.AddIntegerField("info"u8, 1));
        Assert.True(writer.AddIntegerField("low"u8, long.MinValue));
        Assert.False(writer.AddIntegerField("info"u8, 2));
        writer.EndLine(5);

        Assert.Equal("m info=1i,low=-9223372036854775808i 5\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
        Assert.Equal(new DecodedField("info", 1L), Assert.Single(LineProtocolDecoder.Decode(writer.WrittenMemory.Span)).Fields[0]);
    }

    [Fact]
    public void Truncate_drops_what_was_written_after_the_length_read_before()
    {
        var writer = new LineProtocolWriter(64);
        writer.BeginLine("kept"u8);
        writer.AddField("x"u8, 1.0);
        writer.EndLine(1);
        int mark = writer.WrittenLength;
        for (int i = 0; i < 20; i++)
        {
            writer.BeginLine("dropped"u8);
            writer.AddField("y"u8, 2.0);
            writer.EndLine(2);
        }

        writer.Truncate(mark);
        writer.BeginLine("next"u8);
        writer.AddField("z"u8, 3.0);
        writer.EndLine(3);

        Assert.Equal("kept x=1 1\nnext z=3 3\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Truncate(writer.WrittenLength + 1));
        writer.BeginLine("open"u8);
        Assert.Throws<InvalidOperationException>(() => writer.Truncate(0));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
