using System.Text;
using ExecdJvb.Formats;

namespace ExecdJvb.Tests;

public sealed class OpenMetricsSchemaMapperTests
{
    private const long Timestamp = 1_700_000_000_000_000_000;
    private const string DefaultContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static readonly TargetTag[] UrlTag = [new("url", "http://127.0.0.1:5280/metrics")];

    public static TheoryData<string> Cases() =>
        [.. Directory.GetDirectories(TestData.PathOf("openmetrics")).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    [Fact]
    public void The_cases_are_found_and_each_has_an_input_and_an_expected_output()
    {
        string[] cases = [.. Cases()];

        Assert.True(cases.Length >= 24, $"{cases.Length} cases found");
        Assert.All(cases, name =>
        {
            Assert.True(File.Exists(TestData.PathOf("openmetrics", name, "input.txt")), name);
            Assert.True(File.Exists(TestData.PathOf("openmetrics", name, "expected.out")), name);
            Assert.Equal(name.StartsWith("error_", StringComparison.Ordinal), File.Exists(TestData.PathOf("openmetrics", name, "expected.err")));
        });
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_case_maps_to_what_Telegraf_writes_or_is_refused_whole(string name)
    {
        byte[] input = TestData.Bytes("openmetrics", name, "input.txt");
        byte[] expected = TestData.Bytes("openmetrics", name, "expected.out");
        string contentTypePath = TestData.PathOf("openmetrics", name, "content-type.txt");
        string contentType = File.Exists(contentTypePath) ? File.ReadAllText(contentTypePath).Trim() : DefaultContentType;
        string errorPath = TestData.PathOf("openmetrics", name, "expected.err");
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new OpenMetricsSchemaMapper().Map(input, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.True(OpenMetricsContentType.IsOpenMetrics(contentType), contentType);
        if (File.Exists(errorPath))
        {
            Assert.Equal(MapStatus.NotOpenMetricsText, outcome.Status);
            Assert.Contains(File.ReadAllText(errorPath).TrimEnd('\n'), outcome.Detail, StringComparison.Ordinal);
            Assert.Empty(expected);
            Assert.Equal(0, writer.WrittenMemory.Length);
        }
        else
        {
            Assert.True(outcome.Written, $"{outcome.Status}: {outcome.Detail}");
            Assert.Equal(Normalized(expected), Normalized(writer.WrittenMemory.Span));
        }
    }

    [Fact]
    public void A_refused_answer_leaves_what_the_writer_held_before_it()
    {
        var writer = new LineProtocolWriter(64);
        Assert.True(writer.BeginLine("before"u8));
        Assert.True(writer.AddField("x"u8, 1.0));
        Assert.True(writer.EndLine(1));
        string before = Encoding.UTF8.GetString(writer.WrittenMemory.Span);

        MapOutcome outcome = new OpenMetricsSchemaMapper().Map("# TYPE g gauge\ng 1\n# TYPE h gauge\nh 2\n"u8, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(MapStatus.NotOpenMetricsText, outcome.Status);
        Assert.Contains("data does not end with # EOF", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    public static TheoryData<string> ProsodyCaptures() => ["metrics-0.12.3-openmetrics.txt", "metrics-0.12.3-plain.txt"];

    [Theory]
    [MemberData(nameof(ProsodyCaptures))]
    public void A_real_Prosody_answer_gives_one_point_per_series(string file)
    {
        byte[] input = TestData.Bytes("prosody", file);
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new OpenMetricsSchemaMapper().Map(input, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(new MapOutcome(MapStatus.Written), outcome);
        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(writer.WrittenMemory.Span);
        Assert.Equal(SeriesWithAValue(Encoding.UTF8.GetString(input)), points.Count);
        Assert.All(points, point => Assert.Contains(new DecodedTag("url", "http://127.0.0.1:5280/metrics"), point.Tags));
        Assert.All(points, point => Assert.Equal(Timestamp, point.Time));
    }

    [Fact]
    public void The_Prosody_capture_maps_to_the_points_Telegrafs_OpenMetrics_parser_gives_it_with_the_target_tag_for_the_url()
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new OpenMetricsSchemaMapper().Map(TestData.Bytes("prosody", "metrics-0.12.3-openmetrics.txt"), [new TargetTag("container_name", "prosody-1")], Timestamp, writer, ComponentProfile.Prosody.LabelRenames);

        Assert.True(outcome.Written, $"{outcome.Status}: {outcome.Detail}");
        Assert.Equal(
            TelegrafGolden.Normalized(TelegrafGolden.Points("prosody", ["prosody", "metrics-0.12.3-openmetrics.openmetrics.out"], [new("container_name", "prosody-1")], Timestamp)),
            TelegrafGolden.Normalized(LineProtocolDecoder.Decode(writer.WrittenMemory.Span)));
    }

    [Fact]
    public void The_Prosody_capture_gives_its_connections_rooms_and_histograms_with_their_domains_as_xmpp_host()
    {
        var writer = new LineProtocolWriter(64);

        new OpenMetricsSchemaMapper().Map(TestData.Bytes("prosody", "metrics-0.12.3-openmetrics.txt"), UrlTag, Timestamp, writer, ComponentProfile.Prosody.LabelRenames);

        string[] points = Normalized(writer.WrittenMemory.Span);
        Assert.Contains(Point("prosody_mod_c2s__connections", [("ip_family", "ipv4"), ("type", "c2s"), ("xmpp_host", "meet.jitsi")], ("gauge", 1.0)), points);
        Assert.Contains(Point("prosody_mod_c2s__connections", [("ip_family", "ipv6"), ("type", "c2s"), ("xmpp_host", "meet.jitsi")], ("gauge", 0.0)), points);
        Assert.Contains(Point("prosody_mod_muc__live_room", [("xmpp_host", "muc.meet.jitsi")], ("gauge", 1.0)), points);
        Assert.Contains(Point("prosody_mod_muc__room_miss", [("xmpp_host", "muc.meet.jitsi")], ("counter", 1.0)), points);
        Assert.Contains(Point("prosody_mod_bosh__active_sessions", [], ("gauge", 0.0)), points);
        Assert.Contains(
            Point(
                "prosody_stats_collection_seconds",
                [("unit", "seconds")],
                ("+Inf", 1.0), ("0.001", 1.0), ("0.01", 1.0), ("0.1", 1.0), ("1", 1.0), ("10", 1.0), ("100", 1.0),
                ("count", 1.0), ("created", 1970885108.0), ("sum", 4.5061111450195312e-05)),
            points);
        Assert.DoesNotContain(points, point => point.StartsWith("\"prosody_mod_c2s__encrypted\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_target_tags_replace_labels_of_their_name()
    {
        var writer = new LineProtocolWriter(64);

        new OpenMetricsSchemaMapper().Map(
            "# TYPE g gauge\ng{container_name=\"label\",url=\"from the label\",host=\"meet.jitsi\"} 1\n# EOF\n"u8,
            [new TargetTag("container_name", "prosody-1")],
            Timestamp,
            writer, LabelRenames.None);

        Assert.Equal($"g,container_name=prosody-1,host=meet.jitsi,url=from\\ the\\ label gauge=1 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_components_labels_named_as_the_tags_Telegraf_or_the_plugin_set_are_written_under_names_of_their_own(bool openMetrics)
    {
        var writer = new LineProtocolWriter(64);
        ReadOnlySpan<byte> text = "# TYPE g gauge\ng{container_name=\"label\",url=\"from the label\",host=\"meet.jitsi\",version=\"0.12.4\"} 1\n# EOF\n"u8;
        TargetTag[] tags = [new("container_name", "prosody-1")];

        if (openMetrics)
        {
            new OpenMetricsSchemaMapper().Map(text, tags, Timestamp, writer, ComponentProfile.Prosody.LabelRenames);
        }
        else
        {
            new PrometheusSchemaMapper().Map(text, tags, Timestamp, writer, ComponentProfile.Prosody.LabelRenames);
        }

        // Prosody serves no /about/version, so it never has a version tag its label could take.
        Assert.Equal(
            $"g,container_name=prosody-1,prosody_container_name=label,prosody_url=from\\ the\\ label,version=0.12.4,xmpp_host=meet.jitsi gauge=1 {Timestamp}\n",
            Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Theory]
    [InlineData(true, "host=\"meet.jitsi\",xmpp_host=\"own\"")]
    [InlineData(false, "host=\"meet.jitsi\",xmpp_host=\"own\"")]
    [InlineData(true, "xmpp_host=\"own\",host=\"meet.jitsi\"")]
    [InlineData(false, "xmpp_host=\"own\",host=\"meet.jitsi\"")]
    public void A_label_whose_new_name_the_sample_already_has_is_left_out_rather_than_written_as_a_second_tag_of_that_name(bool openMetrics, string labels)
    {
        var writer = new LineProtocolWriter(64);
        byte[] text = Encoding.UTF8.GetBytes($"# TYPE g gauge\ng{{{labels},type=\"c2s\"}} 1\n# EOF\n");
        TargetTag[] tags = [new("container_name", "prosody-1")];

        MapOutcome outcome = openMetrics
            ? new OpenMetricsSchemaMapper().Map(text, tags, Timestamp, writer, ComponentProfile.Prosody.LabelRenames)
            : new PrometheusSchemaMapper().Map(text, tags, Timestamp, writer, ComponentProfile.Prosody.LabelRenames);

        Assert.True(outcome.Written, outcome.ToString());
        Assert.Equal(
            $"g,container_name=prosody-1,type=c2s,xmpp_host=own gauge=1 {Timestamp}\n",
            Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void An_info_family_writes_the_integer_Telegraf_writes()
    {
        string line = Map("# TYPE build info\nbuild_info{version=\"1\"} 7\n# EOF\n");

        Assert.Equal($"build,url=http://127.0.0.1:5280/metrics,version=1 info=1i {Timestamp}\n", line);
    }

    [Fact]
    public void Mapping_twice_with_one_mapper_gives_the_same_lines()
    {
        var mapper = new OpenMetricsSchemaMapper();
        byte[] input = TestData.Bytes("openmetrics", "prosody", "input.txt");
        var first = new LineProtocolWriter(64);
        var second = new LineProtocolWriter(64);

        mapper.Map(input, UrlTag, Timestamp, first, LabelRenames.None);
        mapper.Map("# TYPE other summary\nother_count{a=\"b\"} 3\n"u8, UrlTag, Timestamp, new LineProtocolWriter(64), LabelRenames.None);
        mapper.Map(input, UrlTag, Timestamp, second, LabelRenames.None);

        Assert.Equal(Encoding.UTF8.GetString(first.WrittenMemory.Span), Encoding.UTF8.GetString(second.WrittenMemory.Span));
        Assert.NotEqual(0, first.WrittenMemory.Length);
    }

    public static TheoryData<string, byte[], string> Garbage() => new()
    {
        { "Prosody's 403 page", TestData.Bytes("prosody", "metrics-0.12.3-403.html"), "expected a valid start token" },
        { "JSON", "{\"a\": 1}\n"u8.ToArray(), "expected equal" },
        { "an empty body", [], "expected a valid start token" },
        { "a line break alone", "\n"u8.ToArray(), "expected a valid start token" },
        { "a blank line after the trimmed one", "\n\n# EOF\n"u8.ToArray(), "expected a valid start token, got \"\\x0a\" while parsing: \"\" (line 2)" },
        { "binary", [0x00, 0xff, 0x1f, 0x8b, 0x08, 0x00], "expected a valid start token" },
        { "Prometheus 0.0.4 text", "# HELP g A gauge.\n# TYPE g untyped\ng 1\n"u8.ToArray(), "invalid metric type \"untyped\"" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void An_answer_that_is_no_OpenMetrics_text_writes_nothing_and_says_why(string what, byte[] body, string reason)
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new OpenMetricsSchemaMapper().Map(body, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(MapStatus.NotOpenMetricsText, outcome.Status);
        Assert.StartsWith("parsing text format failed: parsing failed: ", outcome.Detail, StringComparison.Ordinal);
        Assert.True(outcome.Detail!.Contains(reason, StringComparison.Ordinal), $"{what}: {outcome.Detail}");
        Assert.Equal(0, writer.WrittenMemory.Length);
    }

    [Fact]
    public void An_answer_without_a_writable_value_writes_nothing_and_says_so()
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new OpenMetricsSchemaMapper().Map("# TYPE g gauge\ng +Inf\n# TYPE c counter\nc_created 1\n# EOF\n"u8, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(new MapOutcome(MapStatus.NoNumbers, "no sample has a value that can be written", 1), outcome);
        Assert.Equal(0, writer.WrittenMemory.Length);
    }

    [Fact]
    public void A_point_without_a_timestamp_takes_the_time_of_the_series_point_before_it()
    {
        // extractMetricsV1 sets its time once per series and moves it only for points that carry one.
        string lines = Map("# TYPE g gauge\ng 1 1700000005\ng 2\n# EOF\n");

        Assert.Equal($"g,url=http://127.0.0.1:5280/metrics gauge=1 1700000005000000000\ng,url=http://127.0.0.1:5280/metrics gauge=2 1700000005000000000\n", lines);
    }

    [Fact]
    public void A_point_without_a_timestamp_in_the_next_series_takes_the_gather_time()
    {
        // The first series has no labels, so its label set takes no room: the next is told apart all the same.
        string lines = Map("# TYPE g gauge\ng 1 1700000005\ng{a=\"1\"} 2\n# EOF\n");

        Assert.Equal($"g,url=http://127.0.0.1:5280/metrics gauge=1 1700000005000000000\ng,a=1,url=http://127.0.0.1:5280/metrics gauge=2 {Timestamp}\n", lines);
    }

    [Fact]
    public void A_sample_of_another_type_in_the_same_point_fails_the_answer_as_Telegrafs_parser_panics()
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new OpenMetricsSchemaMapper().Map("# TYPE x histogram\nx_count 1\n# TYPE x counter\nx_total 2\n# EOF\n"u8, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(MapStatus.NotOpenMetricsText, outcome.Status);
        Assert.Contains("panics", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quantile_of_inf_is_the_largest_double_as_the_Go_parser_rewrites_it_to_plus_Inf()
    {
        string lines = Map("# TYPE s summary\ns{quantile=\"inf\"} 3\n# EOF\n");

        Assert.Contains("1.7976931348623157e+308=3", lines, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every case's input and the Prosody captures, each cut, spliced and overwritten at random places (a fixed seed, so
    /// a failure repeats), through one mapper and one writer: no exception, and either nothing written with Telegraf's
    /// error, or lines that decode, each with the url tag and only float, boolean or the info integer fields.
    /// </summary>
    [Fact]
    public void Damaged_answers_give_valid_lines_or_nothing()
    {
        byte[][] inputs = [
            .. Directory.GetDirectories(TestData.PathOf("openmetrics")).Order(StringComparer.Ordinal).Select(path => File.ReadAllBytes(Path.Combine(path, "input.txt"))),
            TestData.Bytes("prosody", "metrics-0.12.3-openmetrics.txt"),
        ];
        byte[] alphabet = [.. "#{}=,\" \n\\_:.+-eE0123456789abcHELPTYPEUNITEOFNaInf"u8, 0xFF, 0x00];
        var random = new Random(20261203);
        var mapper = new OpenMetricsSchemaMapper();
        var writer = new LineProtocolWriter(64);
        for (int round = 0; round < 4000; round++)
        {
            var damaged = new List<byte>(inputs[random.Next(inputs.Length)]);
            for (int edit = random.Next(1, 4); edit > 0; edit--)
            {
                int at = random.Next(damaged.Count + 1);
                switch (random.Next(3))
                {
                    case 0 when at < damaged.Count:
                        damaged.RemoveRange(at, Math.Min(random.Next(1, 8), damaged.Count - at));
                        break;
                    case 1 when at < damaged.Count:
                        damaged[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                    default:
                        damaged.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                }
            }

            writer.Clear();
            MapOutcome outcome = mapper.Map(damaged.ToArray(), UrlTag, Timestamp, writer, LabelRenames.None);

            string input = Encoding.UTF8.GetString(damaged.ToArray());
            if (outcome.Status == MapStatus.NotOpenMetricsText)
            {
                Assert.True(writer.WrittenMemory.Length == 0, input);
                Assert.StartsWith("parsing text format failed: ", outcome.Detail, StringComparison.Ordinal);
                continue;
            }

            Assert.True(LineProtocolDecoder.TryDecode(writer.WrittenMemory.Span, 0, 1, out IReadOnlyList<DecodedPoint> points, out string? error), $"{error} in {input}");
            Assert.Equal(outcome.Written, points.Count > 0);
            Assert.All(points, point =>
            {
                Assert.Contains(new DecodedTag("url", "http://127.0.0.1:5280/metrics"), point.Tags);
                Assert.All(point.Fields, field => Assert.True(
                    field.Value is double number ? double.IsFinite(number) : field.Value is bool || field == new DecodedField("info", 1L),
                    $"{field} in {input}"));
            });
        }
    }

    /// <summary>
    /// Points per series counted apart from the mapper: per family (named by its # TYPE line), the distinct label sets
    /// of its samples without <c>le</c>, and of a counter family only the <c>_total</c> samples, which alone give a value.
    /// </summary>
    private static int SeriesWithAValue(string text)
    {
        var series = new HashSet<string>(StringComparer.Ordinal);
        string family = string.Empty;
        string type = string.Empty;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] words = line.Split(' ');
                (family, type) = (words[2], words[3]);
                continue;
            }

            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string name = line.Split('{', ' ')[0];
            if (type == "counter" && name != family + "_total")
            {
                continue;
            }

            int open = line.IndexOf('{', StringComparison.Ordinal);
            string labels = open < 0 ? string.Empty : line[(open + 1)..line.IndexOf('}', StringComparison.Ordinal)];
            string[] kept = [.. labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(label => !label.StartsWith("le=", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
            series.Add(family + "{" + string.Join(",", kept) + "}");
        }

        return series.Count;
    }

    private static string Point(string measurement, (string Key, string Value)[] tags, params (string Key, object Value)[] fields) =>
        new DecodedPoint(
            measurement,
            [.. tags.Append((Key: "url", Value: "http://127.0.0.1:5280/metrics")).OrderBy(tag => tag.Key, StringComparer.Ordinal).Select(tag => new DecodedTag(tag.Key, tag.Value))],
            [.. fields.OrderBy(field => field.Key, StringComparer.Ordinal).Select(field => new DecodedField(field.Key, field.Value))],
            Timestamp).ToString();

    private static string Map(string text)
    {
        var writer = new LineProtocolWriter(64);
        MapOutcome outcome = new OpenMetricsSchemaMapper().Map(Encoding.UTF8.GetBytes(text), UrlTag, Timestamp, writer, LabelRenames.None);
        Assert.True(outcome.Written, $"{outcome.Status}: {outcome.Detail}");
        return Encoding.UTF8.GetString(writer.WrittenMemory.Span);
    }

    /// <summary>
    /// Points as a sorted list, fields sorted by key (Telegraf builds them from a Go map). Telegraf's own expected
    /// files write an info field as <c>1u</c>, the uint64 the metric holds; its default influx output (no
    /// influx_uint_support) writes <c>1i</c>, which is what the mapper writes, so an unsigned golden value counts as that integer.
    /// </summary>
    private static string[] Normalized(ReadOnlySpan<byte> lines) =>
        [.. LineProtocolDecoder.Decode(lines)
            .Select(point => (point with
            {
                Fields = [.. point.Fields
                    .Select(field => field.Value is ulong unsigned ? field with { Value = checked((long)unsigned) } : field)
                    .OrderBy(field => field.Key, StringComparer.Ordinal)],
            }).ToString())
            .Order(StringComparer.Ordinal)];
}
