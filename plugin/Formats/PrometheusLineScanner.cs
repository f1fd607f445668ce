using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace ExecdJvb.Formats;

/// <summary>
/// The grammar of one line of Prometheus text 0.0.4: names (plain or quoted), label sets with their escapes, a
/// sample's value and timestamp. What it reads stays in the text where it can: a name or value is a reference
/// and a length, a reference of 0 or more into the text, a negative one (~offset) into the scratch buffer where
/// escaped strings are unescaped. A line that cannot be read leaves its problem here for
/// <see cref="DescribeProblem"/>.
/// </summary>
internal ref struct PrometheusLineScanner
{
    private static readonly SearchValues<byte> QuotedStops = SearchValues.Create("\"\\"u8);

    private readonly ReadOnlySpan<byte> _text;
    private readonly ReaderBuffers _buffers;
    private int _scratchLength;

    private string? _problem;
    private int _problemStart;
    private int _problemEnd;

    public PrometheusLineScanner(ReadOnlySpan<byte> text, ReaderBuffers buffers)
    {
        _text = text;
        _buffers = buffers;
    }

    /// <summary>The sample's name as written: a reference (see the type) and a length.</summary>
    public int NameReference { get; private set; }

    public int NameLength { get; private set; }

    /// <summary>The sample value; may be NaN or an infinity, never out of the double range.</summary>
    public double Value { get; private set; }

    public bool HasTimestamp { get; private set; }

    public long TimestampMilliseconds { get; private set; }

    /// <summary>Labels of the sample line, in the order written.</summary>
    public int LabelCount { get; private set; }

    /// <summary>Starts a line: the scratch buffer of the line before is free again.</summary>
    public void BeginLine() => _scratchLength = 0;

    public readonly ReadOnlySpan<byte> Slice(int reference, int length) =>
        reference >= 0 ? _text.Slice(reference, length) : _buffers.Scratch.AsSpan(~reference, length);

    public readonly ReadOnlySpan<byte> LabelName(int index)
    {
        int[] labels = _buffers.Labels;
        return Slice(labels[index * 4], labels[(index * 4) + 1]);
    }

    public readonly ReadOnlySpan<byte> LabelValue(int index)
    {
        int[] labels = _buffers.Labels;
        return Slice(labels[(index * 4) + 2], labels[(index * 4) + 3]);
    }

    /// <summary>Notes what is wrong with the line, and where; returns <see cref="PrometheusLineKind.Malformed"/>.</summary>
    public PrometheusLineKind Fail(string problem, int start = 0, int end = 0)
    {
        _problem = problem;
        _problemStart = start;
        _problemEnd = Math.Min(end, _text.Length);
        return PrometheusLineKind.Malformed;
    }

    /// <summary>The last problem as one printable line: where, what, and the piece of text it is about.</summary>
    public readonly string DescribeProblem(int lineNumber, bool complete)
    {
        var message = new StringBuilder();
        message.Append("line ").Append(lineNumber.ToString(CultureInfo.InvariantCulture));
        if (!complete)
        {
            message.Append(" (the text ends in it, without a line break)");
        }

        message.Append(": ").Append(_problem);
        if (_problemEnd > _problemStart)
        {
            message.Append(" \"");
            ExpositionSyntax.AppendExcerpt(message, _text[_problemStart.._problemEnd]);
            message.Append('"');
        }

        return message.ToString();
    }

    /// <summary>
    /// Takes apart a sample line from its first non-blank byte: the name (or the braces form, where the name is the
    /// one label without '='), the labels, the value and an optional timestamp; an OpenMetrics exemplar after
    /// <c> # </c> is ignored.
    /// </summary>
    public PrometheusLineKind ScanSample(int i, int end)
    {
        bool braces = _text[i] == (byte)'{';
        int nameReference = 0;
        int nameLength = 0;
        if (!braces)
        {
            int nameStart = i;
            if (!ReadName(ref i, end, metric: true, out nameReference, out nameLength))
            {
                return PrometheusLineKind.Malformed;
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
            PrometheusLineKind labels = ReadLabels(ref i, end, braces, ref nameReference, ref nameLength);
            if (labels == PrometheusLineKind.Malformed)
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
        while (i < end && !ExpositionSyntax.IsBlank(_text[i]))
        {
            i++;
        }

        if (i == valueStart)
        {
            return Fail("no value after the metric name and labels");
        }

        if (!ExpositionSyntax.TryParseFloat(_text[valueStart..i], out double value))
        {
            return Fail("expected a float as value, got", valueStart, i);
        }

        bool hasTimestamp = false;
        long timestamp = 0;
        i = SkipBlanks(i, end);
        if (i < end && _text[i] != (byte)'#')
        {
            int timestampStart = i;
            while (i < end && !ExpositionSyntax.IsBlank(_text[i]))
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
        NameReference = nameReference;
        NameLength = nameLength;
        Value = value;
        HasTimestamp = hasTimestamp;
        TimestampMilliseconds = timestamp;
        return PrometheusLineKind.Sample;
    }

    /// <summary>Reads a label set from its '{' to its '}'; in the braces form the metric name is the one label without '='.</summary>
    private PrometheusLineKind ReadLabels(ref int i, int end, bool braces, ref int nameReference, ref int nameLength)
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
                return PrometheusLineKind.Sample;
            }

            int labelStart = i;
            if (!ReadName(ref i, end, metric: braces && nameLength == 0, out int keyReference, out int keyLength))
            {
                return PrometheusLineKind.Malformed;
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
                    return PrometheusLineKind.Sample;
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
                return PrometheusLineKind.Malformed;
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
                return PrometheusLineKind.Sample;
            }

            return Fail("expected ',' or '}' after the label value", labelStart, Math.Min(i + 1, end));
        }
    }

    /// <summary>
    /// Reads a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), a label name (the same without ':') or a quoted name
    /// (the UTF-8 names of newer exposition formats). A name that does not start right is read as empty.
    /// </summary>
    public bool ReadName(ref int i, int end, bool metric, out int reference, out int length)
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

        length = ExpositionSyntax.NameLength(_text[i..end], metric);
        i += length;
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
                if (++j >= end || !ExpositionSyntax.TryUnescape(_text[j], out b))
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

    public readonly int SkipBlanks(int i, int end)
    {
        while (i < end && ExpositionSyntax.IsBlank(_text[i]))
        {
            i++;
        }

        return i;
    }
}

/// <summary>What one line of Prometheus text turned out to be.</summary>
internal enum PrometheusLineKind
{
    /// <summary>Nothing to yield: a blank line, a comment, a HELP or TYPE line.</summary>
    Nothing,

    /// <summary>A sample.</summary>
    Sample,

    /// <summary>A line that could not be read; the scanner says why.</summary>
    Malformed,
}
