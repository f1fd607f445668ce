using System.Text;

namespace ExecdJvb.Tests;

public sealed class JsonFlattenerTests
{
    private const long Timestamp = 1_700_000_000_000_000_000;
    private static readonly TargetTag[] UrlTag = [new("url", "http://127.0.0.1:8080/colibri/stats")];

    public static TheoryData<string> Fixtures() => [.. TestData.JvbFixtures()];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Each_fixture_maps_to_its_golden_line_derived_from_the_json_parser_rules(string fixture)
    {
        string expected = File.ReadAllText(TestData.PathOf("golden", fixture + ".out"));

        string actual = Map(TestData.Bytes("jvb", fixture + ".json"));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Every_fixture_has_a_golden_file()
    {
        Assert.Equal(6, Fixtures().Count);
    }

    [Fact]
    public void Every_number_is_a_float_field_without_the_integer_suffix()
    {
        string line = Map(TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json"));

        Assert.Contains(",bit_rate_download=0,", line);
        Assert.Contains(",threads=41,", line);
        Assert.DoesNotMatch(@"=\d+i[, ]", line);
    }

    [Fact]
    public void Numbers_are_written_as_Telegrafs_influx_serializer_writes_them_without_an_exponent()
    {
        string line = Map("""{"bytes":9586670,"big":1e21,"long":12345678901234567,"small":0.00001,"ratio":0.016965678627145087,"plain":-2121604.0}""");

        Assert.Equal($"jitsi_stats,url=http://127.0.0.1:8080/colibri/stats bytes=9586670,big=1000000000000000000000,long=12345678901234568,small=0.00001,ratio=0.016965678627145087,plain=-2121604 {Timestamp}\n", line);
    }

    [Fact]
    public void The_legacy_string_conference_sizes_is_dropped_like_any_string()
    {
        string line = Map(TestData.Bytes("jvb", "colibri-stats-legacy-uninitialized.json"));

        Assert.DoesNotContain("conference_sizes", line);
        Assert.StartsWith("jitsi_stats,url=", line);
    }

    [Fact]
    public void Nested_objects_and_arrays_flatten_with_underscores_and_indexes()
    {
        string line = Map("""{"a":{"b":1,"c":[2,{"d":3}],"e":[[4]]},"f":[]}""");

        Assert.Equal($"jitsi_stats,url=http://127.0.0.1:8080/colibri/stats a_b=1,a_c_0=2,a_c_1_d=3,a_e_0_0=4 {Timestamp}\n", line);
    }

    [Fact]
    public void Strings_booleans_and_nulls_are_dropped_without_tag_keys_or_string_fields()
    {
        string line = Map("""{"version":"2.3","healthy":true,"drain":false,"x":null,"n":7}""");

        Assert.Equal($"jitsi_stats,url=http://127.0.0.1:8080/colibri/stats n=7 {Timestamp}\n", line);
    }

    [Fact]
    public void Tag_keys_turn_strings_booleans_and_numbers_into_sorted_tags_as_the_json_parser_does()
    {
        var mapper = new JsonFlattener("jitsi_stats", [new GlobPattern("region"), new GlobPattern("a*"), new GlobPattern("big")], []);

        string line = Map("""{"region":"eu west","n":1,"alive":true,"amount":2.5,"big":1e21,"zz":"dropped"}""", mapper);

        Assert.Equal($"jitsi_stats,alive=true,amount=2.5,big=1000000000000000000000,region=eu\\ west,url=http://127.0.0.1:8080/colibri/stats n=1 {Timestamp}\n", line);
    }

    [Fact]
    public void A_tag_key_set_by_the_document_wins_over_the_url_tag_as_in_inputs_http()
    {
        var mapper = new JsonFlattener("jitsi_stats", [new GlobPattern("url")], []);

        string line = Map("""{"url":"from-json","n":1}""", mapper);

        Assert.Equal($"jitsi_stats,url=from-json n=1 {Timestamp}\n", line);
    }

    [Fact]
    public void Tag_keys_that_read_back_alike_give_one_tag_so_that_InfluxDB_keeps_the_point()
    {
        // "a" + line break and "a\\n" are both written a\n; "url\\" loses its trailing backslash. InfluxDB answers
        // "duplicate tags" to a line that repeats a tag key and drops the whole point.
        var mapper = new JsonFlattener("jitsi_stats", [new GlobPattern("a*"), new GlobPattern("url*")], []);

        string line = Map("""{"a\n":"first","a\\n":"second","url\\":"from-json","n":1}""", mapper);

        Assert.Equal($"jitsi_stats,a\\n=first,url=http://127.0.0.1:8080/colibri/stats n=1 {Timestamp}\n", line);
        Assert.Equal(2, Assert.Single(LineProtocolDecoder.Decode(line)).Tags.Count);
    }

    [Fact]
    public void Json_string_fields_keep_strings_and_booleans_as_fields()
    {
        var mapper = new JsonFlattener("jitsi_stats", [], [new GlobPattern("version"), new GlobPattern("heal*")]);

        string line = Map("""{"version":"2.3.168-g28674f78","healthy":true,"drain":false,"n":1}""", mapper);

        Assert.Equal($"jitsi_stats,url=http://127.0.0.1:8080/colibri/stats version=\"2.3.168-g28674f78\",healthy=true,n=1 {Timestamp}\n", line);
    }

    [Fact]
    public void A_string_field_with_a_line_break_carriage_return_or_form_feed_is_skipped_so_the_point_stays_one_line()
    {
        var mapper = new JsonFlattener("jitsi_stats", [], [new GlobPattern("s*")]);
        var writer = new LineProtocolWriter();

        MapOutcome outcome = mapper.Map("""{"s1":"a\nb","s2":"a\rb","s3":"a\fb","s4":"a\tb \"q\"","n":1}"""u8, UrlTag, Timestamp, writer);

        Assert.Equal(3, outcome.SkippedValues);
        Assert.Equal($"jitsi_stats,url=http://127.0.0.1:8080/colibri/stats s4=\"a\tb \\\"q\\\"\",n=1 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void A_duplicate_key_keeps_its_first_position_and_its_last_value_like_a_Go_map()
    {
        string line = Map("""{"a":1,"b":2,"a":3,"c_d":4,"c":{"d":5}}""");

        Assert.Equal($"jitsi_stats,url=http://127.0.0.1:8080/colibri/stats a=3,b=2,c_d=5 {Timestamp}\n", line);
    }

    [Fact]
    public void Keys_with_separators_quotes_and_non_ascii_are_escaped_not_broken()
    {
        string line = Map("""{"a b,c=d":1,"quote\"back\\slash":2,"grüße":3,"new\nline":4}""");

        Assert.Equal($"jitsi_stats,url=http://127.0.0.1:8080/colibri/stats a\\ b\\,c\\=d=1,quote\"back\\slash=2,grüße=3,new\\nline=4 {Timestamp}\n", line);
    }

    [Fact]
    public void Numbers_out_of_float_range_are_skipped_and_the_rest_is_written()
    {
        var writer = new LineProtocolWriter();
        var mapper = new JsonFlattener("jitsi_stats", [], []);

        MapOutcome outcome = mapper.Map("""{"huge":1e400,"neg":-0,"tiny":1e-320,"ok":1}"""u8, UrlTag, Timestamp, writer);

        Assert.True(outcome.Written);
        Assert.Equal(1, outcome.SkippedValues);
        string tiny = "0." + new string('0', 319) + "1";
        Assert.Equal($"jitsi_stats,url=http://127.0.0.1:8080/colibri/stats neg=-0,tiny={tiny},ok=1 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Theory]
    [InlineData("", MapStatus.NotJson)]
    [InlineData("   ", MapStatus.NotJson)]
    [InlineData("<html><body>502 Bad Gateway</body></html>", MapStatus.NotJson)]
    [InlineData("""{"a":1,"b":""", MapStatus.NotJson)]
    [InlineData("""{"a":1} trailing""", MapStatus.NotJson)]
    [InlineData("""{"a":1}{"b":2}""", MapStatus.NotJson)]
    [InlineData("[1,2]", MapStatus.NotObject)]
    [InlineData("42", MapStatus.NotObject)]
    [InlineData("\"text\"", MapStatus.NotObject)]
    [InlineData("null", MapStatus.NotObject)]
    [InlineData("{}", MapStatus.NoNumbers)]
    [InlineData("""{"version":"x","ok":true}""", MapStatus.NoNumbers)]
    public void A_bad_answer_is_reported_and_writes_nothing(string body, MapStatus expected)
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("earlier"u8);
        writer.AddField("x"u8, 1.0);
        writer.EndLine(1);
        var mapper = new JsonFlattener("jitsi_stats", [], []);

        MapOutcome outcome = mapper.Map(Encoding.UTF8.GetBytes(body), UrlTag, Timestamp, writer);

        Assert.Equal(expected, outcome.Status);
        Assert.False(string.IsNullOrEmpty(outcome.Detail));
        Assert.Equal("earlier x=1 1\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void Nesting_ten_thousand_deep_is_refused_without_a_stack_overflow()
    {
        string body = "{\"a\":" + string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000)) + "}";
        var writer = new LineProtocolWriter();

        MapOutcome outcome = new JsonFlattener("jitsi_stats", [], []).Map(Encoding.UTF8.GetBytes(body), UrlTag, Timestamp, writer);

        Assert.Equal(MapStatus.NotJson, outcome.Status);
        Assert.Contains("depth", outcome.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, writer.WrittenMemory.Span.Length);
    }

    [Fact]
    public void Invalid_UTF8_in_a_key_is_refused_as_not_JSON()
    {
        byte[] body = [.. "{\""u8, 0xFF, 0xFE, .. "\":1}"u8];
        var writer = new LineProtocolWriter();

        MapOutcome outcome = new JsonFlattener("jitsi_stats", [], []).Map(body, UrlTag, Timestamp, writer);

        Assert.Equal(MapStatus.NotJson, outcome.Status);
        Assert.Equal(0, writer.WrittenMemory.Span.Length);
    }

    [Fact]
    public void Mapping_the_same_mapper_many_times_gives_the_same_line()
    {
        var mapper = new JsonFlattener("jitsi_stats", [], []);
        byte[] active = TestData.Bytes("jvb", "colibri-stats-2.1.508-active.json");
        string first = Map(active, mapper);
        Map("""{"other":1,"x":{"y":[1,2,3]}}""", mapper);

        Assert.Equal(first, Map(active, mapper));
    }

    private static string Map(string json, JsonFlattener? mapper = null) => Map(Encoding.UTF8.GetBytes(json), mapper);

    private static string Map(byte[] json, JsonFlattener? mapper = null)
    {
        var writer = new LineProtocolWriter();
        MapOutcome outcome = (mapper ?? new JsonFlattener("jitsi_stats", [], [])).Map(json, UrlTag, Timestamp, writer);
        Assert.True(outcome.Written, $"{outcome.Status}: {outcome.Detail}");
        return Encoding.UTF8.GetString(writer.WrittenMemory.Span);
    }
}
