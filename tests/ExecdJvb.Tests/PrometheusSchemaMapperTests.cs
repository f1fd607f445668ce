using System.Text;
using ExecdJvb.Formats;

namespace ExecdJvb.Tests;

public sealed class PrometheusSchemaMapperTests
{
    private const long Timestamp = 1_700_000_000_000_000_000;
    private static readonly TargetTag[] UrlTag = [new("url", "http://127.0.0.1:8080/metrics")];

    public static TheoryData<string> Cases() =>
        [.. Directory.GetDirectories(TestData.PathOf("prometheus")).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_case_maps_to_the_points_derived_from_Telegrafs_metric_version_1_rules(string name)
    {
        byte[] input = TestData.Bytes("prometheus", name, "input.txt");
        byte[] expected = TestData.Bytes("prometheus", name, "expected.out");
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new PrometheusSchemaMapper().Map(input, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.True(outcome.Written, $"{outcome.Status}: {outcome.Detail}");
        Assert.Equal(Normalized(expected), Normalized(writer.WrittenMemory.Span));
    }

    [Theory]
    [InlineData("jvb", "jvb-metrics", "metrics-2.3.168")]
    [InlineData("jicofo", "jicofo", "metrics-stable-jitsi-meet_11146")]
    public void A_components_metrics_map_to_the_points_Telegrafs_text_parser_gives_them_with_the_target_tag_for_the_url(string component, string folder, string payload)
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new PrometheusSchemaMapper().Map(TestData.Bytes(folder, payload + ".txt"), [new TargetTag("container_name", "component-1")], Timestamp, writer, ComponentProfile.ByKey(component)!.LabelRenames);

        Assert.True(outcome.Written, $"{outcome.Status}: {outcome.Detail}");
        Assert.Equal(
            TelegrafGolden.Normalized(TelegrafGolden.Points(component, [folder, payload + ".prometheus.out"], [new("container_name", "component-1")], Timestamp)),
            TelegrafGolden.Normalized(LineProtocolDecoder.Decode(writer.WrittenMemory.Span)));
    }

    [Fact]
    public void Prosodys_OpenMetrics_read_as_Prometheus_text_are_Telegrafs_points_with_a_histogram_count_after_its_created_sample()
    {
        var writer = new LineProtocolWriter(64);
        DecodedTag[] url = [new("url", "http://127.0.0.1:5280/metrics")];

        new PrometheusSchemaMapper().Map(TestData.Bytes("prosody", "metrics-0.12.3-openmetrics.txt"), [new TargetTag("url", url[0].Value)], Timestamp, writer, ComponentProfile.Prosody.LabelRenames);

        // Prosody writes a histogram's _count after its _created, a family of its own; Go's parser finds the
        // histogram again by name, so the count joins it and no _count point is written.
        IReadOnlyList<DecodedPoint> golden = TelegrafGolden.Points("prosody", ["prosody", "metrics-0.12.3-openmetrics.prometheus.out"], url, Timestamp);
        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(writer.WrittenMemory.Span);
        Assert.Equal(TelegrafGolden.Normalized(golden), TelegrafGolden.Normalized(points));
        foreach (string histogram in (string[])["prosody_stats_collection_seconds", "prosody_stats_processing_seconds"])
        {
            Assert.Contains(new DecodedField("count", 1.0), Assert.Single(points, point => point.Measurement == histogram).Fields);
            Assert.DoesNotContain(points, point => point.Measurement == histogram + "_count");
        }
    }

    [Fact]
    public void Every_case_has_an_input_and_an_expected_output()
    {
        string[] cases = [.. Cases()];

        Assert.Equal(15, cases.Length);
        Assert.All(cases, name =>
        {
            Assert.True(File.Exists(TestData.PathOf("prometheus", name, "input.txt")), name);
            Assert.True(File.Exists(TestData.PathOf("prometheus", name, "expected.out")), name);
        });
    }

    [Fact]
    public void The_JVB_2_3_168_metrics_fixture_gives_one_point_per_sample_and_one_per_histogram()
    {
        byte[] input = TestData.Bytes("jvb-metrics", "metrics-2.3.168.txt");
        string[] lines = Encoding.UTF8.GetString(input).Split('\n');
        string[] histograms = [.. lines.Where(line => line.StartsWith("# TYPE ", StringComparison.Ordinal) && line.EndsWith(" histogram", StringComparison.Ordinal)).Select(line => line.Split(' ')[2])];
        // A histogram's x_created sample (simpleclient gives it a gauge TYPE of its own) is another family to the Go parser.
        int simpleSamples = lines.Count(line => line.Length > 0 && !line.StartsWith('#')
            && !histograms.Any(h => line.StartsWith(h + "_bucket", StringComparison.Ordinal) || line.StartsWith(h + "_sum ", StringComparison.Ordinal) || line.StartsWith(h + "_count ", StringComparison.Ordinal)));
        var writer = new LineProtocolWriter();

        MapOutcome outcome = new PrometheusSchemaMapper().Map(input, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(new MapOutcome(MapStatus.Written), outcome);
        Assert.Equal(6, histograms.Length);
        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(writer.WrittenMemory.Span);
        Assert.Equal(simpleSamples + histograms.Length, points.Count);
        DecodedPoint energy = Assert.Single(points, point => point.Measurement == "jitsi_jvb_tossed_packets_energy");
        Assert.Contains(new DecodedField("count", 244.0), energy.Fields);
        Assert.Contains(new DecodedField("sum", 19020.0), energy.Fields);
        Assert.Contains(energy.Fields, field => field.Key == "+Inf");
        Assert.Contains(points, point => point.Measurement == "jitsi_jvb_tossed_packets_energy_created" && point.Fields.Single().Key == "gauge");
    }

    [Fact]
    public void Tags_are_written_in_key_order_whatever_the_label_order()
    {
        string line = Map("x{zeta=\"1\",alpha=\"2\",mid=\"3\"} 1\n");

        Assert.Equal($"x,alpha=2,mid=3,url=http://127.0.0.1:8080/metrics,zeta=1 value=1 {Timestamp}\n", line);
    }

    [Fact]
    public void A_container_name_target_tag_replaces_a_label_of_that_name_and_keeps_the_url_label()
    {
        var writer = new LineProtocolWriter(64);

        new PrometheusSchemaMapper().Map(
            "# TYPE g gauge\ng{container_name=\"label\",url=\"from the label\"} 1\n"u8,
            [new TargetTag("container_name", "jvb-1")],
            Timestamp,
            writer, LabelRenames.None);

        Assert.Equal($"g,container_name=jvb-1,url=from\\ the\\ label gauge=1 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void Every_number_is_a_float_field()
    {
        string lines = Map("# TYPE c counter\nc 12345678901\n# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_count 3\nh_sum 7\n");

        Assert.DoesNotMatch(@"=-?\d+i[, ]", lines);
        Assert.Contains("counter=12345678901 ", lines);
    }

    [Fact]
    public void Malformed_lines_are_skipped_and_the_first_is_named_with_its_line_number()
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new PrometheusSchemaMapper().Map(TestData.Bytes("prometheus", "malformed_lines", "input.txt"), UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.True(outcome.Written);
        Assert.Equal(5, writer.WrittenMemory.Span.Count((byte)'\n'));
        Assert.StartsWith("13 of 19 lines could not be read; the first: line 3: ", outcome.Detail);
    }

    [Fact]
    public void An_empty_answer_writes_nothing_and_says_so()
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new PrometheusSchemaMapper().Map([], UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(MapStatus.NoNumbers, outcome.Status);
        Assert.Equal("the answer is empty", outcome.Detail);
        Assert.Equal(0, writer.WrittenMemory.Span.Length);
    }

    [Fact]
    public void An_html_error_page_writes_nothing_and_names_its_first_line()
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new PrometheusSchemaMapper().Map("<html>\n<body>Not Found</body>\n</html>\n"u8, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(MapStatus.NotPrometheusText, outcome.Status);
        Assert.Equal("3 of 3 lines could not be read; the first: line 1: invalid metric name \"<html>\"", outcome.Detail);
        Assert.Equal(0, writer.WrittenMemory.Span.Length);
    }

    [Fact]
    public void Samples_that_are_all_NaN_or_infinite_write_nothing_and_count_as_skipped()
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new PrometheusSchemaMapper().Map("a NaN\nb +Inf\n# TYPE c counter\nc -Inf\n"u8, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(new MapOutcome(MapStatus.NoNumbers, "no sample has a value that can be written", 3), outcome);
        Assert.Equal(0, writer.WrittenMemory.Span.Length);
    }

    [Theory]
    [InlineData("-0.5", "count=0,")]
    [InlineData("2.999", "count=2,")]
    [InlineData("18446744073709549568", "count=18446744073709550000,")]
    public void Counts_are_whole_numbers_as_the_Go_parser_stores_them(string count, string expected)
    {
        string line = Map($"# TYPE s summary\ns_count {count}\ns_sum 1\n");

        Assert.Contains(" " + expected, line);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.8446744073709552e19")]
    [InlineData("NaN")]
    [InlineData("+Inf")]
    public void A_count_whose_uint64_conversion_depends_on_the_CPU_is_left_out(string count)
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new PrometheusSchemaMapper().Map(Encoding.UTF8.GetBytes($"# TYPE h histogram\nh_bucket{{le=\"1\"}} {count}\nh_count {count}\nh_sum 1\n"), UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal($"h,url=http://127.0.0.1:8080/metrics sum=1 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
        Assert.Equal(2, outcome.SkippedValues);
    }

    [Fact]
    public void A_timestamp_beyond_the_nanosecond_range_writes_no_point()
    {
        var writer = new LineProtocolWriter(64);

        MapOutcome outcome = new PrometheusSchemaMapper().Map("a 1 9223372036855\nb 2 9223372036854\n"u8, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal("b,url=http://127.0.0.1:8080/metrics value=2 9223372036854000000\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
        Assert.Equal(1, outcome.SkippedValues);
    }

    [Fact]
    public void A_histogram_between_gauges_keeps_its_place_in_the_output()
    {
        string lines = Map("a 1\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\nb 2\n");

        Assert.Equal(
            $"a,url=http://127.0.0.1:8080/metrics value=1 {Timestamp}\n"
            + $"h,url=http://127.0.0.1:8080/metrics 1=1,count=1,sum=1 {Timestamp}\n"
            + $"b,url=http://127.0.0.1:8080/metrics value=2 {Timestamp}\n",
            lines);
    }

    [Fact]
    public void A_mapper_reused_for_the_next_answer_starts_clean()
    {
        var mapper = new PrometheusSchemaMapper();
        byte[] histogram = TestData.Bytes("prometheus", "histogram_series", "input.txt");
        var first = new LineProtocolWriter(64);
        var second = new LineProtocolWriter(64);

        mapper.Map(histogram, UrlTag, Timestamp, first, LabelRenames.None);
        mapper.Map("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"1\"} 1\nh_bu"u8, UrlTag, Timestamp, new LineProtocolWriter(64), LabelRenames.None);
        mapper.Map(histogram, UrlTag, Timestamp, second, LabelRenames.None);

        Assert.Equal(Encoding.UTF8.GetString(first.WrittenMemory.Span), Encoding.UTF8.GetString(second.WrittenMemory.Span));
    }

    [Fact]
    public void Mapping_a_JVB_sized_answer_allocates_nothing_once_warm()
    {
        (long allocated, int lines) = AllocatedOnceWarm(Encoding.UTF8.GetBytes(PrometheusTextSamples.JvbLike(series: 40)));

        Assert.True(lines >= 94, $"only {lines} lines");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_histogram_met_again_is_written_once_with_its_later_lines_and_what_the_writer_held_stays()
    {
        var writer = new LineProtocolWriter(64);
        writer.BeginLine("earlier"u8);
        writer.AddField("value"u8, 1);
        writer.EndLine(1);

        MapOutcome outcome = new PrometheusSchemaMapper().Map(
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 2\nh_created 3\nh_count 4\n"u8, UrlTag, Timestamp, writer, LabelRenames.None);

        Assert.Equal(new MapOutcome(MapStatus.Written), outcome);
        Assert.Equal(
            "earlier value=1 1\n"
            + $"h_created,url=http://127.0.0.1:8080/metrics value=3 {Timestamp}\n"
            + $"h,url=http://127.0.0.1:8080/metrics 1=1,count=4,sum=2 {Timestamp}\n",
            Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void Mapping_an_answer_with_a_histogram_met_again_allocates_nothing_once_warm()
    {
        Assert.Equal(0, AllocatedOnceWarm(TestData.Bytes("prosody", "metrics-0.12.3-openmetrics.txt")).Allocated);
    }

    /// <summary>What mapping <paramref name="body"/> allocates after three warm-up maps, and the lines it writes.</summary>
    private static (long Allocated, int Lines) AllocatedOnceWarm(byte[] body)
    {
        var mapper = new PrometheusSchemaMapper();
        var writer = new LineProtocolWriter();
        for (int warm = 0; warm < 3; warm++)
        {
            writer.Clear();
            Assert.True(mapper.Map(body, UrlTag, Timestamp, writer, LabelRenames.None).Written);
        }

        writer.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        MapOutcome outcome = mapper.Map(body, UrlTag, Timestamp, writer, LabelRenames.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(outcome.Written);
        return (allocated, writer.WrittenMemory.Span.Count((byte)'\n'));
    }

    private static string Map(string text)
    {
        var writer = new LineProtocolWriter(64);
        new PrometheusSchemaMapper().Map(Encoding.UTF8.GetBytes(text), UrlTag, Timestamp, writer, LabelRenames.None);
        return Encoding.UTF8.GetString(writer.WrittenMemory.Span);
    }

    /// <summary>The points of a line-protocol text, each with its fields in key order, as a sorted list.</summary>
    private static string Normalized(ReadOnlySpan<byte> lines) => string.Join(
        "\n",
        LineProtocolDecoder.Decode(lines)
            .Select(point => (point with { Fields = [.. point.Fields.OrderBy(field => field.Key, StringComparer.Ordinal)] }).ToString())
            .Order(StringComparer.Ordinal));
}
