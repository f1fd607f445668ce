using System.Text;
using ExecdJvb.Configuration;
using ExecdJvb.Formats;
using ExecdJvb.LineProtocol;
using ExecdJvb.Mapping;

namespace ExecdJvb.Jitsi;

/// <summary>
/// Turns a JVB's <c>/metrics</c> answer (Prometheus text 0.0.4) into the one <c>jitsi_stats</c> point its
/// <c>/colibri/stats</c> would have given for the same state: the keys of <see cref="JitsiStatsMetricMap"/> under
/// their colibri names, converted as the JVB's shim converts them, every value a float. Everything else keeps its
/// sample name without the <c>jitsi_jvb_</c> prefix, and each label is appended as <c>_name_value</c> (a histogram
/// bucket becomes <c>conferences_by_size_bucket_le_1.0</c>, beside <c>conferences_by_size_count</c> and
/// <c>_sum</c>; a summary quantile <c>x_quantile_0.5</c>), the way the JVB's own HistogramMetric names buckets in
/// its JSON. Not written: NaN and infinities (counted as skipped), booleans unless <c>json_string_fields</c> names
/// their colibri key (then boolean fields, as Telegraf's json parser writes them), and the <c>x_created</c> gauges
/// the Prometheus Java client adds for every counter and histogram (when the metric was registered, not a value of
/// the bridge). Sample timestamps are ignored: the point carries the gather's time, as a colibri point does.
/// Malformed lines are skipped and counted; an answer that ends inside a line, or has no sample at all, writes nothing.
/// As <see cref="Mapping.Json.JsonFlattener"/>, it takes an optional leading field (the plugin's <c>healthy</c>) that heads the point
/// and is never written from the answer (<c>jitsi_jvb_healthy</c> under json_string_fields would clash with it).
/// </summary>
internal sealed class JitsiStatsShim(string measurement, IReadOnlyList<GlobPattern> stringFields, string? leadingField = null)
{
    private const int CreatedSuffixLength = 8;

    private readonly byte[] _measurement = Encoding.UTF8.GetBytes(measurement);
    private readonly byte[] _leading = leadingField is null ? [] : Encoding.UTF8.GetBytes(leadingField);
    private readonly ReaderBuffers _buffers = new();

    // Names (without _total) of the counters, histograms and summaries seen in this answer, to recognise their
    // x_created gauges, which the Java client writes after every other family.
    private byte[] _bases = new byte[1024];
    private int _basesLength;
    private readonly List<(int Start, int Length)> _baseNames = [];

    private byte[] _field = new byte[128];

    /// <summary>Maps one answer into one point; a NaN <paramref name="leadingValue"/> (the default) leaves the leading field out.</summary>
    public MapOutcome Map(ReadOnlySpan<byte> body, IReadOnlyList<TargetTag> targetTags, long timestampNanoseconds, LineProtocolWriter writer, double leadingValue = double.NaN)
    {
        if (!writer.BeginLine(_measurement))
        {
            return new MapOutcome(MapStatus.NoNumbers, "the measurement name cannot be written");
        }

        for (int t = 0; t < targetTags.Count; t++)
        {
            writer.AddTag(targetTags[t].KeyUtf8, targetTags[t].ValueUtf8);
        }

        int ownFields = _leading.Length > 0 && double.IsFinite(leadingValue) && writer.AddField(_leading, leadingValue) ? 1 : 0;

        _basesLength = 0;
        _baseNames.Clear();
        var reader = new PrometheusTextReader(body, _buffers);
        int skipped = 0;
        int family = 0;
        bool skipFamily = false;
        while (reader.Read())
        {
            if (reader.FamilyNumber != family)
            {
                family = reader.FamilyNumber;
                skipFamily = IsCreationTimes(reader.FamilyName, reader.FamilyType);
            }

            if (skipFamily)
            {
                continue;
            }

            if (!double.IsFinite(reader.Value))
            {
                skipped++;
                continue;
            }

            int entry = reader.LabelCount == 0 ? JitsiStatsMetricMap.Find(reader.SampleName) : -1;
            if (entry < 0)
            {
                ReadOnlySpan<byte> name = FieldName(ref reader);
                if (!IsLeading(name) && !writer.AddField(name, reader.Value))
                {
                    skipped++;
                }

                continue;
            }

            for (; entry < JitsiStatsMetricMap.Count && JitsiStatsMetricMap.At(entry).MetricUtf8.AsSpan().SequenceEqual(reader.SampleName); entry++)
            {
                if (!IsLeading(JitsiStatsMetricMap.At(entry).FieldUtf8) && !WriteColibriField(JitsiStatsMetricMap.At(entry), reader.Value, writer))
                {
                    skipped++;
                }
            }
        }

        if (reader.SampleCount == 0 && reader.MalformedLineCount > 0)
        {
            writer.AbandonLine();
            return new MapOutcome(MapStatus.NotPrometheusText, reader.FirstProblem, skipped);
        }

        if (reader.EndsMidLine)
        {
            writer.AbandonLine();
            return new MapOutcome(MapStatus.NoNumbers, $"the answer is cut: {reader.FirstProblem}", skipped);
        }

        skipped += reader.MalformedLineCount;
        if (writer.FieldCount > ownFields && writer.EndLine(timestampNanoseconds))
        {
            return new MapOutcome(MapStatus.Written, SkippedValues: skipped);
        }

        // The leading field alone is no answer: the line goes, and the caller decides what to write instead.
        writer.AbandonLine();
        return new MapOutcome(MapStatus.NoNumbers, "the answer holds no sample that can be written", skipped);
    }

    private bool IsLeading(ReadOnlySpan<byte> name) =>
        name.Length == _leading.Length && name.Length > 0 && name.SequenceEqual(_leading);

    /// <summary>bits/s to kbit/s as the shim's <c>Long / 1000</c> does it: the remainder is dropped, toward zero.</summary>
    public static double KilobitsTruncated(double bitsPerSecond) =>
        Math.Abs(bitsPerSecond) < 9e18 && bitsPerSecond == Math.Floor(bitsPerSecond)
            ? (long)bitsPerSecond / 1000
            : Math.Truncate(bitsPerSecond / 1000);

    private bool WriteColibriField(JitsiStatsField entry, double value, LineProtocolWriter writer) => entry.Conversion switch
    {
        MetricConversion.KilobitsTruncated => writer.AddField(entry.FieldUtf8, KilobitsTruncated(value)),
        MetricConversion.Boolean => !GlobPattern.MatchesAny(stringFields, entry.FieldUtf8) || writer.AddField(entry.FieldUtf8, value != 0),
        _ => writer.AddField(entry.FieldUtf8, value),
    };

    /// <summary>The sample name without the prefix, then <c>_label_value</c> for each label in the order written.</summary>
    private ReadOnlySpan<byte> FieldName(ref PrometheusTextReader reader)
    {
        ReadOnlySpan<byte> name = reader.SampleName;
        if (name.StartsWith("jitsi_jvb_"u8))
        {
            name = name[JitsiStatsMetricMap.Prefix.Length..];
        }

        int length = Append(0, name);
        for (int i = 0; i < reader.LabelCount; i++)
        {
            length = Append(length, "_"u8);
            length = Append(length, reader.LabelName(i));
            length = Append(length, "_"u8);
            length = Append(length, reader.LabelValue(i));
        }

        return _field.AsSpan(0, length);
    }

    private int Append(int length, ReadOnlySpan<byte> part)
    {
        if (length + part.Length > _field.Length)
        {
            Array.Resize(ref _field, Math.Max(length + part.Length, _field.Length * 2));
        }

        part.CopyTo(_field.AsSpan(length));
        return length + part.Length;
    }

    /// <summary>
    /// Notes a counter's, histogram's or summary's name, and tells whether a gauge or untyped family is the
    /// <c>x_created</c> of one seen before (the Java client's 0.0.4 writer moves those after all other families).
    /// </summary>
    private bool IsCreationTimes(ReadOnlySpan<byte> family, MetricType type)
    {
        switch (type)
        {
            case MetricType.Counter:
                NoteBase(family.EndsWith("_total"u8) ? family[..^"_total"u8.Length] : family);
                return false;
            case MetricType.Histogram or MetricType.Summary:
                NoteBase(family);
                return false;
            default:
                return family.EndsWith("_created"u8) && IsBase(family[..^CreatedSuffixLength]);
        }
    }

    private void NoteBase(ReadOnlySpan<byte> name)
    {
        if (_basesLength + name.Length > _bases.Length)
        {
            Array.Resize(ref _bases, Math.Max(_basesLength + name.Length, _bases.Length * 2));
        }

        name.CopyTo(_bases.AsSpan(_basesLength));
        _baseNames.Add((_basesLength, name.Length));
        _basesLength += name.Length;
    }

    private bool IsBase(ReadOnlySpan<byte> name)
    {
        foreach ((int start, int length) in _baseNames)
        {
            if (_bases.AsSpan(start, length).SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }
}
