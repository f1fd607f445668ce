using System.Globalization;
using System.Text;
using System.Text.Unicode;
using ExecdJvb.LineProtocol;
using ExecdJvb.Mapping.Prometheus;

namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>
/// Reads an OpenMetrics text answer line by line with the rules of the Prometheus OpenMetrics parser Telegraf uses
/// (model/textparse/openmetricsparse.go and its lexer): <c># HELP</c>, <c># TYPE</c> and <c># UNIT</c> lines, samples
/// with an optional timestamp and exemplar, and <c># EOF</c> last. Any line those rules refuse (a blank line, another
/// comment, an unknown type word, a unit that is not the name's suffix, data after <c># EOF</c>, no <c># EOF</c>) is an
/// <see cref="OpenMetricsEntry.Error"/> carrying the parser's message, because Telegraf then refuses the whole answer.
/// </summary>
internal ref struct OpenMetricsTextReader
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly OpenMetricsReaderBuffers _buffers;
    private int _position;
    private ReadOnlySpan<byte> _line;
    private int _scratchLength;

    // The type of the last # TYPE line, whatever family it named: the Go parser keeps it so, and rewrites le and
    // quantile label values by it.
    private OpenMetricsMetricType _parserType;

    public OpenMetricsTextReader(ReadOnlySpan<byte> body, OpenMetricsReaderBuffers buffers)
    {
        // Telegraf trims one leading line break and appends one when the answer does not end with it.
        _body = body.Length > 0 && body[0] == (byte)'\n' ? body[1..] : body;
        _buffers = buffers;
    }

    public int LineNumber { get; private set; }

    public int SampleCount { get; private set; }

    /// <summary>The family name of a metadata line, or a sample's name as written.</summary>
    public ReadOnlySpan<byte> Name { get; private set; }

    /// <summary>The text of a <c># HELP</c> or <c># UNIT</c> line (empty for Prosody's <c># UNIT name </c>).</summary>
    public ReadOnlySpan<byte> Text { get; private set; }

    public OpenMetricsMetricType Type { get; private set; }

    public double Value { get; private set; }

    public bool HasTimestamp { get; private set; }

    /// <summary>The sample's timestamp as the Go parser keeps it: <c>int64(seconds * 1000)</c>, on amd64.</summary>
    public long TimestampMilliseconds { get; private set; }

    public int LabelCount { get; private set; }

    /// <summary>Why the answer is refused, in the words of Telegraf's error, when the entry is <see cref="OpenMetricsEntry.Error"/>.</summary>
    public string? Error { get; private set; }

    public readonly ReadOnlySpan<byte> LabelName(int index)
    {
        int[] labels = _buffers.Labels;
        return _buffers.Scratch.AsSpan(labels[index * 4], labels[(index * 4) + 1]);
    }

    public readonly ReadOnlySpan<byte> LabelValue(int index)
    {
        int[] labels = _buffers.Labels;
        return _buffers.Scratch.AsSpan(labels[(index * 4) + 2], labels[(index * 4) + 3]);
    }

    /// <summary>The value of the first label of that name, if the sample has one.</summary>
    public readonly bool TryGetLabel(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        for (int l = 0; l < LabelCount; l++)
        {
            if (LabelName(l).SequenceEqual(name))
            {
                value = LabelValue(l);
                return true;
            }
        }

        value = default;
        return false;
    }

    public OpenMetricsEntry Read()
    {
        Name = default;
        Text = default;
        LabelCount = 0;
        Error = null;
        HasTimestamp = false;
        TimestampMilliseconds = 0;
        _scratchLength = 0;
        if (_position >= _body.Length && !(_body.IsEmpty && LineNumber == 0))
        {
            return Fail("data does not end with # EOF");
        }

        LineNumber++;
        int lineStart = _position;
        int newline = _body[lineStart..].IndexOf((byte)'\n');
        _line = newline < 0 ? _body[lineStart..] : _body.Slice(lineStart, newline);
        _position = newline < 0 ? _body.Length : lineStart + newline + 1;

        if (_line.StartsWith("# "u8))
        {
            return ReadComment(lineStart);
        }

        if (_line.Length > 0 && (IsMetricNameByte(_line[0], first: true) || _line[0] == (byte)'{'))
        {
            return ReadSample();
        }

        return FailAt("expected a valid start token", _line);
    }

    private OpenMetricsEntry ReadComment(int lineStart)
    {
        ReadOnlySpan<byte> rest = _line[2..];
        if (rest.StartsWith("EOF"u8))
        {
            // "EOF" and one optional line break must end the data.
            ReadOnlySpan<byte> after = _body[(lineStart + 5)..];
            return after.IsEmpty || after.SequenceEqual("\n"u8) ? OpenMetricsEntry.End : Fail("unexpected data after # EOF");
        }

        OpenMetricsEntry entry;
        string word;
        if (rest.StartsWith("HELP "u8))
        {
            (entry, word) = (OpenMetricsEntry.Help, "HELP");
        }
        else if (rest.StartsWith("TYPE "u8))
        {
            (entry, word) = (OpenMetricsEntry.Type, "TYPE");
        }
        else if (rest.StartsWith("UNIT "u8))
        {
            (entry, word) = (OpenMetricsEntry.Unit, "UNIT");
        }
        else
        {
            return FailAt("expected a valid start token", _line);
        }

        rest = rest[5..];
        int nameLength = rest.Length > 0 && rest[0] == (byte)'"' ? QuotedLength(rest) : MetricNameLength(rest);
        if (nameLength <= 0)
        {
            return FailAt($"expected metric name after {word}", rest);
        }

        Name = rest[0] == (byte)'"' ? rest[1..(nameLength - 1)] : rest[..nameLength];
        rest = rest[nameLength..];
        if (rest.IsEmpty || rest[0] != (byte)' ')
        {
            return Fail($"expected text in {word}");
        }

        Text = rest[1..];
        switch (entry)
        {
            case OpenMetricsEntry.Type:
                if (!TryParseType(Text, out OpenMetricsMetricType type))
                {
                    return Fail($"invalid metric type {Quote(Text)}");
                }

                Type = type;
                _parserType = type;
                break;
            case OpenMetricsEntry.Help when !Utf8.IsValid(Text):
                return Fail($"help text {Quote(Text)} is not a valid utf8 string");
            case OpenMetricsEntry.Unit when !Text.IsEmpty:
                int unitStart = Name.Length - Text.Length - 1;
                if (unitStart < 0 || !Name.EndsWith(Text) || Name[unitStart] != (byte)'_')
                {
                    return Fail($"unit {Quote(Text)} not a suffix of metric {Quote(Name)}");
                }

                break;
            default:
                break;
        }

        return entry;
    }

    private OpenMetricsEntry ReadSample()
    {
        int at = 0;
        bool named = _line[0] != (byte)'{';
        if (named)
        {
            at = MetricNameLength(_line);
            Name = _line[..at];
        }

        if (at < _line.Length && _line[at] == (byte)'{')
        {
            at = ReadLabels(at + 1, ref named);
            if (at < 0)
            {
                return OpenMetricsEntry.Error;
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
            return OpenMetricsEntry.Error;
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
                return OpenMetricsEntry.Error;
            }

            if (!double.IsFinite(seconds))
            {
                return Fail(string.Create(CultureInfo.InvariantCulture, $"invalid timestamp {seconds:F6}"));
            }

            HasTimestamp = true;
            TimestampMilliseconds = ToInt64(seconds * 1000);
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

    private OpenMetricsEntry Sample()
    {
        if (Name.IsEmpty)
        {
            // Telegraf takes the name from before the brace, and a name inside the braces leaves none.
            Error = "parsing text format failed: empty metric name";
            return OpenMetricsEntry.Error;
        }

        SampleCount++;
        return OpenMetricsEntry.Sample;
    }

    /// <summary>An exemplar is read to its end and thrown away; it must still be well formed.</summary>
    private OpenMetricsEntry ReadExemplar(int at)
    {
        bool named = true;
        at = ReadLabels(at, ref named, exemplar: true);
        if (at < 0)
        {
            return OpenMetricsEntry.Error;
        }

        if (!TryReadNumber(ref at, out _))
        {
            return FailAt("expected value after exemplar labels", _line[at..]);
        }

        if (Error is not null)
        {
            return OpenMetricsEntry.Error;
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
                return OpenMetricsEntry.Error;
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

            int nameLength = _line[at] == (byte)'"' ? QuotedLength(_line[at..]) : LabelNameLength(_line[at..]);
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
            int valueLength = at < _line.Length && _line[at] == (byte)'"' ? QuotedLength(_line[at..]) : 0;
            if (valueLength <= 0)
            {
                FailAt("expected label value", _line[at..]);
                return -1;
            }

            ReadOnlySpan<byte> value = _line.Slice(at + 1, valueLength - 2);
            if (!Utf8.IsValid(value))
            {
                Fail($"invalid UTF-8 label value: {Quote(value)}");
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
        int nameLength = Unescape(rawName, scratch.AsSpan(nameStart));
        int valueStart = nameStart + nameLength;
        int valueLength = Unescape(rawValue, scratch.AsSpan(valueStart));
        ReadOnlySpan<byte> name = scratch.AsSpan(nameStart, nameLength);
        if ((_parserType == OpenMetricsMetricType.Summary && name.SequenceEqual("quantile"u8))
            || (_parserType == OpenMetricsMetricType.Histogram && name.SequenceEqual("le"u8)))
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
        if (!PrometheusSyntax.TryParseFloat(text, out double number))
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

    /// <summary>The Go parser's replacer: <c>\"</c>, <c>\\</c> and <c>\n</c> decoded, any other backslash kept.</summary>
    private static int Unescape(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        int length = 0;
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (b == (byte)'\\' && i + 1 < text.Length && text[i + 1] is (byte)'"' or (byte)'\\' or (byte)'n')
            {
                i++;
                b = text[i] == (byte)'n' ? (byte)'\n' : text[i];
            }

            destination[length++] = b;
        }

        return length;
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
        if (!PrometheusSyntax.TryParseFloat(text, out value))
        {
            value = double.NaN;
            Fail($"strconv.ParseFloat: parsing {Quote(text)}: invalid syntax while parsing: {Quote(_line)}");
        }

        return true;
    }

    /// <summary>Go's conversion of a double to int64 on amd64: truncation, and the minimum for what does not fit.</summary>
    public static long ToInt64(double value) =>
        value is >= -9223372036854775808.0 and < 9223372036854775808.0 ? (long)value : long.MinValue;

    private static bool TryParseType(ReadOnlySpan<byte> word, out OpenMetricsMetricType type)
    {
        type = word switch
        {
            _ when word.SequenceEqual("counter"u8) => OpenMetricsMetricType.Counter,
            _ when word.SequenceEqual("gauge"u8) => OpenMetricsMetricType.Gauge,
            _ when word.SequenceEqual("histogram"u8) => OpenMetricsMetricType.Histogram,
            _ when word.SequenceEqual("gaugehistogram"u8) => OpenMetricsMetricType.GaugeHistogram,
            _ when word.SequenceEqual("summary"u8) => OpenMetricsMetricType.Summary,
            _ when word.SequenceEqual("info"u8) => OpenMetricsMetricType.Info,
            _ when word.SequenceEqual("stateset"u8) => OpenMetricsMetricType.StateSet,
            _ when word.SequenceEqual("unknown"u8) => OpenMetricsMetricType.Unknown,
            _ => (OpenMetricsMetricType)(-1),
        };
        return type >= 0;
    }

    private static bool IsMetricNameByte(byte b, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or (byte)':'
        || (!first && b is >= (byte)'0' and <= (byte)'9');

    private static int MetricNameLength(ReadOnlySpan<byte> text)
    {
        int length = 0;
        while (length < text.Length && IsMetricNameByte(text[length], length == 0))
        {
            length++;
        }

        return length;
    }

    /// <summary>A label name has no colon.</summary>
    private static int LabelNameLength(ReadOnlySpan<byte> text)
    {
        int length = 0;
        while (length < text.Length && text[length] != (byte)':' && IsMetricNameByte(text[length], length == 0))
        {
            length++;
        }

        return length;
    }

    /// <summary>
    /// The length of a quoted string at the start of the text, quotes included, or 0 when it does not close on its
    /// line: a backslash takes the next byte whatever it is. (The Go lexer lets a quoted metric name after
    /// <c># HELP</c>/<c># TYPE</c>/<c># UNIT</c>, and a quoted label name, run over a line break; this reader does not.)
    /// </summary>
    private static int QuotedLength(ReadOnlySpan<byte> text)
    {
        for (int i = 1; i < text.Length; i++)
        {
            if (text[i] == (byte)'\\')
            {
                i++;
            }
            else if (text[i] == (byte)'"')
            {
                return i + 1;
            }
        }

        return 0;
    }

    private OpenMetricsEntry Fail(string message)
    {
        Error = string.Create(CultureInfo.InvariantCulture, $"parsing text format failed: parsing failed: {message} (line {LineNumber})");
        return OpenMetricsEntry.Error;
    }

    private OpenMetricsEntry FailAt(string expected, ReadOnlySpan<byte> got) =>
        Fail($"{expected}, got {Quote(got.IsEmpty ? "\n"u8 : got)} while parsing: {Quote(_line)}");

    /// <summary>A piece of the answer in quotes, cut and escaped so a hostile answer cannot flood or break a log line.</summary>
    private static string Quote(ReadOnlySpan<byte> text)
    {
        var quoted = new StringBuilder("\"");
        PrintableExcerpt.Append(quoted, text);
        return quoted.Append('"').ToString();
    }
}
