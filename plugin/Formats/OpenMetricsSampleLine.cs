using System.Globalization;
using System.Text.Unicode;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Formats;

/// <summary>
/// One sample line of OpenMetrics text, read with the Go parser's rules: a name (or a quoted one inside the braces),
/// labels without blanks (a trailing comma allowed), a blank and the value, optionally a blank and the timestamp in
/// seconds, optionally <c> # {labels} value [timestamp]</c>, an exemplar, which is checked and thrown away.
/// </summary>
internal ref struct OpenMetricsSampleLine
{
    private readonly ReadOnlySpan<byte> _line;
    private readonly ReaderBuffers _buffers;
    private readonly MetricType _parserType;
    private int _scratchLength;

    // parserType is the type of the last # TYPE line, whatever family it named: the Go parser keeps it so, and
    // rewrites le and quantile label values by it.
    public OpenMetricsSampleLine(ReadOnlySpan<byte> line, ReaderBuffers buffers, MetricType parserType)
    {
        _line = line;
        _buffers = buffers;
        _parserType = parserType;
    }

    /// <summary>The sample's name as written before its braces; empty when the name is inside them.</summary>
    public ReadOnlySpan<byte> Name { get; private set; }

    public double Value { get; private set; }

    public bool HasTimestamp { get; private set; }

    public long TimestampMilliseconds { get; private set; }

    /// <summary>The labels, decoded into the buffers' scratch; <see cref="ReaderBuffers.Labels"/> holds where each is in it.</summary>
    public int LabelCount { get; private set; }

    /// <summary>The Go parser's message when the line is refused.</summary>
    public string? Error { get; private set; }

    /// <summary>The line passes the Go parser but Telegraf's own code refuses it, whose message has no "parsing failed".</summary>
    public bool IsTelegrafError { get; private set; }

    /// <summary>Reads the line; false with <see cref="Error"/> set when Telegraf refuses it.</summary>
    public bool Read()
    {
        int at = 0;
        bool named = _line[0] != (byte)'{';
        if (named)
        {
            at = ExpositionSyntax.NameLength(_line, metric: true);
            Name = _line[..at];
        }

        if (at < _line.Length && _line[at] == (byte)'{')
        {
            at = ReadLabels(at + 1, ref named);
            if (at < 0)
            {
                return false;
            }
        }

        if (!named)
        {
            return FailAt("metric name not set", _line[..at]);
        }

        if (!TryReadNumber(ref at, out double value))
        {
            return FailAt("expected value after metric", _line[at..]);
        }

        if (Error is not null)
        {
            return false;
        }

        Value = value;
        if (IsExemplarStart(at))
        {
            return ReadExemplar(at + 4);
        }

        if (at < _line.Length)
        {
            int start = at;
            if (!TryReadNumber(ref at, out double seconds))
            {
                // A trailing blank: the Go parser returns the sample, then fails on what follows it.
                return FailAt("expected a valid start token", _line[start..]);
            }

            if (Error is not null)
            {
                return false;
            }

            if (!double.IsFinite(seconds))
            {
                return Fail(string.Create(CultureInfo.InvariantCulture, $"invalid timestamp {seconds:F6}"));
            }

            HasTimestamp = true;
            TimestampMilliseconds = ExpositionSyntax.ToInt64(seconds * 1000);
            if (IsExemplarStart(at))
            {
                return ReadExemplar(at + 4);
            }

            if (at < _line.Length)
            {
                return FailAt("expected next entry after timestamp", _line[at..]);
            }
        }

        return Sample();
    }

    private bool Sample()
    {
        if (Name.IsEmpty)
        {
            // Telegraf takes the name from before the brace, and a name inside the braces leaves none.
            Error = "empty metric name";
            IsTelegrafError = true;
            return false;
        }

        return true;
    }

    /// <summary>An exemplar is read to its end and thrown away; it must still be well formed.</summary>
    private bool ReadExemplar(int at)
    {
        bool named = true;
        at = ReadLabels(at, ref named, exemplar: true);
        if (at < 0)
        {
            return false;
        }

        if (!TryReadNumber(ref at, out _))
        {
            return FailAt("expected value after exemplar labels", _line[at..]);
        }

        if (Error is not null)
        {
            return false;
        }

        if (at < _line.Length)
        {
            int start = at;
            if (!TryReadNumber(ref at, out double seconds))
            {
                return FailAt("expected timestamp or comment", _line[start..]);
            }

            if (Error is not null)
            {
                return false;
            }

            if (!double.IsFinite(seconds))
            {
                return Fail(string.Create(CultureInfo.InvariantCulture, $"invalid exemplar timestamp {seconds:F6}"));
            }

            if (at < _line.Length)
            {
                return FailAt("expected next entry after exemplar timestamp", _line[at..]);
            }
        }

        return Sample();
    }

    /// <summary>
    /// Reads labels from just after the opening brace to just after the closing one, and returns that position, or -1
    /// with <see cref="Error"/> set. A quoted string alone (before a comma or the brace) is the metric name, which a
    /// sample may name once and only inside its braces, an exemplar never.
    /// </summary>
    private int ReadLabels(int at, ref bool named, bool exemplar = false)
    {
        while (true)
        {
            if (at >= _line.Length)
            {
                FailAt("expected label name", _line[at..]);
                return -1;
            }

            if (_line[at] == (byte)'}')
            {
                return at + 1;
            }

            int nameLength = _line[at] == (byte)'"' ? ExpositionSyntax.QuotedLength(_line[at..]) : ExpositionSyntax.NameLength(_line[at..], metric: false);
            if (nameLength <= 0)
            {
                FailAt("expected label name", _line[at..]);
                return -1;
            }

            bool quoted = _line[at] == (byte)'"';
            ReadOnlySpan<byte> name = quoted ? _line.Slice(at + 1, nameLength - 2) : _line.Slice(at, nameLength);
            at += nameLength;
            if (quoted && at < _line.Length && _line[at] is (byte)',' or (byte)'}')
            {
                if (exemplar)
                {
                    FailAt("expected label name", _line[at..]);
                    return -1;
                }

                if (named)
                {
                    FailAt("metric name already set", _line[..at]);
                    return -1;
                }

                named = true;
                if (_line[at] == (byte)'}')
                {
                    return at + 1;
                }

                at++;
                continue;
            }

            if (at >= _line.Length || _line[at] != (byte)'=')
            {
                FailAt("expected equal", _line[at..]);
                return -1;
            }

            at++;
            int valueLength = at < _line.Length && _line[at] == (byte)'"' ? ExpositionSyntax.QuotedLength(_line[at..]) : 0;
            if (valueLength <= 0)
            {
                FailAt("expected label value", _line[at..]);
                return -1;
            }

            ReadOnlySpan<byte> value = _line.Slice(at + 1, valueLength - 2);
            if (!Utf8.IsValid(value))
            {
                Fail($"invalid UTF-8 label value: {ExpositionSyntax.Quote(value)}");
                return -1;
            }

            if (!exemplar)
            {
                AddLabel(name, value);
            }

            at += valueLength;
            if (at < _line.Length && _line[at] == (byte)',')
            {
                at++;
            }
            else if (at >= _line.Length || _line[at] != (byte)'}')
            {
                FailAt("expected comma or brace close", _line[at..]);
                return -1;
            }
        }
    }

    private void AddLabel(ReadOnlySpan<byte> rawName, ReadOnlySpan<byte> rawValue)
    {
        // Unescaping never lengthens; a rewritten le or quantile is at most a double's shortest 'g' form and ".0".
        byte[] scratch = _buffers.EnsureScratch(_scratchLength + rawName.Length + Math.Max(rawValue.Length, 32));
        int[] labels = _buffers.EnsureLabels((LabelCount + 1) * 4);
        int nameStart = _scratchLength;
        int nameLength = ExpositionSyntax.Unescape(rawName, scratch.AsSpan(nameStart));
        int valueStart = nameStart + nameLength;
        int valueLength = ExpositionSyntax.Unescape(rawValue, scratch.AsSpan(valueStart));
        ReadOnlySpan<byte> name = scratch.AsSpan(nameStart, nameLength);
        if ((_parserType == MetricType.Summary && name.SequenceEqual("quantile"u8))
            || (_parserType == MetricType.Histogram && name.SequenceEqual("le"u8)))
        {
            valueLength = NormalizeFloat(scratch.AsSpan(valueStart, valueLength), scratch.AsSpan(valueStart));
        }

        labels[LabelCount * 4] = nameStart;
        labels[(LabelCount * 4) + 1] = nameLength;
        labels[(LabelCount * 4) + 2] = valueStart;
        labels[(LabelCount * 4) + 3] = valueLength;
        LabelCount++;
        _scratchLength = valueStart + valueLength;
    }

    /// <summary>
    /// The Go parser rewrites a summary's quantile and a histogram's le in OpenMetrics' float form (labels.FormatOpenMetricsFloat):
    /// <c>1.0</c>, <c>+Inf</c> (also for <c>inf</c>), <c>1e+06</c>; a value that is no number stays as it is.
    /// </summary>
    private static int NormalizeFloat(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        if (!ExpositionSyntax.TryParseFloat(text, out double number))
        {
            return text.Length;
        }

        ReadOnlySpan<byte> fixedText = number switch
        {
            1 => "1.0"u8,
            0 => "0.0"u8,
            -1 => "-1.0"u8,
            double.PositiveInfinity => "+Inf"u8,
            double.NegativeInfinity => "-Inf"u8,
            _ => double.IsNaN(number) ? "NaN"u8 : default,
        };
        if (!fixedText.IsEmpty)
        {
            fixedText.CopyTo(destination);
            return fixedText.Length;
        }

        Span<byte> formatted = stackalloc byte[GoFloatFormat.MaxLength];
        int length = GoFloatFormat.FormatG(number, formatted);
        formatted[..length].CopyTo(destination);
        if (formatted[..length].IndexOfAny((byte)'e', (byte)'.') >= 0)
        {
            return length;
        }

        ".0"u8.CopyTo(destination[length..]);
        return length + 2;
    }

    private readonly bool IsExemplarStart(int at) => _line[at..].StartsWith(" # {"u8);

    /// <summary>
    /// A blank and the text up to the next blank or the line's end, read as a number. False when there is no such
    /// text; true with <see cref="Error"/> set when the text is no number.
    /// </summary>
    private bool TryReadNumber(ref int at, out double value)
    {
        value = double.NaN;
        if (at + 1 >= _line.Length || _line[at] != (byte)' ' || _line[at + 1] == (byte)' ')
        {
            return false;
        }

        int end = _line[(at + 1)..].IndexOf((byte)' ');
        ReadOnlySpan<byte> text = end < 0 ? _line[(at + 1)..] : _line.Slice(at + 1, end);
        at += 1 + text.Length;
        if (!ExpositionSyntax.TryParseFloat(text, out value))
        {
            value = double.NaN;
            Fail($"strconv.ParseFloat: parsing {ExpositionSyntax.Quote(text)}: invalid syntax while parsing: {ExpositionSyntax.Quote(_line)}");
        }

        return true;
    }

    private bool Fail(string message)
    {
        Error = message;
        return false;
    }

    private bool FailAt(string expected, ReadOnlySpan<byte> got) =>
        Fail($"{expected}, got {ExpositionSyntax.Quote(got.IsEmpty ? "\n"u8 : got)} while parsing: {ExpositionSyntax.Quote(_line)}");
}
