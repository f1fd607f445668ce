using System.Globalization;
using ExecdJvb.Formats;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Mapping;

/// <summary>
/// Writes a Prometheus text answer in the schema of Telegraf's <c>inputs.prometheus</c> with its default
/// <c>metric_version = 1</c> (plugins/parsers/prometheus, extractMetricsV1): one point per series, named after
/// its family, labels as tags (empty ones dropped; those the component's renames name under their tag names), the
/// target tags over them as inputs.prometheus sets its <c>url</c> tag; a counter, gauge or untyped sample gives the field <c>counter</c>, <c>gauge</c> or
/// <c>value</c>; a histogram series one point with a field per bucket named by its <c>le</c> (Go's %g, so
/// <c>+Inf</c>, <c>1e+06</c>) holding the cumulative count, plus <c>count</c> and <c>sum</c>; a summary series
/// a field per quantile plus <c>count</c> and <c>sum</c>. Every number is a float; counts are truncated to
/// whole numbers as the Go parser stores them (uint64). The time is the sample's when it has one above zero
/// (milliseconds), else the gather's. NaN and infinite values are never written, as Telegraf's serializer
/// drops them; a point left without fields is not written.
/// </summary>
internal sealed class PrometheusSchemaMapper
{
    private readonly ReaderBuffers _readerBuffers = new();
    private readonly SeriesLabels _labels = new();

    // The histogram and summary series being collected, each with its family and label set, in the order met, and
    // per family number its last series: the Go parser merges every line of a series (buckets, sum, count) into one
    // metric, wherever in the text it is. A family's series are written when its samples end, unless the answer has
    // a histogram or summary whose samples come in more than one run; then they are all written at the end.
    private int _pendingFamily;
    private Series[] _series = new Series[16];
    private int[] _familyLastSeries = new int[64];
    private int _seriesCount;
    private int _lastSeries;
    private readonly BucketList _bounds = new();

    private long _gatherTime;
    private int _skipped;
    private int _written;

    /// <summary>Writes the answer's points into <paramref name="writer"/>; <paramref name="renames"/> names the labels written under other tag names (none by default, as Telegraf writes them).</summary>
    public MapOutcome Map(ReadOnlySpan<byte> body, IReadOnlyList<TargetTag> targetTags, long timestampNanoseconds, LineProtocolWriter writer, LabelRenames renames)
    {
        _gatherTime = timestampNanoseconds;
        _labels.Reset(targetTags, renames);
        int start = writer.WrittenLength;
        bool atTheEnd = false;
        while (true)
        {
            _skipped = 0;
            _written = 0;
            Forget();
            var reader = new PrometheusTextReader(body, _readerBuffers);
            bool restart = false;
            while (reader.Read())
            {
                if (_pendingFamily != 0 && reader.FamilyNumber != _pendingFamily && !atTheEnd)
                {
                    WriteSeries(ref reader, writer);
                }

                if (reader.FamilyType is not (MetricType.Histogram or MetricType.Summary))
                {
                    WriteSample(ref reader, writer);
                }
                else if (reader.ResumesFamily && !atTheEnd)
                {
                    // Its series are written already: read the answer again, writing every series at the end.
                    restart = true;
                    break;
                }
                else
                {
                    Collect(ref reader);
                }
            }

            if (!restart)
            {
                WriteSeries(ref reader, writer);
                return Outcome(ref reader);
            }

            writer.Truncate(start);
            atTheEnd = true;
        }
    }

    private MapOutcome Outcome(ref PrometheusTextReader reader)
    {
        string? problem = reader.MalformedLineCount == 0 ? null
            : string.Create(CultureInfo.InvariantCulture, $"{reader.MalformedLineCount} of {reader.LineNumber} lines could not be read; the first: {reader.FirstProblem}");
        if (_written > 0)
        {
            return new MapOutcome(MapStatus.Written, problem, _skipped);
        }

        if (reader.SampleCount == 0 && problem is not null)
        {
            // Not one line read as a sample, and some could not be read at all: an HTML page, JSON, another format.
            return new MapOutcome(MapStatus.NotPrometheusText, problem, _skipped);
        }

        string detail = reader.SampleCount > 0 ? "no sample has a value that can be written"
            : reader.LineNumber == 0 ? "the answer is empty"
            : "the answer holds no Prometheus samples";
        return new MapOutcome(MapStatus.NoNumbers, problem is null ? detail : $"{detail}: {problem}", _skipped);
    }

    /// <summary>A counter, gauge or untyped sample is a point of its own.</summary>
    private void WriteSample(ref PrometheusTextReader reader, LineProtocolWriter writer)
    {
        if (!TryTime(reader.HasTimestamp, reader.TimestampMilliseconds, out long time) || !writer.BeginLine(reader.FamilyName))
        {
            _skipped++;
            return;
        }

        (int labelsStart, int labelsLength) = _labels.Store(ref reader, reader.FamilyType, reader.FamilyName);
        _labels.WriteTags(_labels.At(labelsStart, labelsLength), default, writer);
        ReadOnlySpan<byte> field = reader.FamilyType switch
        {
            MetricType.Counter => "counter"u8,
            MetricType.Gauge => "gauge"u8,
            _ => "value"u8,
        };

        // The Go parser makes no metric of a NaN sample; an infinite one Telegraf's serializer leaves out.
        if (!writer.AddField(field, reader.Value))
        {
            _skipped++;
        }

        if (writer.EndLine(time))
        {
            _written++;
        }
    }

    /// <summary>Adds a histogram or summary sample to its series, opening the series on its first line.</summary>
    private void Collect(ref PrometheusTextReader reader)
    {
        _pendingFamily = reader.FamilyNumber;
        (int labelsStart, int labelsLength) = _labels.Store(ref reader, reader.FamilyType, reader.FamilyName);
        ref Series series = ref FindOrAddSeries(reader.FamilyNumber, reader.FamilyType, labelsStart, labelsLength);
        if (reader.HasTimestamp)
        {
            // As in the Go parser, the last line of a series that carries a timestamp sets the series' time.
            series.HasTimestamp = true;
            series.TimestampMilliseconds = reader.TimestampMilliseconds;
        }

        switch (reader.Role)
        {
            case PrometheusSampleRole.Count:
                series.Count = reader.Value;
                break;
            case PrometheusSampleRole.Sum:
                series.Sum = reader.Value;
                break;
            case PrometheusSampleRole.Quantile when double.IsNaN(reader.Value):
                // extractMetricsV1 leaves NaN quantiles out, without replacing an earlier value.
                _skipped++;
                break;
            case PrometheusSampleRole.Bucket or PrometheusSampleRole.Quantile:
                AddBound(ref series, reader.Bound, reader.Value);
                break;
            default:
                break;
        }
    }

    private ref Series FindOrAddSeries(int family, MetricType type, int labelsStart, int labelsLength)
    {
        ReadOnlySpan<byte> labels = _labels.At(labelsStart, labelsLength);
        int hash = FamilyTable.HashOf(labels);
        if (_lastSeries < _seriesCount && _series[_lastSeries].Family == family && Matches(_series[_lastSeries], hash, labels))
        {
            return ref _series[_lastSeries];
        }

        if (family >= _familyLastSeries.Length)
        {
            Array.Resize(ref _familyLastSeries, Math.Max(family + 1, _familyLastSeries.Length * 2));
        }

        for (int s = _familyLastSeries[family] - 1; s >= 0; s = _series[s].PreviousOfFamily)
        {
            if (Matches(_series[s], hash, labels))
            {
                _lastSeries = s;
                return ref _series[s];
            }
        }

        // A new series keeps the label set just stored; a known one lets the next sample reuse that room.
        _labels.Keep(labelsStart, labelsLength);
        if (_seriesCount == _series.Length)
        {
            Array.Resize(ref _series, _series.Length * 2);
        }

        _lastSeries = _seriesCount++;
        _series[_lastSeries] = new Series
        {
            Family = family,
            Histogram = type == MetricType.Histogram,
            PreviousOfFamily = _familyLastSeries[family] - 1,
            LabelsStart = labelsStart,
            LabelsLength = labelsLength,
            Hash = hash,
            FirstBound = -1,
            LastBound = -1,
        };
        _familyLastSeries[family] = _lastSeries + 1;
        return ref _series[_lastSeries];
    }

    private bool Matches(in Series series, int hash, ReadOnlySpan<byte> labels) =>
        series.Hash == hash && _labels.At(series.LabelsStart, series.LabelsLength).SequenceEqual(labels);


    /// <summary>
    /// Sets a bucket or quantile field; a bound seen before in the series takes the later value, as the Go map
    /// of fields does (equal doubles are exactly the bounds that format to the same field name).
    /// </summary>
    private void AddBound(ref Series series, double bound, double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(bound);
        for (int b = series.FirstBound; b >= 0; b = _bounds[b].Next)
        {
            if (BitConverter.DoubleToInt64Bits(_bounds[b].Bound) == bits)
            {
                _bounds[b].Value = value;
                return;
            }
        }

        _bounds.Append(ref series.FirstBound, ref series.LastBound, bound, value);
    }

    /// <summary>Writes every histogram and summary series collected, then forgets them.</summary>
    private void WriteSeries(ref PrometheusTextReader reader, LineProtocolWriter writer)
    {
        Span<byte> name = stackalloc byte[GoFloatFormat.MaxLength];
        for (int s = 0; s < _seriesCount; s++)
        {
            ref Series series = ref _series[s];
            bool histogram = series.Histogram;
            if (!TryTime(series.HasTimestamp, series.TimestampMilliseconds, out long time) || !writer.BeginLine(reader.FamilyNameOf(series.Family)))
            {
                _skipped++;
                continue;
            }

            _labels.WriteTags(_labels.At(series.LabelsStart, series.LabelsLength), default, writer);
            for (int b = series.FirstBound; b >= 0; b = _bounds[b].Next)
            {
                double value = histogram ? GoNumberRules.AsCount(_bounds[b].Value) : _bounds[b].Value;
                if (!writer.AddField(name[..GoNumberRules.FormatBound(_bounds[b].Bound, name)], value))
                {
                    _skipped++;
                }
            }

            // A series always has count and sum, 0 when its lines lack them, as the Go parser's getters return.
            if (!writer.AddField("count"u8, GoNumberRules.AsCount(series.Count)))
            {
                _skipped++;
            }

            if (!writer.AddField("sum"u8, series.Sum))
            {
                _skipped++;
            }

            if (writer.EndLine(time))
            {
                _written++;
            }
        }

        Forget();
    }

    private void Forget()
    {
        for (int s = 0; s < _seriesCount; s++)
        {
            _familyLastSeries[_series[s].Family] = 0;
        }

        _pendingFamily = 0;
        _seriesCount = 0;
        _lastSeries = 0;
        _bounds.Clear();
        _labels.Clear();
    }

    /// <summary>The point's time: the sample's when above zero (as extractMetricsV1 decides), else the gather's.</summary>
    private bool TryTime(bool hasTimestamp, long milliseconds, out long nanoseconds)
    {
        if (!hasTimestamp || milliseconds <= 0)
        {
            nanoseconds = _gatherTime;
            return true;
        }

        // Beyond the year 2262 nanoseconds overflow; Go would write a wrapped time, this writes no point.
        nanoseconds = milliseconds * 1_000_000;
        return milliseconds <= long.MaxValue / 1_000_000;
    }

    private struct Series
    {
        public int Family;
        public bool Histogram;
        public int PreviousOfFamily;
        public int LabelsStart;
        public int LabelsLength;
        public int Hash;
        public int FirstBound;
        public int LastBound;
        public double Count;
        public double Sum;
        public bool HasTimestamp;
        public long TimestampMilliseconds;
    }
}
