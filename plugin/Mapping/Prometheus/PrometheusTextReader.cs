using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace ExecdJvb.Mapping.Prometheus;

/// <summary>
/// A pull parser for the Prometheus text exposition format 0.0.4 over a whole response body: each
/// <see cref="Read"/> moves to the next sample and exposes its family, name, labels (unescaped), value and
/// timestamp as spans that stay valid until the next call. Families and sample roles are resolved as the
/// Prometheus Go parser (expfmt.TextParser, used by Telegraf) resolves them: a sample belongs to the current
/// family when it has the family's name, or for a histogram or summary the name plus <c>_bucket</c>,
/// <c>_sum</c> or <c>_count</c>; any other name starts an untyped family of its own.
/// <para>
/// Unlike the Go parser, which refuses the whole text at the first error, a malformed line is skipped and
/// counted (<see cref="MalformedLineCount"/>, <see cref="FirstProblem"/>), CRLF line ends are accepted, and
/// the additions of OpenMetrics text do no harm (<c># EOF</c>, <c># UNIT</c> are comments, exemplars after
/// <c> # </c> are ignored, <c>unknown</c>/<c>info</c>/<c>stateset</c>/<c>gaugehistogram</c> read as untyped).
/// A last line without a line break is read when it is complete; when it is not, it is reported
/// (<see cref="EndsMidLine"/>) and yields nothing. Families are expected to be contiguous, as the format
/// requires: a sample is matched against the current family only, not against every family seen before.
/// </para>
/// </summary>
internal ref struct PrometheusTextReader
{
    private const int MaxQuotedBytes = 48;

    private static readonly SearchValues<byte> QuotedStops = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> DecimalBytes = SearchValues.Create("0123456789.eE+-"u8);

    private readonly ReadOnlySpan<byte> _text;
    private readonly PrometheusReaderBuffers _buffers;
    private int _position;
    private int _scratchLength;

    private int _familyNameLength;
    private bool _familyTyped;
    private bool _familyHasSamples;

    private int _sampleNameReference;
    private int _sampleNameLength;

    private string? _problem;
    private int _problemStart;
    private int _problemEnd;

    public PrometheusTextReader(ReadOnlySpan<byte> text, PrometheusReaderBuffers? buffers = null)
    {
        _text = text;
        _buffers = buffers ?? new PrometheusReaderBuffers();
        BoundLabelIndex = -1;
        Bound = double.NaN;
    }

    private enum LineKind
    {
        Nothing,
        Sample,
        Malformed,
    }

    /// <summary>The current family's name: the TYPE/HELP name, or the sample's own name when it started the family.</summary>
    public readonly ReadOnlySpan<byte> FamilyName => _buffers.Family.AsSpan(0, _familyNameLength);

    public PrometheusMetricType FamilyType { get; private set; }

    /// <summary>Changes (grows) exactly when the current family changes; equal numbers mean the same family.</summary>
    public int FamilyNumber { get; private set; }

    /// <summary>The sample's name as written, e.g. <c>x_bucket</c>, <c>x_sum</c>, <c>x_count</c> or the family name.</summary>
    public readonly ReadOnlySpan<byte> SampleName => Slice(_sampleNameReference, _sampleNameLength);

    public PrometheusSampleRole Role { get; private set; }

    /// <summary>The sample value; may be NaN or an infinity, never out of the double range.</summary>
    public double Value { get; private set; }

    /// <summary>The <c>le</c> of a <see cref="PrometheusSampleRole.Bucket"/> or the quantile of a <see cref="PrometheusSampleRole.Quantile"/>; NaN otherwise.</summary>
    public double Bound { get; private set; }

    public bool HasTimestamp { get; private set; }

    /// <summary>Milliseconds since the Unix epoch as written (may be zero or negative); meaningful when <see cref="HasTimestamp"/>.</summary>
    public long TimestampMilliseconds { get; private set; }

    /// <summary>Number of labels on the sample line, in the order written, <c>le</c>/<c>quantile</c> included.</summary>
    public int LabelCount { get; private set; }

    /// <summary>
    /// The index of the label a histogram (<c>le</c>) or summary (<c>quantile</c>) family consumes, which the
    /// Go parser does not keep among the series' labels (on every sample of the family, sum and count too); -1 when none.
    /// </summary>
    public int BoundLabelIndex { get; private set; }

    /// <summary>The 1-based line number of the current sample (or of the last line read).</summary>
    public int LineNumber { get; private set; }

    /// <summary>Samples yielded so far.</summary>
    public int SampleCount { get; private set; }

    /// <summary>Lines skipped so far because they could not be read.</summary>
    public int MalformedLineCount { get; private set; }

    /// <summary>The first skipped line's number and what is wrong with it, one printable line; null when none.</summary>
    public string? FirstProblem { get; private set; }

    /// <summary>True when the text ends without a line break in the middle of a line that could not be read (a cut answer).</summary>
    public bool EndsMidLine { get; private set; }

    public readonly ReadOnlySpan<byte> LabelName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)LabelCount, nameof(index));
        int[] labels = _buffers.Labels;
        return Slice(labels[index * 4], labels[(index * 4) + 1]);
    }

    public readonly ReadOnlySpan<byte> LabelValue(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)LabelCount, nameof(index));
        int[] labels = _buffers.Labels;
        return Slice(labels[(index * 4) + 2], labels[(index * 4) + 3]);
    }

    /// <summary>Moves to the next sample; false at the end of the text.</summary>
    public bool Read()
    {
        while (_position < _text.Length)
        {
            int start = _position;
            int newline = _text[start..].IndexOf((byte)'\n');
            bool complete = newline >= 0;
            int end = complete ? start + newline : _text.Length;
            _position = complete ? end + 1 : _text.Length;
            LineNumber++;
            if (end > start && _text[end - 1] == (byte)'\r')
            {
                end--;
            }

            switch (ParseLine(start, end))
            {
                case LineKind.Sample:
                    SampleCount++;
                    return true;
                case LineKind.Malformed:
                    NoteProblem(complete);
                    break;
                default:
                    break;
            }
        }

        return false;
    }

    private readonly ReadOnlySpan<byte> Slice(int reference, int length) =>
        reference >= 0 ? _text.Slice(reference, length) : _buffers.Scratch.AsSpan(~reference, length);

    private void NoteProblem(bool complete)
    {
        MalformedLineCount++;
        if (!complete)
        {
            EndsMidLine = true;
        }

        if (FirstProblem is not null)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append("line ").Append(LineNumber.ToString(CultureInfo.InvariantCulture));
        if (!complete)
        {
            message.Append(" (the text ends in it, without a line break)");
        }

        message.Append(": ").Append(_problem);
        if (_problemEnd > _problemStart)
        {
            message.Append(" \"");
            AppendPrintable(message, _text[_problemStart.._problemEnd]);
            message.Append('"');
        }

        FirstProblem = message.ToString();
    }

    /// <summary>Quotes a piece of the text in a log line: printable ASCII as is, anything else as \xNN, cut at a few dozen bytes.</summary>
    private static void AppendPrintable(StringBuilder message, ReadOnlySpan<byte> text)
    {
        int shown = Math.Min(text.Length, MaxQuotedBytes);
        foreach (byte b in text[..shown])
        {
            if (b is (byte)'"' or (byte)'\\')
            {
                message.Append('\\').Append((char)b);
            }
            else if (b is >= 0x20 and < 0x7f)
            {
                message.Append((char)b);
            }
            else
            {
                message.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        if (shown < text.Length)
        {
            message.Append("...");
        }
    }

    private LineKind Fail(string problem, int start = 0, int end = 0)
    {
        _problem = problem;
        _problemStart = start;
        _problemEnd = Math.Min(end, _text.Length);
        return LineKind.Malformed;
    }

    private LineKind ParseLine(int start, int end)
    {
        _scratchLength = 0;
        int i = SkipBlanks(start, end);
        if (i >= end)
        {
            return LineKind.Nothing;
        }

        return _text[i] == (byte)'#' ? ParseComment(i + 1, end) : ParseSample(i, end);
    }

    private LineKind ParseComment(int i, int end)
    {
        i = SkipBlanks(i, end);
        int keywordStart = i;
        while (i < end && !IsBlank(_text[i]))
        {
            i++;
        }

        ReadOnlySpan<byte> keyword = _text[keywordStart..i];
        bool help = keyword.SequenceEqual("HELP"u8);
        if ((!help && !keyword.SequenceEqual("TYPE"u8)) || (i = SkipBlanks(i, end)) >= end)
        {
            // Any other comment (# EOF and # UNIT of OpenMetrics too), or a HELP/TYPE with nothing after it.
            return LineKind.Nothing;
        }

        int nameStart = i;
        if (!ReadName(ref i, end, metric: true, out int nameReference, out int nameLength))
        {
            return LineKind.Malformed;
        }

        if (i >= end && nameLength > 0)
        {
            // The Go parser ignores a HELP or TYPE line that ends after the name.
            return LineKind.Nothing;
        }

        if (nameLength == 0 || !IsBlank(_text[i]))
        {
            return Fail("invalid metric name in comment", nameStart, end);
        }

        ReadOnlySpan<byte> name = Slice(nameReference, nameLength);
        if (Resolve(name, out _) < 0)
        {
            StartFamily(name, hasSamples: false);
        }

        i = SkipBlanks(i, end);
        if (i >= end)
        {
            return LineKind.Nothing;
        }

        return help ? ReadHelp(i, end) : ReadType(i, end);
    }

    /// <summary>Checks the escapes of a HELP text, as the Go parser does; the text itself is not kept.</summary>
    private LineKind ReadHelp(int i, int end)
    {
        for (int next = _text[i..end].IndexOf((byte)'\\'); next >= 0; next = _text[i..end].IndexOf((byte)'\\'))
        {
            i += next + 1;
            if (i >= end || !TryUnescape(_text[i], out _))
            {
                return Fail("invalid escape sequence in HELP", i - 1, Math.Min(i + 1, end));
            }

            i++;
        }

        return LineKind.Nothing;
    }

    private LineKind ReadType(int i, int end)
    {
        if (_familyTyped || _familyHasSamples)
        {
            return Fail("second TYPE line for the family, or TYPE after its samples", i, end);
        }

        int typeEnd = end;
        while (typeEnd > i && IsBlank(_text[typeEnd - 1]))
        {
            typeEnd--;
        }

        ReadOnlySpan<byte> word = _text[i..typeEnd];
        PrometheusMetricType type;
        if (Ascii.EqualsIgnoreCase(word, "counter"u8))
        {
            type = PrometheusMetricType.Counter;
        }
        else if (Ascii.EqualsIgnoreCase(word, "gauge"u8))
        {
            type = PrometheusMetricType.Gauge;
        }
        else if (Ascii.EqualsIgnoreCase(word, "histogram"u8))
        {
            type = PrometheusMetricType.Histogram;
        }
        else if (Ascii.EqualsIgnoreCase(word, "summary"u8))
        {
            type = PrometheusMetricType.Summary;
        }
        else if (Ascii.EqualsIgnoreCase(word, "untyped"u8) || Ascii.EqualsIgnoreCase(word, "unknown"u8)
            || Ascii.EqualsIgnoreCase(word, "info"u8) || Ascii.EqualsIgnoreCase(word, "stateset"u8)
            || Ascii.EqualsIgnoreCase(word, "gaugehistogram"u8) || Ascii.EqualsIgnoreCase(word, "gauge_histogram"u8))
        {
            type = PrometheusMetricType.Untyped;
        }
        else
        {
            return Fail("unknown metric type", i, typeEnd);
        }

        FamilyType = type;
        _familyTyped = true;
        return LineKind.Nothing;
    }

    private LineKind ParseSample(int i, int end)
    {
        bool braces = _text[i] == (byte)'{';
        int nameReference = 0;
        int nameLength = 0;
        if (!braces)
        {
            int nameStart = i;
            if (!ReadName(ref i, end, metric: true, out nameReference, out nameLength))
            {
                return LineKind.Malformed;
            }

            if (nameLength == 0)
            {
                return Fail("invalid metric name", nameStart, end);
            }

            i = SkipBlanks(i, end);
        }

        LabelCount = 0;
        if (i < end && _text[i] == (byte)'{')
        {
            LineKind labels = ReadLabels(ref i, end, braces, ref nameReference, ref nameLength);
            if (labels == LineKind.Malformed)
            {
                return labels;
            }

            i = SkipBlanks(i, end);
        }

        if (nameLength == 0)
        {
            return Fail("no metric name in the braces");
        }

        int valueStart = i;
        while (i < end && !IsBlank(_text[i]))
        {
            i++;
        }

        if (i == valueStart)
        {
            return Fail("no value after the metric name and labels");
        }

        if (!TryParseFloat(_text[valueStart..i], out double value))
        {
            return Fail("expected a float as value, got", valueStart, i);
        }

        bool hasTimestamp = false;
        long timestamp = 0;
        i = SkipBlanks(i, end);
        if (i < end && _text[i] != (byte)'#')
        {
            int timestampStart = i;
            while (i < end && !IsBlank(_text[i]))
            {
                i++;
            }

            if (!long.TryParse(_text[timestampStart..i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out timestamp))
            {
                return Fail("expected an integer timestamp in milliseconds, got", timestampStart, i);
            }

            hasTimestamp = true;
            i = SkipBlanks(i, end);
            if (i < end && _text[i] != (byte)'#')
            {
                return Fail("unexpected text after the timestamp", i, end);
            }
        }

        // Anything from a '#' on is an OpenMetrics exemplar, which has no place in the 0.0.4 model.
        return Accept(nameReference, nameLength, value, hasTimestamp, timestamp);
    }

    /// <summary>Reads a label set from its '{' to its '}'; in the braces form the metric name is the one label without '='.</summary>
    private LineKind ReadLabels(ref int i, int end, bool braces, ref int nameReference, ref int nameLength)
    {
        i++;
        while (true)
        {
            i = SkipBlanks(i, end);
            if (i >= end)
            {
                return Fail("the label set is not closed with '}'");
            }

            if (_text[i] == (byte)'}')
            {
                i++;
                return LineKind.Sample;
            }

            int labelStart = i;
            if (!ReadName(ref i, end, metric: braces && nameLength == 0, out int keyReference, out int keyLength))
            {
                return LineKind.Malformed;
            }

            if (keyLength == 0)
            {
                return Fail("invalid label name", labelStart, end);
            }

            i = SkipBlanks(i, end);
            if (i < end && _text[i] != (byte)'=' && braces && nameLength == 0 && _text[i] is (byte)',' or (byte)'}')
            {
                nameReference = keyReference;
                nameLength = keyLength;
                if (_text[i++] == (byte)'}')
                {
                    return LineKind.Sample;
                }

                continue;
            }

            if (i >= end || _text[i] != (byte)'=')
            {
                return Fail("expected '=' after the label name", labelStart, Math.Min(i + 1, end));
            }

            i = SkipBlanks(i + 1, end);
            if (i >= end || _text[i] != (byte)'"')
            {
                return Fail("expected '\"' at the start of the label value", labelStart, Math.Min(i + 1, end));
            }

            int valueStart = i;
            if (!ReadQuoted(ref i, end, out int valueReference, out int valueLength))
            {
                return LineKind.Malformed;
            }

            ReadOnlySpan<byte> key = Slice(keyReference, keyLength);
            if (key.SequenceEqual("__name__"u8))
            {
                return Fail("the label name __name__ is reserved", labelStart, i);
            }

            if (!Utf8.IsValid(Slice(valueReference, valueLength)))
            {
                return Fail("the label value is not UTF-8", valueStart, i);
            }

            for (int other = 0; other < LabelCount; other++)
            {
                if (LabelName(other).SequenceEqual(key))
                {
                    return Fail("the label name is repeated", labelStart, i);
                }
            }

            int[] labels = _buffers.EnsureLabels((LabelCount + 1) * 4);
            labels[LabelCount * 4] = keyReference;
            labels[(LabelCount * 4) + 1] = keyLength;
            labels[(LabelCount * 4) + 2] = valueReference;
            labels[(LabelCount * 4) + 3] = valueLength;
            LabelCount++;

            i = SkipBlanks(i, end);
            if (i < end && _text[i] == (byte)',')
            {
                i++;
                continue;
            }

            if (i < end && _text[i] == (byte)'}')
            {
                i++;
                return LineKind.Sample;
            }

            return Fail("expected ',' or '}' after the label value", labelStart, Math.Min(i + 1, end));
        }
    }

    /// <summary>Places a well-formed sample in its family, as the Go parser does, and makes it current.</summary>
    private LineKind Accept(int nameReference, int nameLength, double value, bool hasTimestamp, long timestamp)
    {
        ReadOnlySpan<byte> name = Slice(nameReference, nameLength);
        int suffix = Resolve(name, out PrometheusSampleRole role);
        PrometheusMetricType type = suffix < 0 ? PrometheusMetricType.Untyped : FamilyType;
        ReadOnlySpan<byte> boundName = type switch
        {
            PrometheusMetricType.Histogram => "le"u8,
            PrometheusMetricType.Summary => "quantile"u8,
            _ => default,
        };

        int boundIndex = -1;
        double bound = double.NaN;
        if (!boundName.IsEmpty)
        {
            for (int l = 0; l < LabelCount; l++)
            {
                if (LabelName(l).SequenceEqual(boundName))
                {
                    boundIndex = l;
                    if (!TryParseFloat(LabelValue(l), out bound))
                    {
                        return Fail(type == PrometheusMetricType.Histogram ? "expected a float as the le label" : "expected a float as the quantile label");
                    }

                    break;
                }
            }

            if (role == PrometheusSampleRole.Value)
            {
                role = double.IsNaN(bound) ? PrometheusSampleRole.MissingBound
                    : type == PrometheusMetricType.Histogram ? PrometheusSampleRole.Bucket
                    : PrometheusSampleRole.Quantile;
            }
        }

        if (suffix < 0)
        {
            StartFamily(name, hasSamples: true);
            role = PrometheusSampleRole.Value;
        }

        _familyHasSamples = true;
        _sampleNameReference = nameReference;
        _sampleNameLength = nameLength;
        Role = role;
        Value = value;
        Bound = role is PrometheusSampleRole.Bucket or PrometheusSampleRole.Quantile ? bound : double.NaN;
        BoundLabelIndex = boundIndex;
        HasTimestamp = hasTimestamp;
        TimestampMilliseconds = timestamp;
        return LineKind.Sample;
    }

    /// <summary>
    /// How <paramref name="name"/> relates to the current family: -1 when it is another family, else the length
    /// of the suffix that names its part (0 for the family name itself), with the role that suffix gives.
    /// </summary>
    private readonly int Resolve(ReadOnlySpan<byte> name, out PrometheusSampleRole role)
    {
        role = PrometheusSampleRole.Value;
        if (FamilyNumber == 0)
        {
            return -1;
        }

        ReadOnlySpan<byte> family = FamilyName;
        if (name.SequenceEqual(family))
        {
            return 0;
        }

        if (FamilyType is not (PrometheusMetricType.Histogram or PrometheusMetricType.Summary)
            || name.Length <= family.Length || !name.StartsWith(family))
        {
            return -1;
        }

        ReadOnlySpan<byte> suffix = name[family.Length..];
        if (suffix.SequenceEqual("_count"u8))
        {
            role = PrometheusSampleRole.Count;
        }
        else if (suffix.SequenceEqual("_sum"u8))
        {
            role = PrometheusSampleRole.Sum;
        }
        else if (!suffix.SequenceEqual("_bucket"u8) || FamilyType != PrometheusMetricType.Histogram)
        {
            return -1;
        }

        return suffix.Length;
    }

    private void StartFamily(ReadOnlySpan<byte> name, bool hasSamples)
    {
        byte[] family = _buffers.EnsureFamily(name.Length);
        name.CopyTo(family);
        _familyNameLength = name.Length;
        _familyTyped = false;
        _familyHasSamples = hasSamples;
        FamilyType = PrometheusMetricType.Untyped;
        FamilyNumber++;
    }

    /// <summary>
    /// Reads a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), a label name (the same without ':') or a quoted name
    /// (the UTF-8 names of newer exposition formats). A name that does not start right is read as empty.
    /// </summary>
    private bool ReadName(ref int i, int end, bool metric, out int reference, out int length)
    {
        reference = i;
        length = 0;
        if (i >= end)
        {
            return true;
        }

        if (_text[i] == (byte)'"')
        {
            int start = i;
            if (!ReadQuoted(ref i, end, out reference, out length))
            {
                return false;
            }

            if (!Utf8.IsValid(Slice(reference, length)))
            {
                Fail("the quoted name is not UTF-8", start, i);
                return false;
            }

            return true;
        }

        int j = i;
        while (j < end && IsNameByte(_text[j], metric, first: j == i))
        {
            j++;
        }

        length = j - i;
        i = j;
        return true;
    }

    /// <summary>
    /// Reads a double-quoted string at <paramref name="i"/> up to and past its closing quote, unescaping \\, \"
    /// and \n into the scratch buffer when it has any; a string without escapes stays a slice of the text.
    /// </summary>
    private bool ReadQuoted(ref int i, int end, out int reference, out int length)
    {
        int start = i + 1;
        int stop = _text[start..end].IndexOfAny(QuotedStops);
        if (stop >= 0 && _text[start + stop] == (byte)'"')
        {
            reference = start;
            length = stop;
            i = start + stop + 1;
            return true;
        }

        byte[] scratch = _buffers.EnsureScratch(_scratchLength + (end - start));
        int at = _scratchLength;
        for (int j = start; j < end; j++)
        {
            byte b = _text[j];
            if (b == (byte)'"')
            {
                reference = ~_scratchLength;
                length = at - _scratchLength;
                _scratchLength = at;
                i = j + 1;
                return true;
            }

            if (b == (byte)'\\')
            {
                if (++j >= end || !TryUnescape(_text[j], out b))
                {
                    reference = 0;
                    length = 0;
                    Fail(j >= end ? "a quoted string is not closed" : "invalid escape sequence", j - 1, Math.Min(j + 1, end));
                    return false;
                }
            }

            scratch[at++] = b;
        }

        reference = 0;
        length = 0;
        Fail("a quoted string is not closed", i, end);
        return false;
    }

    private static bool TryUnescape(byte escaped, out byte value)
    {
        value = escaped switch
        {
            (byte)'\\' => (byte)'\\',
            (byte)'"' => (byte)'"',
            (byte)'n' => (byte)'\n',
            _ => 0,
        };
        return value != 0;
    }

    /// <summary>
    /// Go's strconv.ParseFloat as the Prometheus parser calls it: decimal notation, Inf/Infinity with an optional
    /// sign and NaN in any case; no hex, no underscores, and a number beyond the double range is an error.
    /// </summary>
    public static bool TryParseFloat(ReadOnlySpan<byte> text, out double value)
    {
        ReadOnlySpan<byte> unsigned = text.Length > 0 && text[0] is (byte)'+' or (byte)'-' ? text[1..] : text;
        if (Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = text[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(text, "nan"u8))
        {
            value = double.NaN;
            return true;
        }

        if (text.IsEmpty || text.ContainsAnyExcept(DecimalBytes))
        {
            value = 0;
            return false;
        }

        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    private readonly int SkipBlanks(int i, int end)
    {
        while (i < end && IsBlank(_text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t';

    private static bool IsNameByte(byte b, bool metric, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_'
        || (metric && b == (byte)':')
        || (!first && b is >= (byte)'0' and <= (byte)'9');
}
