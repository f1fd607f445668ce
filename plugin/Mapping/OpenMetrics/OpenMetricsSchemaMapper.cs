using System.Globalization;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>
/// Writes an OpenMetrics text answer (what Prosody's <c>/metrics</c> gives) as Telegraf's <c>inputs.prometheus</c>
/// writes it with its default <c>metric_version = 1</c> when the answer's Content-Type is
/// <c>application/openmetrics-text</c> (plugins/parsers/openmetrics: TextToMetricFamilies, then extractMetricsV1).
/// Samples are grouped as Telegraf groups them: a family starts at a <c># HELP</c>/<c># TYPE</c>/<c># UNIT</c> line
/// with a new name (a sample without metadata joins the family before it), a series while the label set stays the
/// same from one sample to the next, a point while the timestamp does. Each point is a line named after its family:
/// labels as tags (empty ones dropped), <c>unit</c> when the family has one, the target tags over both; the field
/// <c>gauge</c>, <c>counter</c> (from <c>_total</c> only) or <c>value</c>; a histogram's <c>count</c>, <c>sum</c>,
/// <c>created</c> and a field per bucket; a summary's the same with a field per quantile; one boolean per state of a
/// stateset; <c>info</c> for an info family. NaN and infinite values are never written. An answer Telegraf's parser
/// refuses is refused whole: nothing is written for it, as Telegraf writes nothing for that scrape.
/// </summary>
internal sealed class OpenMetricsSchemaMapper
{
    /// <summary>2^64: Telegraf keeps counts as uint64, and converts only values below this exactly.</summary>
    private const double Uint64Limit = 18446744073709551616.0;

    private const byte Separator = 0xFF;

    private readonly OpenMetricsReaderBuffers _readerBuffers = new();

    // The family being read: its name and unit as the metadata gave them, its type, and its points, written when the
    // family ends because a later # UNIT or # TYPE of the same name still changes how all of them are written.
    private byte[] _familyName = new byte[256];
    private int _familyLength;
    private bool _hasFamily;
    private OpenMetricsMetricType _familyType;
    private byte[] _unit = new byte[64];
    private int _unitLength;

    // Label sets of the family's series, sorted, as name 0xFF value 0xFF (0xFF never occurs in UTF-8), so equal
    // sets are equal bytes; state names of statesets go here too.
    private byte[] _arena = new byte[4096];
    private int _arenaLength;
    private int[] _labelOrder = new int[16];
    private int _seriesStart = -1;
    private int _seriesLength;

    private Point _point;
    private Point[] _points = new Point[64];
    private int _pointCount;
    private Entry[] _entries = new Entry[64];
    private int _entryCount;

    private IReadOnlyList<TargetTag> _targets = [];
    private Tag[] _tags = new Tag[16];
    private byte[] _tagText = new byte[1024];

    private long _gatherTime;
    private int _skipped;
    private int _written;

    /// <summary>Which part of a point Telegraf's parser set last; the v1 conversion reads only the part its family's type names.</summary>
    private enum PointKind
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

    public MapOutcome Map(ReadOnlySpan<byte> body, IReadOnlyList<TargetTag> targetTags, long timestampNanoseconds, LineProtocolWriter writer)
    {
        int mark = writer.WrittenLength;
        _targets = targetTags;
        _gatherTime = timestampNanoseconds;
        _skipped = 0;
        _written = 0;
        _hasFamily = false;
        Forget();

        var reader = new OpenMetricsTextReader(body, _readerBuffers);
        string? error = null;
        while (error is null)
        {
            OpenMetricsEntry entry = reader.Read();
            error = entry switch
            {
                OpenMetricsEntry.Error => reader.Error,
                OpenMetricsEntry.Sample => Collect(ref reader),
                OpenMetricsEntry.End => null,
                _ => ReadMetadata(entry, ref reader, writer),
            };
            if (entry == OpenMetricsEntry.End)
            {
                EndFamily(writer);
                break;
            }
        }

        if (error is not null)
        {
            writer.Truncate(mark);
            return new MapOutcome(MapStatus.NotOpenMetricsText, error);
        }

        if (_written > 0)
        {
            return new MapOutcome(MapStatus.Written, null, _skipped);
        }

        return new MapOutcome(
            MapStatus.NoNumbers,
            reader.SampleCount > 0 ? "no sample has a value that can be written" : "the answer holds no OpenMetrics samples",
            _skipped);
    }

    /// <summary>A metadata line of another name ends the family and starts the next; of the same name it only adds to it.</summary>
    private string? ReadMetadata(OpenMetricsEntry entry, ref OpenMetricsTextReader reader, LineProtocolWriter writer)
    {
        if (reader.Name.IsEmpty)
        {
            return "parsing text format failed: empty metric-family name";
        }

        if (!_hasFamily || !FamilyName.SequenceEqual(reader.Name))
        {
            EndFamily(writer);
            StartFamily(reader.Name);
        }

        if (entry == OpenMetricsEntry.Type)
        {
            _familyType = reader.Type;
        }
        else if (entry == OpenMetricsEntry.Unit)
        {
            _unitLength = reader.Text.Length;
            if (_unitLength > _unit.Length)
            {
                _unit = new byte[Math.Max(_unitLength, _unit.Length * 2)];
            }

            reader.Text.CopyTo(_unit);
        }

        return null;
    }

    private ReadOnlySpan<byte> FamilyName => _familyName.AsSpan(0, _familyLength);

    private void StartFamily(ReadOnlySpan<byte> name)
    {
        _hasFamily = true;
        _familyType = OpenMetricsMetricType.Unknown;
        _unitLength = 0;
        _familyLength = name.Length;
        if (_familyLength > _familyName.Length)
        {
            _familyName = new byte[Math.Max(_familyLength, _familyName.Length * 2)];
        }

        name.CopyTo(_familyName);
    }

    /// <summary>Adds a sample to the point it belongs to, opening a new series or point when it starts one.</summary>
    private string? Collect(ref OpenMetricsTextReader reader)
    {
        if (!_hasFamily)
        {
            // A sample before any metadata names its own family, of unknown type.
            StartFamily(reader.Name);
        }

        ReadOnlySpan<byte> suffix = reader.Name.StartsWith(FamilyName) ? reader.Name[_familyLength..] : reader.Name;
        suffix = suffix.TrimStart((byte)'_');

        (int labelsStart, int labelsLength) = StoreSeriesLabels(ref reader);
        if (_seriesStart < 0 || !_arena.AsSpan(_seriesStart, _seriesLength).SequenceEqual(_arena.AsSpan(labelsStart, labelsLength)))
        {
            FlushPoint();
            _seriesStart = labelsStart;
            _seriesLength = labelsLength;
            _arenaLength = labelsStart + labelsLength;
            _point = NewPoint(hasTimestamp: false, 0);
        }

        // Telegraf keys a point by its time in nanoseconds, 0 for none: a timestamp of 0 continues a point without one.
        long key = reader.HasTimestamp ? unchecked(reader.TimestampMilliseconds * 1_000_000) : 0;
        long pointKey = _point.HasTimestamp ? unchecked(_point.TimestampMilliseconds * 1_000_000) : 0;
        if (key != pointKey)
        {
            FlushPoint();
            _point = NewPoint(reader.HasTimestamp, reader.TimestampMilliseconds);
        }

        return Set(ref reader, suffix);
    }

    private Point NewPoint(bool hasTimestamp, long milliseconds) => new()
    {
        Series = _seriesStart,
        SeriesLength = _seriesLength,
        HasTimestamp = hasTimestamp,
        TimestampMilliseconds = milliseconds,
        FirstEntry = -1,
        LastEntry = -1,
    };

    /// <summary>What Telegraf's MetricPoint.set does with a sample, by its family's type and its name's suffix.</summary>
    private string? Set(ref OpenMetricsTextReader reader, ReadOnlySpan<byte> suffix)
    {
        ref Point point = ref _point;
        PointKind kind = _familyType switch
        {
            OpenMetricsMetricType.Gauge => PointKind.Gauge,
            OpenMetricsMetricType.Counter => PointKind.Counter,
            OpenMetricsMetricType.StateSet => PointKind.StateSet,
            OpenMetricsMetricType.Info => PointKind.Info,
            OpenMetricsMetricType.Histogram or OpenMetricsMetricType.GaugeHistogram => PointKind.Histogram,
            OpenMetricsMetricType.Summary => PointKind.Summary,
            _ => PointKind.Unknown,
        };
        if (kind is PointKind.Unknown or PointKind.Gauge or PointKind.Info)
        {
            // These replace whatever the point held.
            point = NewPoint(point.HasTimestamp, point.TimestampMilliseconds);
            point.Kind = kind;
            point.Value = reader.Value;
            return null;
        }

        if (point.Kind != PointKind.None && point.Kind != kind)
        {
            // Telegraf asserts the point's value to the type's Go type, which panics: no point of the scrape is written.
            return string.Create(CultureInfo.InvariantCulture, $"Telegraf's OpenMetrics parser panics when a sample of family \"{Printable(FamilyName)}\" of type {_familyType} continues a point of another type (line {reader.LineNumber})");
        }

        point.Kind = kind;
        double value = reader.Value;
        switch (kind)
        {
            case PointKind.Counter when suffix.SequenceEqual("total"u8):
                point.HasTotal = true;
                point.Value = value;
                break;
            case PointKind.StateSet:
                reader.TryGetLabel(FamilyName, out ReadOnlySpan<byte> state);
                AddEntry(ref point, double.NaN, value, state);
                break;
            case PointKind.Histogram or PointKind.Summary when suffix.SequenceEqual("sum"u8) || (kind == PointKind.Histogram && suffix.SequenceEqual("gsum"u8)):
                point.HasSum = true;
                point.Sum = value;
                break;
            case PointKind.Histogram or PointKind.Summary when suffix.SequenceEqual("count"u8) || (kind == PointKind.Histogram && suffix.SequenceEqual("gcount"u8)):
                point.Count = value;
                break;
            case PointKind.Histogram or PointKind.Summary when suffix.SequenceEqual("created"u8):
                point.HasCreated = true;

                // time.Unix(0, int64(value*1e9)), kept as whole seconds and nanoseconds in [0, 1e9).
                point.CreatedNanoseconds = OpenMetricsTextReader.ToInt64(value * 1e9);
                break;
            case PointKind.Histogram when suffix.SequenceEqual("bucket"u8):
                AddEntry(ref point, Bound(ref reader, "le"u8, PointKind.Histogram), value, default);
                break;
            case PointKind.Summary:
                AddEntry(ref point, Bound(ref reader, "quantile"u8, PointKind.Summary), value, default);
                break;
            default:
                break;
        }

        return null;
    }

    /// <summary>
    /// A bucket's or quantile's bound from its label: <c>+Inf</c> as written is infinity for a bucket but the largest
    /// double for a quantile (as Telegraf reads them), anything else as Go's ParseFloat reads it, NaN when it cannot.
    /// </summary>
    private static double Bound(ref OpenMetricsTextReader reader, ReadOnlySpan<byte> label, PointKind kind)
    {
        reader.TryGetLabel(label, out ReadOnlySpan<byte> text);
        if (text.SequenceEqual("+Inf"u8))
        {
            return kind == PointKind.Histogram ? double.PositiveInfinity : double.MaxValue;
        }

        return Prometheus.PrometheusSyntax.TryParseFloat(text, out double bound) ? bound : double.NaN;
    }

    private void AddEntry(ref Point point, double bound, double value, ReadOnlySpan<byte> name)
    {
        if (_entryCount == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        int nameStart = Append(name);
        int added = _entryCount++;
        _entries[added] = new Entry { Bound = bound, Value = value, NameStart = nameStart, NameLength = name.Length, Next = -1 };
        if (point.LastEntry >= 0)
        {
            _entries[point.LastEntry].Next = added;
        }
        else
        {
            point.FirstEntry = added;
        }

        point.LastEntry = added;
    }

    private int Append(ReadOnlySpan<byte> text)
    {
        EnsureArena(text.Length);
        int start = _arenaLength;
        text.CopyTo(_arena.AsSpan(start));
        _arenaLength += text.Length;
        return start;
    }

    private void EnsureArena(int additional)
    {
        if (_arenaLength + additional > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arenaLength + additional, _arena.Length * 2));
        }
    }

    /// <summary>
    /// Stores the sample's series labels after the kept ones, sorted by name and value, and returns where; the room is
    /// reused unless the sample starts a series. Left out, as Telegraf leaves them out of a series' identity and its
    /// tags: <c>__name__</c>, a histogram's <c>le</c>, a summary's <c>quantile</c>, a stateset's label named as the family.
    /// </summary>
    private (int Start, int Length) StoreSeriesLabels(ref OpenMetricsTextReader reader)
    {
        int count = reader.LabelCount;
        if (_labelOrder.Length < count)
        {
            _labelOrder = new int[Math.Max(count, _labelOrder.Length * 2)];
        }

        int kept = 0;
        int room = 0;
        for (int l = 0; l < count; l++)
        {
            ReadOnlySpan<byte> name = reader.LabelName(l);
            bool special = name.SequenceEqual("__name__"u8)
                || (_familyType == OpenMetricsMetricType.StateSet && name.SequenceEqual(FamilyName))
                || (_familyType is OpenMetricsMetricType.Histogram or OpenMetricsMetricType.GaugeHistogram && name.SequenceEqual("le"u8))
                || (_familyType == OpenMetricsMetricType.Summary && name.SequenceEqual("quantile"u8));
            if (special)
            {
                continue;
            }

            int at = kept++;
            while (at > 0 && Compare(ref reader, _labelOrder[at - 1], l) > 0)
            {
                _labelOrder[at] = _labelOrder[at - 1];
                at--;
            }

            _labelOrder[at] = l;
            room += name.Length + reader.LabelValue(l).Length + 2;
        }

        EnsureArena(room);
        int start = _arenaLength;
        int length = 0;
        for (int k = 0; k < kept; k++)
        {
            length += AppendPart(reader.LabelName(_labelOrder[k]), start + length);
            length += AppendPart(reader.LabelValue(_labelOrder[k]), start + length);
        }

        return (start, length);
    }

    private static int Compare(ref OpenMetricsTextReader reader, int a, int b)
    {
        int byName = reader.LabelName(a).SequenceCompareTo(reader.LabelName(b));
        return byName != 0 ? byName : reader.LabelValue(a).SequenceCompareTo(reader.LabelValue(b));
    }

    private int AppendPart(ReadOnlySpan<byte> text, int at)
    {
        text.CopyTo(_arena.AsSpan(at));
        _arena[at + text.Length] = Separator;
        return text.Length + 1;
    }

    /// <summary>A point that holds a value joins its family's points; one that holds none (Telegraf's nil) is dropped.</summary>
    private void FlushPoint()
    {
        if (_point.Kind == PointKind.None)
        {
            return;
        }

        if (_pointCount == _points.Length)
        {
            Array.Resize(ref _points, _points.Length * 2);
        }

        _points[_pointCount++] = _point;
        _point = NewPoint(hasTimestamp: false, 0);
    }

    /// <summary>Writes every point of the family that just ended, then forgets the family.</summary>
    private void EndFamily(LineProtocolWriter writer)
    {
        FlushPoint();
        int series = -1;
        long time = _gatherTime;
        bool timeWritable = true;
        for (int p = 0; p < _pointCount; p++)
        {
            ref Point point = ref _points[p];
            if (point.Series != series)
            {
                // Telegraf starts each series at the gather time, and a point without a timestamp takes the time of the
                // series' point before it.
                series = point.Series;
                time = _gatherTime;
                timeWritable = true;
            }

            if (point.HasTimestamp)
            {
                time = unchecked(point.TimestampMilliseconds * 1_000_000);

                // Beyond the year 2262 nanoseconds overflow; Go would write a wrapped time, this writes no point.
                timeWritable = Math.Abs((double)point.TimestampMilliseconds) <= long.MaxValue / 1_000_000;
            }

            if (!timeWritable)
            {
                _skipped++;
                continue;
            }

            WritePoint(ref point, time, writer);
        }

        Forget();
    }

    private void WritePoint(ref Point point, long time, LineProtocolWriter writer)
    {
        if (!writer.BeginLine(FamilyName))
        {
            _skipped++;
            return;
        }

        WriteTags(_arena.AsSpan(point.Series, point.SeriesLength), writer);
        switch (_familyType)
        {
            case OpenMetricsMetricType.Unknown when point.Kind == PointKind.Unknown:
                AddField("value"u8, point.Value, writer);
                break;
            case OpenMetricsMetricType.Gauge when point.Kind == PointKind.Gauge:
                AddField("gauge"u8, point.Value, writer);
                break;
            case OpenMetricsMetricType.Counter when point.Kind == PointKind.Counter && point.HasTotal:
                AddField("counter"u8, point.Value, writer);
                break;
            case OpenMetricsMetricType.StateSet when point.Kind == PointKind.StateSet:
                WriteStates(ref point, writer);
                break;
            case OpenMetricsMetricType.Info:
                // Telegraf holds uint64 1. Its influx serializer writes that as 1i unless influx_uint_support is set
                // (default off), and InfluxDB 1.x refuses unsigned fields, so this writes the integer Telegraf writes.
                writer.AddIntegerField("info"u8, 1);
                break;
            case OpenMetricsMetricType.Histogram or OpenMetricsMetricType.GaugeHistogram:
                WriteDistribution(ref point, point.Kind == PointKind.Histogram, histogram: true, writer);
                break;
            case OpenMetricsMetricType.Summary:
                WriteDistribution(ref point, point.Kind == PointKind.Summary, histogram: false, writer);
                break;
            default:
                break;
        }

        if (writer.EndLine(time))
        {
            _written++;
        }
    }

    /// <summary>
    /// Count (0 when the point has none, or holds another type's value), sum, created and a field per bucket or
    /// quantile, named by Go's %g of its bound. Equal bounds give one field, the last value, as Telegraf's map of fields.
    /// </summary>
    private void WriteDistribution(ref Point point, bool holdsValue, bool histogram, LineProtocolWriter writer)
    {
        AddField("count"u8, holdsValue ? AsCount(point.Count) : 0, writer);
        if (!holdsValue)
        {
            return;
        }

        if (point.HasSum)
        {
            AddField("sum"u8, point.Sum, writer);
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
            AddField("created"u8, histogram ? seconds + (double)nanoseconds : seconds + (nanoseconds / 1e9), writer);
        }

        Span<byte> name = stackalloc byte[GoFloatFormat.MaxLength];
        for (int e = point.FirstEntry; e >= 0; e = _entries[e].Next)
        {
            ref Entry entry = ref _entries[e];

            // A summary leaves NaN quantiles out, so they do not replace an earlier value either.
            if ((!histogram && double.IsNaN(entry.Value)) || IsReplacedLater(e, histogram))
            {
                continue;
            }

            AddField(name[..FormatBound(entry.Bound, name)], histogram ? AsCount(entry.Value) : entry.Value, writer);
        }
    }

    private bool IsReplacedLater(int entry, bool histogram)
    {
        double bound = _entries[entry].Bound;
        for (int later = _entries[entry].Next; later >= 0; later = _entries[later].Next)
        {
            bool sameName = double.IsNaN(bound) ? double.IsNaN(_entries[later].Bound)
                : BitConverter.DoubleToInt64Bits(bound) == BitConverter.DoubleToInt64Bits(_entries[later].Bound);
            if (sameName && (histogram || !double.IsNaN(_entries[later].Value)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One boolean per state, named by its label value with spaces made underscores; a repeated state, the last.</summary>
    private void WriteStates(ref Point point, LineProtocolWriter writer)
    {
        Span<byte> room = stackalloc byte[256];
        for (int e = point.FirstEntry; e >= 0; e = _entries[e].Next)
        {
            ReadOnlySpan<byte> state = _arena.AsSpan(_entries[e].NameStart, _entries[e].NameLength);
            bool replaced = false;
            for (int later = _entries[e].Next; later >= 0 && !replaced; later = _entries[later].Next)
            {
                replaced = _arena.AsSpan(_entries[later].NameStart, _entries[later].NameLength).SequenceEqual(state);
            }

            if (replaced)
            {
                continue;
            }

            Span<byte> name = state.Length <= room.Length ? room[..state.Length] : new byte[state.Length];
            state.CopyTo(name);
            name.Replace((byte)' ', (byte)'_');
            if (!writer.AddField(name, _entries[e].Value > 0))
            {
                _skipped++;
            }
        }
    }

    private void AddField(ReadOnlySpan<byte> key, double value, LineProtocolWriter writer)
    {
        if (!writer.AddField(key, value))
        {
            _skipped++;
        }
    }

    /// <summary>
    /// The tags of a point in key order: the series' labels with a value, the family's unit over a label named
    /// <c>unit</c>, and the target tags over labels of their names, as inputs.prometheus sets its url tag last.
    /// </summary>
    private void WriteTags(ReadOnlySpan<byte> labels, LineProtocolWriter writer)
    {
        int count = 0;
        int textLength = 0;
        ReadOnlySpan<byte> unit = _unit.AsSpan(0, _unitLength);
        for (int t = 0; t < _targets.Count; t++)
        {
            AddTag(_targets[t].KeyUtf8, _targets[t].ValueUtf8, ref count, ref textLength);
        }

        if (!unit.IsEmpty && !IsTargetKey("unit"u8))
        {
            AddTag("unit"u8, unit, ref count, ref textLength);
        }

        while (!labels.IsEmpty)
        {
            int keyEnd = labels.IndexOf(Separator);
            ReadOnlySpan<byte> key = labels[..keyEnd];
            ReadOnlySpan<byte> rest = labels[(keyEnd + 1)..];
            int valueEnd = rest.IndexOf(Separator);
            ReadOnlySpan<byte> value = rest[..valueEnd];
            labels = rest[(valueEnd + 1)..];
            if (!value.IsEmpty && !IsTargetKey(key) && !(!unit.IsEmpty && key.SequenceEqual("unit"u8)))
            {
                AddTag(key, value, ref count, ref textLength);
            }
        }

        for (int i = 1; i < count; i++)
        {
            Tag tag = _tags[i];
            int at = i;
            while (at > 0 && TagKey(_tags[at - 1]).SequenceCompareTo(TagKey(tag)) > 0)
            {
                _tags[at] = _tags[at - 1];
                at--;
            }

            _tags[at] = tag;
        }

        for (int i = 0; i < count; i++)
        {
            writer.AddTag(TagKey(_tags[i]), _tagText.AsSpan(_tags[i].ValueStart, _tags[i].ValueLength));
        }
    }

    private ReadOnlySpan<byte> TagKey(Tag tag) => _tagText.AsSpan(tag.KeyStart, tag.KeyLength);

    private bool IsTargetKey(ReadOnlySpan<byte> key)
    {
        for (int t = 0; t < _targets.Count; t++)
        {
            if (key.SequenceEqual(_targets[t].KeyUtf8))
            {
                return true;
            }
        }

        return false;
    }

    private void AddTag(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ref int count, ref int textLength)
    {
        if (count == _tags.Length)
        {
            Array.Resize(ref _tags, _tags.Length * 2);
        }

        if (textLength + key.Length + value.Length > _tagText.Length)
        {
            Array.Resize(ref _tagText, Math.Max(textLength + key.Length + value.Length, _tagText.Length * 2));
        }

        key.CopyTo(_tagText.AsSpan(textLength));
        value.CopyTo(_tagText.AsSpan(textLength + key.Length));
        _tags[count++] = new Tag(textLength, key.Length, textLength + key.Length, value.Length);
        textLength += key.Length + value.Length;
    }

    private void Forget()
    {
        _pointCount = 0;
        _entryCount = 0;
        _arenaLength = 0;
        _seriesStart = -1;
        _seriesLength = 0;
        _point = NewPoint(hasTimestamp: false, 0);
    }

    /// <summary>
    /// Telegraf keeps counts as uint64(value): whole numbers, truncated. Outside [0, 2^64) that conversion gives a
    /// different number on each CPU (amd64 wraps, arm64 saturates), so such a count is not written (NaN).
    /// </summary>
    private static double AsCount(double value)
    {
        if (!(value > -1 && value < Uint64Limit))
        {
            return double.NaN;
        }

        double whole = Math.Truncate(value);
        return whole == 0 ? 0 : whole;
    }

    /// <summary>The field name of a bucket or quantile: Go's strconv.FormatFloat(bound, 'g', -1, 64).</summary>
    private static int FormatBound(double bound, Span<byte> destination)
    {
        ReadOnlySpan<byte> text = bound switch
        {
            double.PositiveInfinity => "+Inf"u8,
            double.NegativeInfinity => "-Inf"u8,
            _ => double.IsNaN(bound) ? "NaN"u8 : default,
        };
        if (text.IsEmpty)
        {
            return GoFloatFormat.FormatG(bound, destination);
        }

        text.CopyTo(destination);
        return text.Length;
    }

    private static string Printable(ReadOnlySpan<byte> text)
    {
        var printable = new System.Text.StringBuilder();
        Prometheus.PrintableExcerpt.Append(printable, text);
        return printable.ToString();
    }

    private readonly record struct Tag(int KeyStart, int KeyLength, int ValueStart, int ValueLength);

    private struct Point
    {
        public int Series;
        public int SeriesLength;
        public bool HasTimestamp;
        public long TimestampMilliseconds;
        public PointKind Kind;

        /// <summary>The gauge, unknown or counter total value.</summary>
        public double Value;
        public bool HasTotal;
        public double Count;
        public bool HasSum;
        public double Sum;
        public bool HasCreated;
        public long CreatedNanoseconds;
        public int FirstEntry;
        public int LastEntry;
    }

    /// <summary>A bucket, quantile or state of a point, in the order its samples came.</summary>
    private struct Entry
    {
        public double Bound;
        public double Value;
        public int NameStart;
        public int NameLength;
        public int Next;
    }
}
