using System.Globalization;
using System.Text;
using CsCheck;
using ExecdJvb.Formats;

namespace ExecdJvb.Tests;

/// <summary>
/// Generated Prometheus texts through <see cref="PrometheusTextReader"/> and <see cref="PrometheusSchemaMapper"/>:
/// anything at all never throws and only ever gives lines the corpus-checked <see cref="LineProtocolDecoder"/>
/// reads; generated well-formed texts read back sample for sample and map to the points a model of Telegraf's
/// metric_version 1 rules, written here without the plugin's code, expects.
/// </summary>
public sealed class PrometheusPropertyTests
{
    private const long Timestamp = 1_700_000_000_000_000_000;
    private const string Url = "http://127.0.0.1:8080/metrics";
    private static readonly TargetTag[] UrlTag = [new("url", Url)];

    /// <summary>Label names in an order that is not sorted, "url" among them to be replaced by the target tag.</summary>
    private static readonly string[] LabelNames = ["zz", "a", "url", "b_1"];

    private static readonly Gen<string> LabelValue = Gen.Frequency(
        (10, Gen.Char['a', 'z'].Select(c => c.ToString())),
        (4, Gen.OneOf(" ", ",", "}", "{", "=", "\"", "\\", "\n", "#", "é", "😀", "\\n", "\\\"")))
        .Array[0, 6].Select(pieces => string.Concat(pieces));

    private static readonly Gen<(string Key, string Value)[]> Labels =
        Gen.Select(Gen.Bool.Array[LabelNames.Length], LabelValue.Array[LabelNames.Length])
            .Select((use, values) => LabelNames.Select((name, i) => (name, values[i])).Where((_, i) => use[i]).ToArray());

    private static readonly Gen<double> Value = Gen.Frequency(
        (6, Gen.Double),
        (3, Gen.Int[0, 1000].Select(i => (double)i)),
        (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 2.5, -1.0, 1e21, 5e-324)));

    private static readonly Gen<long?> Time = Gen.Frequency(
        (6, Gen.Const((long?)null)),
        (2, Gen.Long[-5, 1_800_000_000_000].Select(ms => (long?)ms)),
        (1, Gen.OneOf((long?)0, -1, long.MaxValue / 1_000_000, (long.MaxValue / 1_000_000) + 1, long.MaxValue, long.MinValue)));

    private static readonly Gen<Line> Simple = Gen.Select(Labels, Value, Time).Select((labels, value, time) => new Line("", labels, double.NaN, value, time));

    private static readonly double[] Bounds = [0.1, 0.5, 1, 10, 1e6, double.PositiveInfinity];

    /// <summary>One histogram or summary series: its buckets or quantiles (a bound may repeat), then maybe sum and count.</summary>
    private static readonly Gen<Line[]> Series = Gen.Select(
        Labels,
        Gen.Int[0, Bounds.Length - 1].Array[0, 6],
        Value.Array[6],
        Gen.Select(Gen.Bool, Value, Gen.Bool, Value),
        Time)
        .Select((labels, bounds, values, totals, time) =>
        {
            var lines = bounds.Select((b, i) => new Line("bound", labels, Bounds[b], values[i], null)).ToList();
            if (totals.Item1)
            {
                lines.Add(new Line("_sum", labels, double.NaN, totals.Item2, null));
            }

            if (totals.Item3)
            {
                lines.Add(new Line("_count", labels, double.NaN, totals.Item4, null));
            }

            if (lines.Count > 0)
            {
                lines[^1] = lines[^1] with { Time = time };
            }

            return lines.ToArray();
        });

    private static readonly Gen<Family> AnyFamily = Gen.Select(
        Gen.OneOf("counter", "gauge", "untyped", "histogram", "summary"),
        Gen.Bool,
        Simple.Array[1, 4],
        Series.Array[1, 3],
        Gen.OneOf("", "_x", ":y"))
        .Select((type, typed, simple, series, tail) => new Family(
            tail,
            type,
            typed || type is "histogram" or "summary",
            type is "histogram" or "summary" ? [.. series.SelectMany(s => s)] : simple));

    private static readonly Gen<Layout> Layouts = Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool)
        .Select((crlf, blanks, trailingComma, comments) => new Layout(crlf, blanks, trailingComma, comments));

    /// <summary>Texts that are anything: pieces of the format, pieces of other formats, and bytes.</summary>
    private static readonly Gen<byte[]> AnyText = Gen.Frequency(
        (3, Gen.OneOf(
            "x", "x_bucket", "x_sum", "x_count", "{", "}", "\"", "\\", "=", ",", " ", "\t", "\n", "\r\n", "#", "# TYPE x ", "# HELP x ",
            "histogram", "summary", "counter", "gauge", "le=\"", "quantile=\"", "1", "-1.5e3", "NaN", "+Inf", "-Inf", "0x1p3", "9223372036854775807",
            "__name__", "\"é😀\"", "{\"q.name\",", "# EOF\n", " # {a=\"b\"} 1 2").Array[0, 40].Select(pieces => Encoding.UTF8.GetBytes(string.Concat(pieces)))),
        (1, Gen.Byte.Array[0, 200]));

    [Fact]
    public void Any_text_never_throws_and_every_line_written_decodes_with_only_finite_float_fields()
    {
        // One mapper holds reusable buffers, as in the plugin: the samples must not share it across threads.
        var mapper = new PrometheusSchemaMapper();
        AnyText.Sample(
            text =>
            {
                var reader = new PrometheusTextReader(text, new ReaderBuffers());
                while (reader.Read())
                {
                    Assert.True(reader.LabelCount >= 0 && reader.FamilyName.Length > 0 && reader.SampleName.Length > 0);
                }

                Assert.True(reader.MalformedLineCount == 0 || reader.FirstProblem is { Length: > 0 });

                var writer = new LineProtocolWriter(64);
                MapOutcome outcome = mapper.Map(text, UrlTag, Timestamp, writer, LabelRenames.None);

                int lines = writer.WrittenMemory.Span.Count((byte)'\n');
                Assert.Equal(outcome.Written, lines > 0);
                IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(writer.WrittenMemory.Span);
                Assert.Equal(lines, points.Count);
                Assert.All(points, point => Assert.All(point.Fields, field => Assert.True(field.Value is double number && double.IsFinite(number), point.ToString())));
                Assert.DoesNotContain(outcome.Detail ?? "", c => c is '\n' or '\r');
            },
            iter: 5_000,
            threads: 1);
    }

    [Fact]
    public void Any_well_formed_text_reads_back_sample_for_sample()
    {
        Gen.Select(AnyFamily.Array[1, 6], Layouts).Sample(
            (families, layout) =>
            {
                string text = Render(families, layout);
                var expected = new List<string>();
                for (int f = 0; f < families.Length; f++)
                {
                    foreach (Line line in families[f].Lines)
                    {
                        string name = FamilyName(f, families[f]) + (line.Part == "bound" ? Suffix(families[f].Type) : line.Part);
                        (string Key, string Value)[] labels = line.Part == "bound"
                            ? [.. line.Labels, (BoundLabel(families[f].Type), BoundText(line.Bound))]
                            : line.Labels;
                        expected.Add(Describe(name, labels, line.Value, line.Time));
                    }
                }

                var actual = new List<string>();
                var reader = new PrometheusTextReader(Encoding.UTF8.GetBytes(text), new ReaderBuffers());
                while (reader.Read())
                {
                    var labels = new (string, string)[reader.LabelCount];
                    for (int l = 0; l < labels.Length; l++)
                    {
                        labels[l] = (Encoding.UTF8.GetString(reader.LabelName(l)), Encoding.UTF8.GetString(reader.LabelValue(l)));
                    }

                    actual.Add(Describe(Encoding.UTF8.GetString(reader.SampleName), labels, reader.Value, reader.HasTimestamp ? reader.TimestampMilliseconds : null));
                }

                Assert.True(reader.MalformedLineCount == 0, $"{reader.FirstProblem} in\n{text}");
                Assert.Equal(expected, actual);
            },
            iter: 2_000);
    }

    [Fact]
    public void Any_well_formed_text_maps_to_the_points_of_the_metric_version_1_model()
    {
        var mapper = new PrometheusSchemaMapper();
        int written = 0;
        Gen.Select(AnyFamily.Array[1, 6], Layouts).Sample(
            (families, layout) =>
            {
                string text = Render(families, layout);
                var writer = new LineProtocolWriter(64);

                mapper.Map(Encoding.UTF8.GetBytes(text), UrlTag, Timestamp, writer, LabelRenames.None);

                List<string> expected = Model(families);
                Assert.Equal(string.Join("\n", expected), Normalized(writer.WrittenMemory.Span));
                written += expected.Count;
            },
            iter: 2_000,
            threads: 1);

        // Guards the generator: most families must give points, or the property would prove little.
        Assert.True(written > 4_000, $"only {written} points from 2000 generated texts");
    }

    /// <summary>
    /// Telegraf's inputs.prometheus with metric_version 1, from its rules (see testdata/prometheus/SOURCES.md):
    /// one point per counter/gauge/untyped sample, one per histogram/summary label set; tags are the non-empty
    /// labels without le/quantile, url over them; fields are finite floats only.
    /// </summary>
    private static List<string> Model(Family[] families)
    {
        var points = new List<string>();
        for (int f = 0; f < families.Length; f++)
        {
            Family family = families[f];
            string measurement = FamilyName(f, family);
            if (family.Type is not ("histogram" or "summary"))
            {
                string field = family.Type == "counter" && family.Typed ? "counter" : family.Type == "gauge" && family.Typed ? "gauge" : "value";
                foreach (Line line in family.Lines)
                {
                    if (double.IsFinite(line.Value) && PointTime(line.Time) is { } time)
                    {
                        points.Add(Point(measurement, line.Labels, [(field, line.Value)], time));
                    }
                }

                continue;
            }

            bool histogram = family.Type == "histogram";
            foreach (IGrouping<string, Line> series in family.Lines.GroupBy(line => string.Join("\u0001", line.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "\u0002" + l.Value))))
            {
                var bounds = new List<(double Bound, double Value)>();
                double count = 0;
                double sum = 0;
                long? stamp = null;
                foreach (Line line in series)
                {
                    stamp = line.Time ?? stamp;
                    switch (line.Part)
                    {
                        case "_sum":
                            sum = line.Value;
                            break;
                        case "_count":
                            count = line.Value;
                            break;
                        case "bound" when !histogram && double.IsNaN(line.Value):
                            break;
                        default:
                            int known = bounds.FindIndex(b => b.Bound.Equals(line.Bound));
                            if (known >= 0)
                            {
                                bounds[known] = (line.Bound, line.Value);
                            }
                            else
                            {
                                bounds.Add((line.Bound, line.Value));
                            }

                            break;
                    }
                }

                List<(string, double)> fields = [.. bounds.Select(b => (BoundText(b.Bound) == "+Inf" ? "+Inf" : GoFloatText.G(b.Bound), histogram ? Truncated(b.Value) : b.Value))];
                fields.Add(("count", Truncated(count)));
                fields.Add(("sum", sum));
                fields.RemoveAll(field => !double.IsFinite(field.Item2));
                if (fields.Count > 0 && PointTime(stamp) is { } time)
                {
                    points.Add(Point(measurement, series.First().Labels, fields, time));
                }
            }
        }

        points.Sort(StringComparer.Ordinal);
        return points;

        // Go's uint64(value) where every CPU agrees; elsewhere the plugin writes nothing (NaN is dropped below).
        static double Truncated(double value) => value > -1 && value < 18446744073709551616.0 ? Math.Truncate(value) + 0.0 : double.NaN;

        static long? PointTime(long? milliseconds) =>
            milliseconds is not { } ms || ms <= 0 ? Timestamp
            : ms > long.MaxValue / 1_000_000 ? null
            : ms * 1_000_000;
    }

    private static string Point(string measurement, (string Key, string Value)[] labels, IEnumerable<(string Key, double Value)> fields, long time)
    {
        var tags = labels
            .Where(label => label.Key != "url" && label.Value.TrimEnd('\\').Length > 0)
            .Select(label => new DecodedTag(label.Key, label.Value.TrimEnd('\\').Replace("\n", "\\n", StringComparison.Ordinal)))
            .Append(new DecodedTag("url", Url))
            .OrderBy(tag => tag.Key, StringComparer.Ordinal)
            .ToList();
        return new DecodedPoint(measurement, tags, [.. fields.Select(field => new DecodedField(field.Key, field.Value)).OrderBy(field => field.Key, StringComparer.Ordinal)], time).ToString();
    }

    private static string Normalized(ReadOnlySpan<byte> lines) => string.Join(
        "\n",
        LineProtocolDecoder.Decode(lines)
            .Select(point => (point with { Fields = [.. point.Fields.OrderBy(field => field.Key, StringComparer.Ordinal)] }).ToString())
            .Order(StringComparer.Ordinal));

    private static string Render(Family[] families, Layout layout)
    {
        string end = layout.Crlf ? "\r\n" : "\n";
        string blank = layout.Blanks ? " \t " : " ";
        var text = new StringBuilder();
        for (int f = 0; f < families.Length; f++)
        {
            Family family = families[f];
            string name = FamilyName(f, family);
            if (layout.Comments)
            {
                text.Append(CultureInfo.InvariantCulture, $"# HELP{blank}{name}{blank}Help with \\\\ and \\n and \\\" in it.{end}{end}# a comment{end}");
            }

            if (family.Typed)
            {
                text.Append(CultureInfo.InvariantCulture, $"# TYPE {name} {family.Type}{end}");
            }

            foreach (Line line in family.Lines)
            {
                bool bound = line.Part == "bound";
                (string Key, string Value)[] labels = bound ? [.. line.Labels, (BoundLabel(family.Type), BoundText(line.Bound))] : line.Labels;
                text.Append(name).Append(bound ? Suffix(family.Type) : line.Part);
                if (labels.Length > 0 || layout.TrailingComma)
                {
                    text.Append('{').AppendJoin(",", labels.Select(l => $"{l.Key}{(layout.Blanks ? " = " : "=")}\"{Escape(l.Value)}\""));
                    text.Append(layout.TrailingComma && labels.Length > 0 ? ",}" : "}");
                }

                text.Append(blank).Append(FloatText(line.Value));
                if (line.Time is { } ms)
                {
                    text.Append(blank).Append(ms.ToString(CultureInfo.InvariantCulture));
                }

                text.Append(end);
            }
        }

        return text.ToString();
    }

    private static string FamilyName(int index, Family family) => string.Create(CultureInfo.InvariantCulture, $"m{index}{family.Tail}");

    private static string Suffix(string type) => type == "histogram" ? "_bucket" : "";

    private static string BoundLabel(string type) => type == "histogram" ? "le" : "quantile";

    private static string BoundText(double bound) => double.IsPositiveInfinity(bound) ? "+Inf" : bound.ToString("R", CultureInfo.InvariantCulture);

    private static string FloatText(double value) => double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Describe(string name, (string Key, string Value)[] labels, double value, long? time) => string.Create(
        CultureInfo.InvariantCulture,
        $"{name} {string.Join(",", labels.Select(l => DecodedPoint.Quote(l.Key) + "=" + DecodedPoint.Quote(l.Value)))} {BitConverter.DoubleToInt64Bits(value):X16} {time}");

    /// <summary>One sample line: <see cref="Part"/> is "" (the family's own sample), "bound" (bucket or quantile), "_sum" or "_count".</summary>
    private sealed record Line(string Part, (string Key, string Value)[] Labels, double Bound, double Value, long? Time);

    private sealed record Family(string Tail, string Type, bool Typed, Line[] Lines);

    private sealed record Layout(bool Crlf, bool Blanks, bool TrailingComma, bool Comments);
}
