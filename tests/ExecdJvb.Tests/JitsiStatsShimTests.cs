using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ExecdJvb.Tests;

/// <summary>
/// The map against the JVB of each era: tests/testdata/jvb-metrics holds, per commit, the registry and the shim
/// extracted by program from the JVB's source and a /metrics answer generated from them for the state of a
/// /colibri/stats document of the same commit (captured for 2.3.168, generated with it for the others). Its
/// SOURCES.md says how each file was made.
/// </summary>
public sealed partial class JitsiStatsShimTests
{
    private const long Timestamp = 1_700_000_000_000_000_000;
    private static readonly TargetTag[] NameTag = [new("container_name", "wa-jitsi-jvb")];

    public static TheoryData<string> Eras() => ["2.3.168", "stable-jitsi-meet_11146", "master"];

    [Theory]
    [MemberData(nameof(Eras))]
    public void The_map_accounts_once_for_every_key_of_the_colibri_document_of_each_JVB_and_for_no_other(string era)
    {
        using JsonDocument colibri = JsonDocument.Parse(ColibriBytes(era));
        HashSet<string> registered = RegisteredSamples(era);
        string[] keys = [.. colibri.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
        string[] mapped = [.. JitsiStatsMetricMap.InShimOrder.Where(f => registered.Contains(f.Metric)).Select(f => f.Field)];
        string[] without = [.. ColibriKeysWithoutMetric.All.Select(f => f.Field)];

        Assert.Equal(mapped.Length, mapped.Distinct().Count());
        Assert.Empty(mapped.Intersect(without));
        Assert.Equal(keys, mapped.Concat(without.Where(keys.Contains)).Order(StringComparer.Ordinal));
        Assert.Equal(["average_participant_stress", "current_timestamp", "version"], without.Where(keys.Contains).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Every_metric_of_the_map_that_the_JVB_registers_is_in_its_metrics_answer_and_found_by_its_sample_name(string era)
    {
        HashSet<string> samples = [.. SampleLines(era).Select(s => s.Name)];
        HashSet<string> registered = RegisteredSamples(era);

        foreach (JitsiStatsField field in JitsiStatsMetricMap.InShimOrder.Where(f => registered.Contains(f.Metric)))
        {
            Assert.Contains(field.Metric, samples);
            int first = JitsiStatsMetricMap.Find(field.MetricUtf8);
            Assert.True(first >= 0, field.Metric);
            Assert.Contains(field, Enumerable.Range(first, JitsiStatsMetricMap.Count - first).Select(JitsiStatsMetricMap.At).TakeWhile(f => f.Metric == field.Metric));
        }

        Assert.Equal(-1, JitsiStatsMetricMap.Find("jitsi_jvb_no_such_metric"u8));
        Assert.Equal(-1, JitsiStatsMetricMap.Find(""u8));
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void The_metrics_answer_gives_exactly_the_colibri_fields_of_the_same_state_under_their_colibri_names_and_values(string era)
    {
        DecodedPoint colibri = ColibriPoint(era);
        DecodedPoint metrics = MetricsPoint(era);
        Dictionary<string, object> fromMetrics = metrics.Fields.ToDictionary(f => f.Key, f => f.Value);
        HashSet<string> mapNames = [.. JitsiStatsMetricMap.InShimOrder.Select(f => f.Field)];
        string[] unavailable = [.. ColibriKeysWithoutMetric.All.Select(f => f.Field)];

        Assert.Equal(colibri.Measurement, metrics.Measurement);
        Assert.Equal(colibri.Tags, metrics.Tags);
        Assert.Equal(Timestamp, metrics.Time);
        Assert.NotEmpty(colibri.Fields);
        foreach (DecodedField field in colibri.Fields.Where(f => !unavailable.Contains(f.Key)))
        {
            Assert.True(fromMetrics.TryGetValue(field.Key, out object? value), $"{field.Key} is missing");
            Assert.IsType<double>(value);
            Assert.Equal(field.Value, value);
        }

        // No colibri name this JVB's /colibri/stats does not have.
        Assert.Equal(
            colibri.Fields.Select(f => f.Key).Where(k => !unavailable.Contains(k)).Order(StringComparer.Ordinal),
            metrics.Fields.Select(f => f.Key).Where(mapNames.Contains).Order(StringComparer.Ordinal));

        // Only average_participant_stress, a configured constant, is a number colibri has and /metrics has not.
        Assert.Equal(["average_participant_stress"], colibri.Fields.Select(f => f.Key).Where(unavailable.Contains));
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Metrics_without_a_colibri_key_keep_their_sample_name_without_the_jitsi_jvb_prefix_and_labels_become_name_parts(string era)
    {
        HashSet<string> colibriNames = [.. ColibriPoint(era).Fields.Select(f => f.Key)];
        HashSet<string> tableMetrics = [.. JitsiStatsMetricMap.InShimOrder.Select(f => f.Metric)];
        HashSet<string> createdFamilies = [.. CreatedFamilies(era)];
        string[] expected =
        [
            .. SampleLines(era)
                .Where(s => !tableMetrics.Contains(s.Name) && !createdFamilies.Contains(s.Name))
                .Select(s => s.Name["jitsi_jvb_".Length..] + string.Concat(s.Labels.Select(l => $"_{l.Key}_{l.Value}")))
                .Order(StringComparer.Ordinal),
        ];

        string[] extra = [.. MetricsPoint(era).Fields.Select(f => f.Key).Where(k => !colibriNames.Contains(k)).Order(StringComparer.Ordinal)];

        Assert.Equal(expected, extra);
        Assert.Contains("conferences_by_size_bucket_le_20.0", extra);
        Assert.Contains("conferences_by_size_bucket_le_+Inf", extra);
        Assert.Contains("tossed_packets_energy_count", extra);
        Assert.Contains("srtp_send_queue_dropped_packets_total", extra);
        Assert.Contains("jvm_heap_used", extra);
        Assert.NotEmpty(createdFamilies);
        Assert.DoesNotContain(extra, k => k.EndsWith("_created", StringComparison.Ordinal));
    }

    [Fact]
    public void Values_without_a_colibri_key_are_written_as_the_answer_holds_them()
    {
        Dictionary<string, object> fields = MetricsPoint("2.3.168").Fields.ToDictionary(f => f.Key, f => f.Value);

        Assert.Equal(SampleValue("2.3.168", "jitsi_jvb_tossed_packets_energy_count"), fields["tossed_packets_energy_count"]);
        Assert.Equal(SampleValue("2.3.168", "jitsi_jvb_tossed_packets_energy_sum"), fields["tossed_packets_energy_sum"]);
        Assert.Equal(SampleValue("2.3.168", "jitsi_jvb_tossed_packets_energy_bucket{le=\"95.0\",}"), fields["tossed_packets_energy_bucket_le_95.0"]);
        Assert.Equal(1729734447605.0, fields["startup_time"]);
        Assert.Equal(SampleValue("2.3.168", "jitsi_jvb_jvm_heap_committed"), fields["jvm_heap_committed"]);
    }

    [Fact]
    public void The_newest_JVB_gives_the_keys_its_shim_added_and_an_older_one_does_not()
    {
        Dictionary<string, object> master = MetricsPoint("master").Fields.ToDictionary(f => f.Key, f => f.Value);
        Dictionary<string, object> stable = MetricsPoint("stable-jitsi-meet_11146").Fields.ToDictionary(f => f.Key, f => f.Value);
        Dictionary<string, object> old = MetricsPoint("2.3.168").Fields.ToDictionary(f => f.Key, f => f.Value);

        Assert.Equal(2.0, master["endpoints_ice_failed"]);
        Assert.Equal(0.0, master["relays_ice_failed"]);
        Assert.Equal(0.0, master["dtls_failed_relays"]);
        Assert.Equal(3.0, master["tcc_unmatched_feedback"]);
        Assert.Equal(2846.0, master["bit_rate_download"]);
        Assert.Contains("endpoints_ice_failed", stable.Keys);
        Assert.DoesNotContain("tcc_unmatched_feedback", stable.Keys);
        Assert.DoesNotContain("tcc_unmatched_feedback", old.Keys);
        Assert.DoesNotContain("endpoints_ice_failed", old.Keys);
        Assert.DoesNotContain("dtls_failed_relays", old.Keys);
    }

    [Fact]
    public void Bit_rates_are_divided_by_1000_and_truncated_like_the_shims_Long_division()
    {
        Dictionary<string, object> fields = Fields("""
            # TYPE jitsi_jvb_incoming_bitrate gauge
            jitsi_jvb_incoming_bitrate 1999.0
            # TYPE jitsi_jvb_outgoing_bitrate gauge
            jitsi_jvb_outgoing_bitrate 1.284955E6
            """);

        Assert.Equal(1.0, fields["bit_rate_download"]);
        Assert.Equal(1284.0, fields["bit_rate_upload"]);
        Assert.DoesNotContain("incoming_bitrate", fields.Keys);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(999.0, 0.0)]
    [InlineData(1000.0, 1.0)]
    [InlineData(123456789.0, 123456.0)]
    [InlineData(-1999.0, -1.0)]
    [InlineData(1999.9, 1.0)]
    [InlineData(1152921504606846976.0, 1152921504606846.0)]
    public void Kilobits_are_what_a_Kotlin_Long_divided_by_1000_gives(double bitsPerSecond, double kilobits)
    {
        Assert.Equal(kilobits, JitsiStatsShim.KilobitsTruncated(bitsPerSecond));
    }

    [Fact]
    public void Relay_bit_rates_stay_in_bits_per_second_because_the_shim_does_not_divide_them()
    {
        Dictionary<string, object> fields = Fields("""
            jitsi_jvb_relay_incoming_bitrate 2500.0
            jitsi_jvb_relay_outgoing_bitrate 1500.0
            """);

        Assert.Equal(2500.0, fields["octo_receive_bitrate"]);
        Assert.Equal(1500.0, fields["octo_send_bitrate"]);
    }

    [Fact]
    public void One_metric_feeds_two_colibri_keys_as_current_endpoints_feeds_endpoints_and_participants()
    {
        Dictionary<string, object> fields = Fields("jitsi_jvb_current_endpoints 7.0\n");

        Assert.Equal(7.0, fields["endpoints"]);
        Assert.Equal(7.0, fields["participants"]);
        Assert.Equal(2, fields.Count);
    }

    [Fact]
    public void Counters_take_the_colibri_total_names_and_gauges_their_colibri_names()
    {
        Dictionary<string, object> fields = Fields("""
            # HELP jitsi_jvb_conferences_created_total The total number of conferences created on the Videobridge.
            # TYPE jitsi_jvb_conferences_created_total counter
            jitsi_jvb_conferences_created_total 12.0
            # TYPE jitsi_jvb_thread_count gauge
            jitsi_jvb_thread_count 41.0
            # TYPE jitsi_jvb_stress gauge
            jitsi_jvb_stress 0.607
            """);

        Assert.Equal(12.0, fields["total_conferences_created"]);
        Assert.Equal(41.0, fields["threads"]);
        Assert.Equal(0.607, fields["stress_level"]);
    }

    [Fact]
    public void Booleans_are_left_out_as_Telegrafs_json_parser_leaves_out_colibris_true_and_false()
    {
        string line = Line("""
            jitsi_jvb_healthy 1.0
            jitsi_jvb_drain_mode 0.0
            jitsi_jvb_graceful_shutdown 0.0
            jitsi_jvb_shutting_down 0.0
            jitsi_jvb_conferences 2.0
            """);

        Assert.Equal($"jitsi_stats,container_name=wa-jitsi-jvb conferences=2 {Timestamp}\n", line);
    }

    [Fact]
    public void Booleans_named_by_json_string_fields_are_boolean_fields_as_the_colibri_path_writes_them()
    {
        var metrics = new JitsiStatsShim("jitsi_stats", [new GlobPattern("healthy"), new GlobPattern("drain")]);
        var colibri = new JsonFlattener("jitsi_stats", [], [new GlobPattern("healthy"), new GlobPattern("drain")]);

        string fromMetrics = Line("jitsi_jvb_healthy 1.0\njitsi_jvb_drain_mode 0.0\njitsi_jvb_shutting_down 1.0\n", metrics);
        string fromColibri = Map(colibri, """{"healthy":true,"drain":false,"shutting_down":true}"""u8);

        Assert.Equal($"jitsi_stats,container_name=wa-jitsi-jvb healthy=true,drain=false {Timestamp}\n", fromMetrics);
        Assert.Equal(fromColibri, fromMetrics);
    }

    [Fact]
    public void NaN_and_infinities_are_never_written_and_are_counted_as_skipped()
    {
        var writer = new LineProtocolWriter();

        MapOutcome outcome = new JitsiStatsShim("jitsi_stats", []).Map("""
            jitsi_jvb_stress NaN
            jitsi_jvb_average_rtt +Inf
            jitsi_jvb_other_gauge -Inf
            jitsi_jvb_incoming_bitrate Inf
            jitsi_jvb_conferences 1.0
            """u8, NameTag, Timestamp, writer);

        Assert.Equal(MapStatus.Written, outcome.Status);
        Assert.Equal(4, outcome.SkippedValues);
        Assert.Equal($"jitsi_stats,container_name=wa-jitsi-jvb conferences=1 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void A_histogram_without_a_colibri_key_gives_its_buckets_count_and_sum_and_its_creation_time_is_left_out()
    {
        string line = Line("""
            # HELP jitsi_jvb_conferences_by_size Histogram of conferences by total number of endpoints.
            # TYPE jitsi_jvb_conferences_by_size histogram
            jitsi_jvb_conferences_by_size_bucket{le="0.0",} 0.0
            jitsi_jvb_conferences_by_size_bucket{le="1.0",} 2.0
            jitsi_jvb_conferences_by_size_bucket{le="+Inf",} 3.0
            jitsi_jvb_conferences_by_size_count 3.0
            jitsi_jvb_conferences_by_size_sum 7.0
            # HELP jitsi_jvb_conferences_by_size_created Histogram of conferences by total number of endpoints.
            # TYPE jitsi_jvb_conferences_by_size_created gauge
            jitsi_jvb_conferences_by_size_created 1.729738045003E9
            """);

        Assert.Equal(
            $"jitsi_stats,container_name=wa-jitsi-jvb conferences_by_size_bucket_le_0.0=0,conferences_by_size_bucket_le_1.0=2,conferences_by_size_bucket_le_+Inf=3,conferences_by_size_count=3,conferences_by_size_sum=7 {Timestamp}\n",
            line);
    }

    [Fact]
    public void Created_gauges_are_left_out_only_for_a_counter_histogram_or_summary_of_the_same_answer()
    {
        Dictionary<string, object> fields = Fields("""
            # TYPE jitsi_jvb_ice_restarts_total counter
            jitsi_jvb_ice_restarts_total 2.0
            # TYPE jitsi_jvb_ice_restarts_created gauge
            jitsi_jvb_ice_restarts_created 1.7E9
            # TYPE jitsi_jvb_rooms_created gauge
            jitsi_jvb_rooms_created 5.0
            """);

        Assert.Equal(2.0, fields["ice_restarts_total"]);
        Assert.Equal(5.0, fields["rooms_created"]);
        Assert.Equal(2, fields.Count);
    }

    [Fact]
    public void A_summary_gives_quantile_count_and_sum_fields()
    {
        Dictionary<string, object> fields = Fields("""
            # TYPE jitsi_jvb_request_seconds summary
            jitsi_jvb_request_seconds{quantile="0.5"} 0.012
            jitsi_jvb_request_seconds{quantile="0.99"} 0.2
            jitsi_jvb_request_seconds_sum 4.5
            jitsi_jvb_request_seconds_count 100
            """);

        Assert.Equal(0.012, fields["request_seconds_quantile_0.5"]);
        Assert.Equal(0.2, fields["request_seconds_quantile_0.99"]);
        Assert.Equal(4.5, fields["request_seconds_sum"]);
        Assert.Equal(100.0, fields["request_seconds_count"]);
    }

    [Fact]
    public void Labels_are_appended_in_the_order_written_with_their_values_unescaped()
    {
        Dictionary<string, object> fields = Fields("""
            # TYPE jitsi_jvb_region_info gauge
            jitsi_jvb_region_info{region="eu west \"1\"",} 1.0
            jitsi_jvb_queue_size{queue="rtp",kind="receiver"} 3
            """);

        Assert.Equal(1.0, fields["region_info_region_eu west \"1\""]);
        Assert.Equal(3.0, fields["queue_size_queue_rtp_kind_receiver"]);
    }

    [Fact]
    public void A_table_metric_with_labels_is_not_mistaken_for_its_colibri_key()
    {
        Dictionary<string, object> fields = Fields("jitsi_jvb_conferences{shard=\"a\"} 4.0\n");

        Assert.Equal(4.0, Assert.Single(fields, f => f.Key == "conferences_shard_a").Value);
        Assert.DoesNotContain("conferences", fields.Keys);
    }

    [Fact]
    public void Samples_of_other_namespaces_keep_their_whole_name()
    {
        Dictionary<string, object> fields = Fields("process_open_fds 12\njvm_threads_current 40\n");

        Assert.Equal(12.0, fields["process_open_fds"]);
        Assert.Equal(40.0, fields["jvm_threads_current"]);
    }

    [Fact]
    public void A_sample_timestamp_is_ignored_and_the_point_has_the_gathers_time()
    {
        string line = Line("jitsi_jvb_conferences 3 1729738047605\n");

        Assert.Equal($"jitsi_stats,container_name=wa-jitsi-jvb conferences=3 {Timestamp}\n", line);
    }

    [Fact]
    public void The_same_field_twice_is_written_once_and_counted_as_skipped()
    {
        var writer = new LineProtocolWriter();

        MapOutcome outcome = new JitsiStatsShim("jitsi_stats", []).Map("jitsi_jvb_conferences 1\njitsi_jvb_conferences 2\njitsi_jvb_a{b=\"c\"} 1\njitsi_jvb_a_b_c 2\n"u8, NameTag, Timestamp, writer);

        Assert.Equal(2, outcome.SkippedValues);
        Assert.Equal($"jitsi_stats,container_name=wa-jitsi-jvb conferences=1,a_b_c=1 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void Malformed_lines_are_skipped_and_counted_and_the_rest_is_written()
    {
        var writer = new LineProtocolWriter();

        MapOutcome outcome = new JitsiStatsShim("jitsi_stats", []).Map("jitsi_jvb_conferences 1\nthis is { not a sample\njitsi_jvb_stress x\r\njitsi_jvb_current_endpoints 4\r\n"u8, NameTag, Timestamp, writer);

        Assert.Equal(MapStatus.Written, outcome.Status);
        Assert.Equal(2, outcome.SkippedValues);
        Assert.Equal($"jitsi_stats,container_name=wa-jitsi-jvb conferences=1,endpoints=4,participants=4 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Theory]
    [InlineData("", "no sample")]
    [InlineData("# HELP jitsi_jvb_conferences Current number of conferences.\n# TYPE jitsi_jvb_conferences gauge\n", "no sample")]
    [InlineData("<html><body>404 Not Found</body></html>", "not Prometheus text")]
    [InlineData("{\"conferences\":0}", "not Prometheus text")]
    [InlineData("jitsi_jvb_healthy 1.0\n", "no sample")]
    [InlineData("jitsi_jvb_stress NaN\n", "no sample")]
    [InlineData("jitsi_jvb_conferences 1\njitsi_jvb_stress 0.5\njitsi_jvb_bytes_sent_total 12", "")]
    [InlineData("jitsi_jvb_conferences 1\njitsi_jvb_local_endpoints{", "cut")]
    public void An_answer_without_a_sample_to_write_or_cut_inside_a_line_writes_nothing(string body, string reason)
    {
        var writer = new LineProtocolWriter();
        writer.BeginLine("earlier"u8);
        writer.AddField("x"u8, 1.0);
        writer.EndLine(1);

        MapOutcome outcome = new JitsiStatsShim("jitsi_stats", []).Map(Encoding.UTF8.GetBytes(body), NameTag, Timestamp, writer);

        if (reason.Length == 0)
        {
            // A last line that is complete but has no line break is a whole sample.
            Assert.Equal(MapStatus.Written, outcome.Status);
            Assert.EndsWith($" conferences=1,stress_level=0.5,total_bytes_sent=12 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
            return;
        }

        if (reason == "not Prometheus text")
        {
            // Its own status, so the gather says "the answer is not Prometheus text: <the first line that is not>".
            Assert.Equal(MapStatus.NotPrometheusText, outcome.Status);
            Assert.StartsWith("line 1", outcome.Detail, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(MapStatus.NoNumbers, outcome.Status);
            Assert.Contains(reason, outcome.Detail, StringComparison.Ordinal);
        }

        Assert.Equal("earlier x=1 1\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void A_measurement_that_cannot_be_written_is_reported_and_nothing_is_written()
    {
        var writer = new LineProtocolWriter();

        MapOutcome outcome = new JitsiStatsShim("#comment", []).Map("jitsi_jvb_conferences 1\n"u8, NameTag, Timestamp, writer);

        Assert.Equal(MapStatus.NoNumbers, outcome.Status);
        Assert.Equal(0, writer.WrittenMemory.Span.Length);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Mapping_the_answer_again_allocates_nothing_once_warmed_up(string era)
    {
        byte[] body = MetricsBytes(era);
        var mapper = new JitsiStatsShim("jitsi_stats", []);
        var writer = new LineProtocolWriter();

        // Past the runtime's tier-up call count too, so recompiling the mapper's methods is not counted as mapping.
        for (int i = 0; i < 100; i++)
        {
            writer.Clear();
            Assert.True(mapper.Map(body, NameTag, Timestamp, writer).Written);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            writer.Clear();
            mapper.Map(body, NameTag, Timestamp, writer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Every_line_written_for_the_answer_reads_back_as_one_point_of_floats(string era)
    {
        DecodedPoint point = MetricsPoint(era);
        HashSet<string> registered = RegisteredSamples(era);

        Assert.All(point.Fields, f => Assert.IsType<double>(f.Value));
        Assert.Equal(
            JitsiStatsMetricMap.InShimOrder.Count(f => f.Conversion != MetricConversion.Boolean && registered.Contains(f.Metric)) + ExpectedExtraCount(era),
            point.Fields.Count);
    }

    private static int ExpectedExtraCount(string era)
    {
        HashSet<string> tableMetrics = [.. JitsiStatsMetricMap.InShimOrder.Select(f => f.Metric)];
        HashSet<string> created = [.. CreatedFamilies(era)];
        return SampleLines(era).Count(s => !tableMetrics.Contains(s.Name) && !created.Contains(s.Name));
    }

    private static byte[] ColibriBytes(string era) => era == "2.3.168"
        ? TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json")
        : TestData.Bytes("jvb-metrics", $"colibri-stats-{era}.json");

    private static byte[] MetricsBytes(string era) => TestData.Bytes("jvb-metrics", $"metrics-{era}.txt");

    /// <summary>Every sample name the JVB of that era registers, from the registry extracted from its source.</summary>
    private static HashSet<string> RegisteredSamples(string era)
    {
        using JsonDocument registry = JsonDocument.Parse(TestData.Bytes("jvb-metrics", $"registry-{era}.json"));
        return
        [
            .. registry.RootElement.GetProperty("entries").EnumerateArray()
                .Select(entry => entry.GetProperty("exposed_samples"))
                .Where(samples => samples.ValueKind == JsonValueKind.Array)
                .SelectMany(samples => samples.EnumerateArray())
                .Select(sample => sample.GetString()!),
        ];
    }

    private static double SampleValue(string era, string series) =>
        double.Parse(Assert.Single(File.ReadLines(TestData.PathOf("jvb-metrics", $"metrics-{era}.txt")), l => l.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The era's colibri document as Telegraf's json parser gives it, flattened apart from the plugin's own flattener.</summary>
    private static DecodedPoint ColibriPoint(string era) =>
        new("jitsi_stats", [.. NameTag.Select(tag => new DecodedTag(tag.Key, tag.Value))], JsonNumbers.Of(ColibriBytes(era)), Timestamp);

    private static DecodedPoint MetricsPoint(string era) =>
        Assert.Single(LineProtocolDecoder.Decode(Map(new JitsiStatsShim("jitsi_stats", []), MetricsBytes(era))));

    private static Dictionary<string, object> Fields(string text) =>
        Assert.Single(LineProtocolDecoder.Decode(Line(text))).Fields.ToDictionary(f => f.Key, f => f.Value);

    private static string Line(string text, JitsiStatsShim? mapper = null) =>
        Map(mapper ?? new JitsiStatsShim("jitsi_stats", []), Encoding.UTF8.GetBytes(text));

    private static string Map(JitsiStatsShim mapper, ReadOnlySpan<byte> body)
    {
        var writer = new LineProtocolWriter();
        MapOutcome outcome = mapper.Map(body, NameTag, Timestamp, writer);
        Assert.True(outcome.Written, outcome.Detail);
        return Encoding.UTF8.GetString(writer.WrittenMemory.Span);
    }

    private static string Map(JsonFlattener mapper, ReadOnlySpan<byte> body)
    {
        var writer = new LineProtocolWriter();
        Assert.True(mapper.Map(body, NameTag, Timestamp, writer).Written);
        return Encoding.UTF8.GetString(writer.WrittenMemory.Span);
    }

    /// <summary>The fixture's sample lines read with a regular expression, independently of the reader under test.</summary>
    private static IEnumerable<(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels)> SampleLines(string era) =>
        File.ReadLines(TestData.PathOf("jvb-metrics", $"metrics-{era}.txt"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => SampleLine().Match(l))
            .Select(m => (m.Groups["name"].Value,
                (IReadOnlyList<KeyValuePair<string, string>>)[.. LabelPair().Matches(m.Groups["labels"].Value).Select(p => KeyValuePair.Create(p.Groups[1].Value, p.Groups[2].Value))]));

    /// <summary>The x_created gauges the Java client writes for the answer's counters and histograms.</summary>
    private static IEnumerable<string> CreatedFamilies(string era)
    {
        string[] lines = File.ReadAllLines(TestData.PathOf("jvb-metrics", $"metrics-{era}.txt"));
        HashSet<string> bases =
        [
            .. lines.Select(l => TypeLine().Match(l)).Where(m => m.Success && m.Groups["type"].Value is "counter" or "histogram")
                .Select(m => m.Groups["type"].Value == "counter" ? m.Groups["name"].Value[..^"_total".Length] : m.Groups["name"].Value),
        ];
        return lines.Select(l => TypeLine().Match(l))
            .Where(m => m.Success && m.Groups["type"].Value == "gauge" && m.Groups["name"].Value.EndsWith("_created", StringComparison.Ordinal)
                && bases.Contains(m.Groups["name"].Value[..^"_created".Length]))
            .Select(m => m.Groups["name"].Value);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? \S+$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)",?""")]
    private static partial Regex LabelPair();

    [GeneratedRegex("""^# TYPE (?<name>\S+) (?<type>\S+)$""")]
    private static partial Regex TypeLine();
}
