using System.Globalization;
using ExecdJvb.Formats;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Mapping;

/// <summary>
/// Writes an OpenMetrics text answer (what Prosody's <c>/metrics</c> gives) as Telegraf's <c>inputs.prometheus</c>
/// writes it with its default <c>metric_version = 1</c> when the answer's Content-Type is
/// <c>application/openmetrics-text</c> (plugins/parsers/openmetrics: TextToMetricFamilies, then extractMetricsV1).
/// Samples are grouped as Telegraf groups them: a family starts at a <c># HELP</c>/<c># TYPE</c>/<c># UNIT</c> line
/// with a new name (a sample without metadata joins the family before it), a series while the label set stays the
/// same from one sample to the next, a point while the timestamp does. Each point is a line named after its family:
/// labels as tags (empty ones dropped; those the component's renames name under their tag names), <c>unit</c> when the family has one, the target tags over both; the field
/// <c>gauge</c>, <c>counter</c> (from <c>_total</c> only) or <c>value</c>; a histogram's <c>count</c>, <c>sum</c>,
/// <c>created</c> and a field per bucket; a summary's the same with a field per quantile; one boolean per state of a
/// stateset; <c>info</c> for an info family. NaN and infinite values are never written. An answer Telegraf's parser
/// refuses is refused whole: nothing is written for it, as Telegraf writes nothing for that scrape.
/// </summary>
internal sealed class OpenMetricsSchemaMapper
{
    private readonly ReaderBuffers _readerBuffers = new();

    // The family being read: its name and unit as the metadata gave them, its type, and its points, written when the
    // family ends because a later # UNIT or # TYPE of the same name still changes how all of them are written.
    private byte[] _familyName = new byte[256];
    private int _familyLength;
    private bool _hasFamily;
    private MetricType _familyType;
    private byte[] _unit = new byte[64];
    private int _unitLength;

    // The family's series labels; the current series is the one the last sample belonged to.
    private readonly SeriesLabels _labels = new();
    private int _seriesStart = -1;
    private int _seriesLength;
    private int _seriesNumber;

    private OpenMetricsPoint _point;
    private OpenMetricsPoint[] _points = new OpenMetricsPoint[64];
    private int _pointCount;
    private readonly BucketList _entries = new();

    private long _gatherTime;
    private int _skipped;
    private int _written;

    /// <summary>Writes the answer's points into <paramref name="writer"/>; <paramref name="renames"/> names the labels written under other tag names (none by default, as Telegraf writes them).</summary>
    public MapOutcome Map(ReadOnlySpan<byte> body, IReadOnlyList<TargetTag> targetTags, long timestampNanoseconds, LineProtocolWriter writer, LabelRenames renames)
    {
        int mark = writer.WrittenLength;
        _labels.Reset(targetTags, renames);
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
        _familyType = MetricType.Untyped;
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

        (int labelsStart, int labelsLength) = _labels.Store(ref reader, _familyType, FamilyName);
        if (_seriesStart < 0 || !_labels.At(_seriesStart, _seriesLength).SequenceEqual(_labels.At(labelsStart, labelsLength)))
        {
            FlushPoint();
            _seriesStart = labelsStart;
            _seriesLength = labelsLength;
            _seriesNumber++;
            _labels.Keep(labelsStart, labelsLength);
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

    private OpenMetricsPoint NewPoint(bool hasTimestamp, long milliseconds) => new()
    {
        Series = _seriesStart,
        SeriesLength = _seriesLength,
        SeriesNumber = _seriesNumber,
        HasTimestamp = hasTimestamp,
        TimestampMilliseconds = milliseconds,
        FirstEntry = -1,
        LastEntry = -1,
    };

    /// <summary>What Telegraf's MetricPoint.set does with a sample, by its family's type and its name's suffix.</summary>
    private string? Set(ref OpenMetricsTextReader reader, ReadOnlySpan<byte> suffix)
    {
        ref OpenMetricsPoint point = ref _point;
        OpenMetricsPointKind kind = _familyType switch
        {
            MetricType.Gauge => OpenMetricsPointKind.Gauge,
            MetricType.Counter => OpenMetricsPointKind.Counter,
            MetricType.StateSet => OpenMetricsPointKind.StateSet,
            MetricType.Info => OpenMetricsPointKind.Info,
            MetricType.Histogram or MetricType.GaugeHistogram => OpenMetricsPointKind.Histogram,
            MetricType.Summary => OpenMetricsPointKind.Summary,
            _ => OpenMetricsPointKind.Unknown,
        };
        if (kind is OpenMetricsPointKind.Unknown or OpenMetricsPointKind.Gauge or OpenMetricsPointKind.Info)
        {
            // These replace whatever the point held.
            point = NewPoint(point.HasTimestamp, point.TimestampMilliseconds);
            point.Kind = kind;
            point.Value = reader.Value;
            return null;
        }

        if (point.Kind != OpenMetricsPointKind.None && point.Kind != kind)
        {
            // Telegraf asserts the point's value to the type's Go type, which panics: no point of the scrape is written.
            return string.Create(CultureInfo.InvariantCulture, $"Telegraf's OpenMetrics parser panics when a sample of family {ExpositionSyntax.Quote(FamilyName)} of type {_familyType} continues a point of another type (line {reader.LineNumber})");
        }

        point.Kind = kind;
        double value = reader.Value;
        switch (kind)
        {
            case OpenMetricsPointKind.Counter when suffix.SequenceEqual("total"u8):
                point.HasTotal = true;
                point.Value = value;
                break;
            case OpenMetricsPointKind.StateSet:
                reader.TryGetLabel(FamilyName, out ReadOnlySpan<byte> state);
                AddEntry(ref point, double.NaN, value, state);
                break;
            case OpenMetricsPointKind.Histogram or OpenMetricsPointKind.Summary when suffix.SequenceEqual("sum"u8) || (kind == OpenMetricsPointKind.Histogram && suffix.SequenceEqual("gsum"u8)):
                point.HasSum = true;
                point.Sum = value;
                break;
            case OpenMetricsPointKind.Histogram or OpenMetricsPointKind.Summary when suffix.SequenceEqual("count"u8) || (kind == OpenMetricsPointKind.Histogram && suffix.SequenceEqual("gcount"u8)):
                point.Count = value;
                break;
            case OpenMetricsPointKind.Histogram or OpenMetricsPointKind.Summary when suffix.SequenceEqual("created"u8):
                point.HasCreated = true;

                // time.Unix(0, int64(value*1e9)), kept as whole seconds and nanoseconds in [0, 1e9).
                point.CreatedNanoseconds = ExpositionSyntax.ToInt64(value * 1e9);
                break;
            case OpenMetricsPointKind.Histogram when suffix.SequenceEqual("bucket"u8):
                AddEntry(ref point, Bound(ref reader, "le"u8, OpenMetricsPointKind.Histogram), value, default);
                break;
            case OpenMetricsPointKind.Summary:
                AddEntry(ref point, Bound(ref reader, "quantile"u8, OpenMetricsPointKind.Summary), value, default);
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
    private static double Bound(ref OpenMetricsTextReader reader, ReadOnlySpan<byte> label, OpenMetricsPointKind kind)
    {
        reader.TryGetLabel(label, out ReadOnlySpan<byte> text);
        if (text.SequenceEqual("+Inf"u8))
        {
            return kind == OpenMetricsPointKind.Histogram ? double.PositiveInfinity : double.MaxValue;
        }

        return ExpositionSyntax.TryParseFloat(text, out double bound) ? bound : double.NaN;
    }

    private void AddEntry(ref OpenMetricsPoint point, double bound, double value, ReadOnlySpan<byte> name)
    {
        int nameStart = _labels.Append(name);
        _entries.Append(ref point.FirstEntry, ref point.LastEntry, bound, value, nameStart, name.Length);
    }

    /// <summary>A point that holds a value joins its family's points; one that holds none (Telegraf's nil) is dropped.</summary>
    private void FlushPoint()
    {
        if (_point.Kind == OpenMetricsPointKind.None)
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
            ref OpenMetricsPoint point = ref _points[p];
            if (point.SeriesNumber != series)
            {
                // Telegraf starts each series at the gather time, and a point without a timestamp takes the time of the
                // series' point before it.
                series = point.SeriesNumber;
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

    private void WritePoint(ref OpenMetricsPoint point, long time, LineProtocolWriter writer)
    {
        if (!writer.BeginLine(FamilyName))
        {
            _skipped++;
            return;
        }

        _labels.WriteTags(_labels.At(point.Series, point.SeriesLength), _unit.AsSpan(0, _unitLength), writer);
        OpenMetricsPointFields.Write(_familyType, point, _entries, _labels.Arena, writer, ref _skipped);
        if (writer.EndLine(time))
        {
            _written++;
        }
    }

    private void Forget()
    {
        _pointCount = 0;
        _entries.Clear();
        _labels.Clear();
        _seriesStart = -1;
        _seriesLength = 0;
        _point = NewPoint(hasTimestamp: false, 0);
    }
}
