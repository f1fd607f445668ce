using ExecdJvb.Formats;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Mapping;

/// <summary>
/// A point of a family as Telegraf's parser builds it: its series (a label set in the mapper's arena), its timestamp,
/// and the value its samples set, of which the v1 conversion reads the part its family's type names.
/// </summary>
internal struct OpenMetricsPoint
{
    /// <summary>Where the series' label set is in the arena of <see cref="SeriesLabels"/>, and its length.</summary>
    public int Series;
    public int SeriesLength;

    /// <summary>Which series of the family, counted as Telegraf starts them: each time the label set changes from one sample to the next.</summary>
    public int SeriesNumber;

    public bool HasTimestamp;
    public long TimestampMilliseconds;
    public OpenMetricsPointKind Kind;

    /// <summary>The gauge, unknown or counter total value.</summary>
    public double Value;
    public bool HasTotal;
    public double Count;
    public bool HasSum;
    public double Sum;
    public bool HasCreated;
    public long CreatedNanoseconds;

    /// <summary>The first and last of its buckets, quantiles or states, a list through <see cref="BucketEntry.Next"/>.</summary>
    public int FirstEntry;
    public int LastEntry;
}

/// <summary>Which part of a point Telegraf's parser set last; the v1 conversion reads only the part its family's type names.</summary>
internal enum OpenMetricsPointKind
{
    None,
    Unknown,
    Gauge,
    Counter,
    StateSet,
    Info,
    Histogram,
    Summary,
}

/// <summary>
/// The fields of a point as extractMetricsV1 makes them from the family's type. The conversion reads the part of the
/// point that type names, so a point whose samples set another type's part (the family's # TYPE came late or changed)
/// gives what Go's getters give for a missing part: no field, or a count of 0. Every field Telegraf or the
/// line protocol cannot write (NaN, an infinity, a key that cannot be encoded) is counted as skipped.
/// </summary>
internal static class OpenMetricsPointFields
{
    public static void Write(MetricType type, in OpenMetricsPoint point, BucketList entries, ReadOnlySpan<byte> arena, LineProtocolWriter writer, ref int skipped)
    {
        switch (type)
        {
            case MetricType.Untyped when point.Kind == OpenMetricsPointKind.Unknown:
                AddField("value"u8, point.Value, writer, ref skipped);
                break;
            case MetricType.Gauge when point.Kind == OpenMetricsPointKind.Gauge:
                AddField("gauge"u8, point.Value, writer, ref skipped);
                break;
            case MetricType.Counter when point.Kind == OpenMetricsPointKind.Counter && point.HasTotal:
                AddField("counter"u8, point.Value, writer, ref skipped);
                break;
            case MetricType.StateSet when point.Kind == OpenMetricsPointKind.StateSet:
                WriteStates(point, entries, arena, writer, ref skipped);
                break;
            case MetricType.Info:
                // Telegraf holds uint64 1. Its influx serializer writes that as 1i unless influx_uint_support is set
                // (default off), and InfluxDB 1.x refuses unsigned fields, so this writes the integer Telegraf writes.
                writer.AddIntegerField("info"u8, 1);
                break;
            case MetricType.Histogram or MetricType.GaugeHistogram:
                WriteDistribution(point, point.Kind == OpenMetricsPointKind.Histogram, histogram: true, entries, writer, ref skipped);
                break;
            case MetricType.Summary:
                WriteDistribution(point, point.Kind == OpenMetricsPointKind.Summary, histogram: false, entries, writer, ref skipped);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Count (0 when the point has none, or holds another type's value), sum, created and a field per bucket or
    /// quantile, named by Go's %g of its bound. Equal bounds give one field, the last value, as Telegraf's map of fields.
    /// </summary>
    private static void WriteDistribution(in OpenMetricsPoint point, bool holdsValue, bool histogram, BucketList entries, LineProtocolWriter writer, ref int skipped)
    {
        AddField("count"u8, holdsValue ? GoNumberRules.AsCount(point.Count) : 0, writer, ref skipped);
        if (!holdsValue)
        {
            return;
        }

        if (point.HasSum)
        {
            AddField("sum"u8, point.Sum, writer, ref skipped);
        }

        if (point.HasCreated)
        {
            long seconds = Math.DivRem(point.CreatedNanoseconds, 1_000_000_000, out long nanoseconds);
            if (nanoseconds < 0)
            {
                seconds--;
                nanoseconds += 1_000_000_000;
            }

            // Telegraf adds a histogram's nanoseconds divided by time.Nanosecond (1), a summary's by time.Second.
            AddField("created"u8, histogram ? seconds + (double)nanoseconds : seconds + (nanoseconds / 1e9), writer, ref skipped);
        }

        Span<byte> name = stackalloc byte[GoFloatFormat.MaxLength];
        for (int e = point.FirstEntry; e >= 0; e = entries[e].Next)
        {
            ref BucketEntry entry = ref entries[e];

            // A summary leaves NaN quantiles out, so they do not replace an earlier value either.
            if ((!histogram && double.IsNaN(entry.Value)) || IsReplacedLater(entries, e, histogram))
            {
                continue;
            }

            AddField(name[..GoNumberRules.FormatBound(entry.Bound, name)], histogram ? GoNumberRules.AsCount(entry.Value) : entry.Value, writer, ref skipped);
        }
    }

    private static bool IsReplacedLater(BucketList entries, int entry, bool histogram)
    {
        double bound = entries[entry].Bound;
        for (int later = entries[entry].Next; later >= 0; later = entries[later].Next)
        {
            bool sameName = double.IsNaN(bound) ? double.IsNaN(entries[later].Bound)
                : BitConverter.DoubleToInt64Bits(bound) == BitConverter.DoubleToInt64Bits(entries[later].Bound);
            if (sameName && (histogram || !double.IsNaN(entries[later].Value)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One boolean per state, named by its label value with spaces made underscores; a repeated state, the last.</summary>
    private static void WriteStates(in OpenMetricsPoint point, BucketList entries, ReadOnlySpan<byte> arena, LineProtocolWriter writer, ref int skipped)
    {
        Span<byte> room = stackalloc byte[256];
        for (int e = point.FirstEntry; e >= 0; e = entries[e].Next)
        {
            ReadOnlySpan<byte> state = arena.Slice(entries[e].NameStart, entries[e].NameLength);
            bool replaced = false;
            for (int later = entries[e].Next; later >= 0 && !replaced; later = entries[later].Next)
            {
                replaced = arena.Slice(entries[later].NameStart, entries[later].NameLength).SequenceEqual(state);
            }

            if (replaced)
            {
                continue;
            }

            Span<byte> name = state.Length <= room.Length ? room[..state.Length] : new byte[state.Length];
            state.CopyTo(name);
            name.Replace((byte)' ', (byte)'_');
            if (!writer.AddField(name, entries[e].Value > 0))
            {
                skipped++;
            }
        }
    }

    private static void AddField(ReadOnlySpan<byte> key, double value, LineProtocolWriter writer, ref int skipped)
    {
        if (!writer.AddField(key, value))
        {
            skipped++;
        }
    }
}
