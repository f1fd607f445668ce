using System.Text;

namespace ExecdJvb.Tests;

public sealed class PrometheusTextReaderTests
{
    [Fact]
    public void Counter_and_gauge_families_are_read_with_their_type()
    {
        Read read = ReadAll("""
            # HELP jitsi_jvb_conferences Current conferences.
            # TYPE jitsi_jvb_conferences gauge
            jitsi_jvb_conferences 3
            # HELP jitsi_jvb_packets_total Packets received.
            # TYPE jitsi_jvb_packets_total counter
            jitsi_jvb_packets_total{direction="in"} 12345
            jitsi_jvb_packets_total{direction="out"} 23456

            """);

        Assert.Equal(
            [
                "jitsi_jvb_conferences Gauge | jitsi_jvb_conferences Value 3",
                "jitsi_jvb_packets_total Counter | jitsi_jvb_packets_total{direction=in} Value 12345",
                "jitsi_jvb_packets_total Counter | jitsi_jvb_packets_total{direction=out} Value 23456",
            ],
            read.Lines);
        Assert.Equal(0, read.Malformed);
    }

    [Fact]
    public void A_sample_without_a_TYPE_is_untyped_and_names_its_own_family()
    {
        Read read = ReadAll("# HELP a Described but not typed.\na 1\nb{x=\"y\"} 2\n");

        Assert.Equal(["a Untyped | a Value 1", "b Untyped | b{x=y} Value 2"], read.Lines);
        Assert.Equal(0, read.Malformed);
    }

    [Fact]
    public void A_total_sample_under_a_counter_TYPE_without_total_is_an_untyped_family_of_its_own_as_in_the_Go_parser()
    {
        Read read = ReadAll("# TYPE x counter\nx_total 3\nx_created 1.7e9\nx 4\n");

        // x itself, after the others, is found again by name: the counter (telegraf_v1.py writes counter=4 for it).
        Assert.Equal(
            ["x_total Untyped | x_total Value 3", "x_created Untyped | x_created Value 1700000000", "x Counter | x Value 4"],
            read.Lines);
    }

    [Fact]
    public void Escapes_in_label_values_are_unescaped()
    {
        Sample sample = Assert.Single(ReadAll("x{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\"} 1\n").Samples);

        Assert.Equal([("path", "C:\\dir"), ("quote", "say \"hi\""), ("nl", "a\nb")], sample.Labels);
    }

    [Fact]
    public void Label_values_may_hold_commas_braces_equals_signs_spaces_and_any_UTF_8()
    {
        Sample sample = Assert.Single(ReadAll("x{a=\"1,2}3=4 5\",b=\"} 6\",c=\"日本 😀\"} 7\n").Samples);

        Assert.Equal([("a", "1,2}3=4 5"), ("b", "} 6"), ("c", "日本 😀")], sample.Labels);
        Assert.Equal(7, sample.Value);
    }

    [Fact]
    public void Histogram_samples_are_buckets_with_their_le_as_bound_then_sum_and_count()
    {
        Read read = ReadAll("""
            # TYPE rtt histogram
            rtt_bucket{ep="a",le="0.5"} 1
            rtt_bucket{ep="a",le="+Inf"} 4
            rtt_sum{ep="a"} 9.5
            rtt_count{ep="a"} 4
            rtt{le="1e3"} 5
            rtt_bucket{ep="b"} 6
            rtt_bucket{le="NaN"} 7

            """);

        Assert.Equal(
            [
                "rtt Histogram | rtt_bucket{ep=a,le=0.5} Bucket 1 le 0.5",
                "rtt Histogram | rtt_bucket{ep=a,le=+Inf} Bucket 4 le Infinity",
                "rtt Histogram | rtt_sum{ep=a} Sum 9.5",
                "rtt Histogram | rtt_count{ep=a} Count 4",
                "rtt Histogram | rtt{le=1e3} Bucket 5 le 1000",
                "rtt Histogram | rtt_bucket{ep=b} MissingBound 6",
                "rtt Histogram | rtt_bucket{le=NaN} MissingBound 7",
            ],
            read.Lines);
        Assert.Equal([1, 1, -1, -1, 0, -1, 0], read.Samples.Select(s => s.BoundLabelIndex));
    }

    [Fact]
    public void The_le_label_of_a_histogram_must_be_a_float_on_every_sample_of_the_family()
    {
        Read read = ReadAll("# TYPE h histogram\nh_bucket{le=\"big\"} 1\nh_sum{le=\"x\"} 2\nh_count{le=\"3\"} 3\n");

        Assert.Equal(["h Histogram | h_count{le=3} Count 3"], read.Lines);
        Assert.Equal(2, read.Malformed);
        Assert.Equal("line 2: expected a float as the le label", read.FirstProblem);
    }

    [Fact]
    public void Summary_samples_are_quantiles_sum_and_count_and_a_bucket_name_starts_another_family()
    {
        Read read = ReadAll("""
            # TYPE delay summary
            delay{quantile="0.99"} 12
            delay_sum 100
            delay_count 9
            delay_bucket{le="1"} 2

            """);

        Assert.Equal(
            [
                "delay Summary | delay{quantile=0.99} Quantile 12 le 0.99",
                "delay Summary | delay_sum Sum 100",
                "delay Summary | delay_count Count 9",
                "delay_bucket Untyped | delay_bucket{le=1} Value 2",
            ],
            read.Lines);
        Assert.Equal([0, -1, -1, -1], read.Samples.Select(s => s.BoundLabelIndex));
    }

    [Theory]
    [InlineData("NaN", double.NaN)]
    [InlineData("nan", double.NaN)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("1.5e3", 1500.0)]
    [InlineData("2.5E-3", 0.0025)]
    [InlineData("1.732492800123E9", 1732492800.123)]
    [InlineData("-0", -0.0)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("+7", 7.0)]
    [InlineData("1e-400", 0.0)]
    [InlineData("18446744073709551616", 18446744073709551616.0)]
    public void Values_are_read_as_Go_parses_floats(string text, double expected)
    {
        Sample sample = Assert.Single(ReadAll($"x {text}\n").Samples);

        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(sample.Value));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("0x10")]
    [InlineData("0x1p3")]
    [InlineData("1_000")]
    [InlineData("1.2.3")]
    [InlineData("+nan")]
    [InlineData("infinit")]
    [InlineData("∞")]
    [InlineData("1,5")]
    [InlineData("e5")]
    public void A_value_Go_would_not_parse_makes_the_line_malformed(string text)
    {
        Read read = ReadAll($"x {text}\ny 1\n");

        Assert.Equal(["y Untyped | y Value 1"], read.Lines);
        Assert.Equal(1, read.Malformed);
        Assert.StartsWith("line 1: expected a float as value, got \"", read.FirstProblem);
    }

    [Fact]
    public void Comments_blank_lines_and_OpenMetrics_comments_yield_nothing()
    {
        Read read = ReadAll("#\n# just a comment\n   \n\t\n# HELP\n# TYPE only_a_name\n# UNIT x seconds\n#TYPE x counter\n\nx 1\n# EOF\n");

        // As in the Go parser, blanks after '#' are optional, so "#TYPE" is a TYPE line.
        Assert.Equal(["x Counter | x Value 1"], read.Lines);
        Assert.Equal(0, read.Malformed);
    }

    [Fact]
    public void HELP_text_with_its_escapes_is_read_and_an_unknown_escape_in_it_is_reported()
    {
        Read read = ReadAll("# HELP a Line one\\nline two, a \\\\ backslash and \\\"quotes\\\"\na 1\n# HELP b bad \\t escape\nb 2\n");

        Assert.Equal(["a Untyped | a Value 1", "b Untyped | b Value 2"], read.Lines);
        Assert.Equal(1, read.Malformed);
        Assert.Equal("line 3: invalid escape sequence in HELP \"\\\\t\"", read.FirstProblem);
    }

    [Theory]
    [InlineData("x{a=\"b")]
    [InlineData("x{a=\"b\"")]
    [InlineData("x{a=")]
    [InlineData("x{a")]
    [InlineData("x{")]
    [InlineData("x")]
    [InlineData("x{a=\"b\\")]
    [InlineData("x{a=\"b\"} ")]
    [InlineData("x 1 16018308")]
    public void A_cut_last_line_yields_no_sample_and_is_reported_as_ending_the_text(string cut)
    {
        string text = "# TYPE x gauge\nx{a=\"whole\"} 1\n" + cut;
        Read read = ReadAll(text);

        if (cut == "x 1 16018308")
        {
            // A cut that leaves a complete line cannot be told from one; it is read as written.
            Assert.Equal(2, read.Samples.Count);
            Assert.False(read.EndsMidLine);
            return;
        }

        Assert.Equal(["x Gauge | x{a=whole} Value 1"], read.Lines);
        Assert.True(read.EndsMidLine);
        Assert.StartsWith("line 3 (the text ends in it, without a line break): ", read.FirstProblem);
    }

    [Fact]
    public void A_complete_last_line_without_a_line_break_is_read()
    {
        Read read = ReadAll("a 1\nb{c=\"d\"} 2 1700000000000");

        Assert.Equal(["a Untyped | a Value 1", "b Untyped | b{c=d} Value 2 @1700000000000"], read.Lines);
        Assert.False(read.EndsMidLine);
        Assert.Equal(0, read.Malformed);
    }

    [Fact]
    public void CRLF_line_ends_are_read_like_LF()
    {
        Read read = ReadAll("# HELP a Help.\r\n# TYPE a gauge\r\na{b=\"c\"} 1 5\r\n\r\nd 2\r\n");

        Assert.Equal(["a Gauge | a{b=c} Value 1 @5", "d Untyped | d Value 2"], read.Lines);
        Assert.Equal(0, read.Malformed);
    }

    [Fact]
    public void Timestamps_are_integer_milliseconds_with_an_optional_sign()
    {
        Read read = ReadAll("a 1 1601830800000\nb 2 -5\nc 3 +7\nd 4\ne 5 0\n");

        Assert.Equal(
            ["a Untyped | a Value 1 @1601830800000", "b Untyped | b Value 2 @-5", "c Untyped | c Value 3 @7", "d Untyped | d Value 4", "e Untyped | e Value 5 @0"],
            read.Lines);
    }

    [Theory]
    [InlineData("a 1 1.5", "line 1: expected an integer timestamp in milliseconds, got \"1.5\"")]
    [InlineData("a 1 9223372036854775808", "line 1: expected an integer timestamp in milliseconds, got \"9223372036854775808\"")]
    [InlineData("a 1 2 3", "line 1: unexpected text after the timestamp \"3\"")]
    [InlineData("a 1 now", "line 1: expected an integer timestamp in milliseconds, got \"now\"")]
    public void A_bad_timestamp_makes_the_line_malformed(string line, string problem)
    {
        Read read = ReadAll(line + "\n");

        Assert.Empty(read.Samples);
        Assert.Equal(problem, read.FirstProblem);
    }

    [Fact]
    public void An_OpenMetrics_exemplar_after_the_value_or_timestamp_is_ignored()
    {
        Read read = ReadAll("# TYPE h histogram\nh_bucket{le=\"1\"} 3 # {trace_id=\"abc\"} 0.5 1520879607.789\nh_count 3 100 # {a=\"b\"} 1\n");

        Assert.Equal(["h Histogram | h_bucket{le=1} Bucket 3 le 1", "h Histogram | h_count Count 3 @100"], read.Lines);
        Assert.Equal(0, read.Malformed);
    }

    [Fact]
    public void Malformed_lines_are_skipped_and_counted_and_the_first_is_described_with_its_line_number()
    {
        Read read = ReadAll(Encoding.UTF8.GetString(TestData.Bytes("prometheus", "malformed_lines", "input.txt")));

        Assert.Equal(["1", "9", "13", "14", "15"], read.Samples.Select(s => s.Labels[0].Value));
        Assert.Equal(13, read.Malformed);
        Assert.Equal("line 3: expected ',' or '}' after the label value \"a=\\\"2\\\" 2\"", read.FirstProblem);
        Assert.False(read.EndsMidLine);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n\n")]
    [InlineData(" \t \r\n")]
    public void An_empty_text_yields_nothing_and_no_problem(string text)
    {
        Read read = ReadAll(text);

        Assert.Empty(read.Samples);
        Assert.Equal(0, read.Malformed);
        Assert.Null(read.FirstProblem);
    }

    [Fact]
    public void A_huge_label_value_with_escapes_is_read_whole()
    {
        string value = string.Concat(Enumerable.Repeat("0123456789abcdef\\\"", 65_536));
        Read read = ReadAll($"x{{big=\"{value}\",small=\"s\"}} 1\ny 2\n");

        Assert.Equal(2, read.Samples.Count);
        Assert.Equal(value.Replace("\\\"", "\"", StringComparison.Ordinal), read.Samples[0].Labels[0].Value);
        Assert.Equal(("small", "s"), read.Samples[0].Labels[1]);
    }

    [Fact]
    public void A_second_TYPE_for_a_family_is_reported_and_the_first_type_stays()
    {
        Read read = ReadAll("# TYPE a gauge\n# TYPE a counter\na 1\n# TYPE b gauge\nb_sum 1\n# TYPE h histogram\n# TYPE h_count counter\nh_count 2\n");

        Assert.Equal(["a Gauge | a Value 1", "b_sum Untyped | b_sum Value 1", "h Histogram | h_count Count 2"], read.Lines);
        Assert.Equal(2, read.Malformed);
        Assert.Equal("line 2: second TYPE line for the family, or TYPE after its samples \"counter\"", read.FirstProblem);
    }

    [Fact]
    public void A_TYPE_after_the_familys_samples_is_reported_and_they_stay_untyped()
    {
        Read read = ReadAll("a 1\n# TYPE a counter\na 2\n");

        Assert.Equal(["a Untyped | a Value 1", "a Untyped | a Value 2"], read.Lines);
        Assert.Equal(1, read.Malformed);
    }

    [Fact]
    public void A_family_met_again_after_another_is_found_by_name_with_its_type_and_number()
    {
        Read read = ReadAll("# TYPE c counter\nc 1\n# TYPE h histogram\nh_sum 2\nh_created 3\nh_count 4\nc 5\nh_bucket{le=\"1\"} 6\n");

        Assert.Equal(
            ["c Counter | c Value 1", "h Histogram | h_sum Sum 2", "h_created Untyped | h_created Value 3", "h Histogram | h_count Count 4", "c Counter | c Value 5", "h Histogram | h_bucket{le=1} Bucket 6 le 1"],
            read.Lines);
        int[] numbers = [.. read.Samples.Select(s => s.FamilyNumber)];
        Assert.Equal((numbers[0], numbers[1], numbers[1]), (numbers[4], numbers[3], numbers[5]));
        Assert.Equal(3, numbers.Distinct().Count());
        Assert.Equal(0, read.Malformed);
    }

    [Fact]
    public void A_name_that_is_a_family_of_its_own_stays_there_before_it_is_read_as_a_histograms_part()
    {
        // The Go parser looks the whole name up first: t_count, met before t was typed, keeps its later samples.
        Read read = ReadAll("t_count 9\n# TYPE t histogram\nt_bucket{le=\"1\"} 1\nt_count 1\nt_sum 2\n");

        Assert.Equal(["t_count Untyped | t_count Value 9", "t Histogram | t_bucket{le=1} Bucket 1 le 1", "t_count Untyped | t_count Value 1", "t Histogram | t_sum Sum 2"], read.Lines);
    }

    [Fact]
    public void A_TYPE_for_a_family_met_again_is_reported_and_its_first_type_stays()
    {
        Read read = ReadAll("# TYPE a gauge\na 1\nb 2\n# TYPE a counter\na 3\n");

        Assert.Equal(["a Gauge | a Value 1", "b Untyped | b Value 2", "a Gauge | a Value 3"], read.Lines);
        Assert.Equal(1, read.Malformed);
        Assert.StartsWith("line 4: second TYPE line for the family", read.FirstProblem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UNTYPED", "Untyped")]
    [InlineData("Counter", "Counter")]
    [InlineData("unknown", "Untyped")]
    [InlineData("info", "Untyped")]
    [InlineData("gaugehistogram", "Untyped")]
    [InlineData("gauge  ", "Gauge")]
    public void TYPE_words_are_read_in_any_case_and_OpenMetrics_words_as_untyped(string word, string type)
    {
        Read read = ReadAll($"# TYPE a {word}\na 1\n");

        Assert.Equal(type, Assert.Single(read.Samples).Type.ToString());
        Assert.Equal(0, read.Malformed);
    }

    [Fact]
    public void An_unknown_TYPE_word_is_reported_and_the_family_stays_untyped()
    {
        Read read = ReadAll("# TYPE a bogus\na 1\n");

        Assert.Equal(MetricType.Untyped, Assert.Single(read.Samples).Type);
        Assert.Equal("line 1: unknown metric type \"bogus\"", read.FirstProblem);
    }

    [Fact]
    public void Blanks_and_tabs_may_surround_every_token()
    {
        Read read = ReadAll("  \ta\t{ b = \"c\" ,\td=\"e\", }\t 1 \t 2 \t\nf {} 3\ng{}4\nh 5 \n");

        Assert.Equal(["a Untyped | a{b=c,d=e} Value 1 @2", "f Untyped | f Value 3", "g Untyped | g Value 4", "h Untyped | h Value 5"], read.Lines);
        Assert.Equal(0, read.Malformed);
    }

    [Theory]
    [InlineData("x{__name__=\"y\"} 1", "line 1: the label name __name__ is reserved \"__name__=\\\"y\\\"\"")]
    [InlineData("x{a=\"1\",a=\"2\"} 1", "line 1: the label name is repeated \"a=\\\"2\\\"\"")]
    [InlineData("x{a=\"\\t\"} 1", "line 1: invalid escape sequence \"\\\\t\"")]
    [InlineData("x{a=b} 1", "line 1: expected '\"' at the start of the label value \"a=b\"")]
    [InlineData("x{1a=\"b\"} 1", "line 1: invalid label name \"1a=\\\"b\\\"} 1\"")]
    [InlineData("x{a:b=\"c\"} 1", "line 1: expected '=' after the label name \"a:\"")]
    [InlineData("1x 1", "line 1: invalid metric name \"1x 1\"")]
    [InlineData("x", "line 1: no value after the metric name and labels")]
    [InlineData("x{a=\"b\"}", "line 1: no value after the metric name and labels")]
    [InlineData("{a=\"b\"} 1", "line 1: no metric name in the braces")]
    [InlineData("# HELP 1x text", "line 1: invalid metric name in comment \"1x text\"")]
    public void Lines_the_Go_parser_refuses_are_reported(string line, string problem)
    {
        Read read = ReadAll(line + "\n");

        Assert.Empty(read.Samples);
        Assert.Equal(1, read.Malformed);
        Assert.Equal(problem, read.FirstProblem);
    }

    [Fact]
    public void A_label_value_that_is_not_UTF_8_makes_the_line_malformed()
    {
        byte[] text = [.. "x{a=\""u8, 0xC3, 0x28, .. "\"} 1\ny 2\n"u8];

        Read read = ReadAll(text);

        Assert.Equal(["y Untyped | y Value 2"], read.Lines);
        Assert.Equal("line 1: the label value is not UTF-8 \"\\\"\\xc3(\\\"\"", read.FirstProblem);
    }

    [Fact]
    public void Quoted_UTF_8_metric_names_are_read_in_both_forms()
    {
        Read read = ReadAll("{\"jvb.conferences\", a=\"b\"} 1\n\"jvb.endpoints\"{c=\"d\"} 2\n{e=\"f\", \"jvb.\\\"q\\\"\"} 3\n");

        Assert.Equal(
            ["jvb.conferences Untyped | jvb.conferences{a=b} Value 1", "jvb.endpoints Untyped | jvb.endpoints{c=d} Value 2", "jvb.\"q\" Untyped | jvb.\"q\"{e=f} Value 3"],
            read.Lines);
    }

    [Fact]
    public void The_family_number_changes_exactly_when_the_family_does()
    {
        Read read = ReadAll("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n# HELP g G.\n# TYPE g gauge\ng 1\ng 2\nu 3\nu 4\n");

        int[] numbers = [.. read.Samples.Select(s => s.FamilyNumber)];
        Assert.Equal(numbers[0], numbers[2]);
        Assert.Equal(numbers[3], numbers[4]);
        Assert.Equal(numbers[5], numbers[6]);
        Assert.Equal(3, numbers.Distinct().Count());
        Assert.True(numbers[0] < numbers[3] && numbers[3] < numbers[5]);
    }

    [Fact]
    public void The_first_problem_is_one_short_printable_line_whatever_the_text()
    {
        byte[] garbage = [0x1f, 0x8b, 0x08, 0x00, .. Enumerable.Range(0, 300).Select(i => (byte)(i * 7)), 0x0a, .. "ok 1\n"u8];

        Read read = ReadAll(garbage);

        Assert.Equal(["ok Untyped | ok Value 1"], read.Lines);
        Assert.NotNull(read.FirstProblem);
        Assert.True(read.FirstProblem.Length < 400, read.FirstProblem);
        Assert.All(read.FirstProblem, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void Reading_a_JVB_sized_text_allocates_nothing_once_the_buffers_have_grown()
    {
        byte[] text = Encoding.UTF8.GetBytes(PrometheusTextSamples.JvbLike(series: 40).Replace("ep-", "ep\\\\-", StringComparison.Ordinal));
        var buffers = new ReaderBuffers();
        (int warm, int warmMalformed) = Count(text, buffers);

        long before = GC.GetAllocatedBytesForCurrentThread();
        (int samples, int malformed) = Count(text, buffers);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((warm, warmMalformed), (samples, malformed));
        Assert.True(samples > 500, $"only {samples} samples");
        Assert.Equal(0, malformed);
        Assert.Equal(0, allocated);

        static (int Samples, int Malformed) Count(byte[] text, ReaderBuffers buffers)
        {
            var reader = new PrometheusTextReader(text, buffers);
            double sum = 0;
            while (reader.Read())
            {
                sum += reader.Value + reader.SampleName.Length + (reader.LabelCount > 0 ? reader.LabelValue(reader.LabelCount - 1).Length : 0);
            }

            return (sum > 0 ? reader.SampleCount : 0, reader.MalformedLineCount);
        }
    }

    private static Read ReadAll(string text) => ReadAll(Encoding.UTF8.GetBytes(text));

    private static Read ReadAll(byte[] text)
    {
        var samples = new List<Sample>();
        var reader = new PrometheusTextReader(text, new ReaderBuffers());
        while (reader.Read())
        {
            var labels = new List<(string Key, string Value)>();
            for (int i = 0; i < reader.LabelCount; i++)
            {
                labels.Add((Encoding.UTF8.GetString(reader.LabelName(i)), Encoding.UTF8.GetString(reader.LabelValue(i))));
            }

            samples.Add(new Sample(
                Encoding.UTF8.GetString(reader.FamilyName),
                reader.FamilyType,
                reader.FamilyNumber,
                Encoding.UTF8.GetString(reader.SampleName),
                reader.Role,
                reader.Value,
                reader.Bound,
                reader.HasTimestamp ? reader.TimestampMilliseconds : null,
                labels,
                reader.BoundLabelIndex));
        }

        return new Read(samples, reader.MalformedLineCount, reader.FirstProblem, reader.EndsMidLine);
    }

    private sealed record Sample(
        string Family,
        MetricType Type,
        int FamilyNumber,
        string Name,
        PrometheusSampleRole Role,
        double Value,
        double Bound,
        long? Timestamp,
        List<(string Key, string Value)> Labels,
        int BoundLabelIndex)
    {
        public override string ToString()
        {
            string labels = Labels.Count == 0 ? "" : "{" + string.Join(",", Labels.Select(l => $"{l.Key}={l.Value}")) + "}";
            string bound = double.IsNaN(Bound) ? "" : FormattableString.Invariant($" le {Bound}");
            string time = Timestamp is { } ms ? FormattableString.Invariant($" @{ms}") : "";
            return FormattableString.Invariant($"{Family} {Type} | {Name}{labels} {Role} {Value}{bound}{time}");
        }
    }

    private sealed record Read(List<Sample> Samples, int Malformed, string? FirstProblem, bool EndsMidLine)
    {
        public List<string> Lines => [.. Samples.Select(s => s.ToString())];
    }
}
