using System.Buffers;
using System.Globalization;
using System.Text;

namespace ExecdJvb.Formats;

/// <summary>
/// The type a metric family declares with <c># TYPE</c>. A family without a TYPE line is <see cref="Untyped"/>
/// (OpenMetrics' <c>unknown</c>), and the 0.0.4 text format reads the OpenMetrics types it has no word for
/// (<see cref="GaugeHistogram"/>, <see cref="Info"/>, <see cref="StateSet"/>) as untyped too.
/// </summary>
internal enum MetricType
{
    Untyped,
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet,
}

/// <summary>
/// The lexical rules the Prometheus text format 0.0.4 and OpenMetrics text share, as the Prometheus Go parsers
/// (expfmt.TextParser and textparse's OpenMetrics parser, which Telegraf uses) apply them: names, escapes, numbers,
/// type words; and how a piece of an answer is quoted in a message.
/// </summary>
internal static class ExpositionSyntax
{
    private const int MaxQuotedBytes = 48;

    private static readonly SearchValues<byte> DecimalBytes = SearchValues.Create("0123456789.eE+-"u8);

    public static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>[a-zA-Z_:] first, then [a-zA-Z0-9_:]; a label name has no ':'.</summary>
    public static bool IsNameByte(byte b, bool metric, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_'
        || (metric && b == (byte)':')
        || (!first && b is >= (byte)'0' and <= (byte)'9');

    /// <summary>The length of the metric name (or, without <paramref name="metric"/>, the label name) the text starts with.</summary>
    public static int NameLength(ReadOnlySpan<byte> text, bool metric)
    {
        int length = 0;
        while (length < text.Length && IsNameByte(text[length], metric, first: length == 0))
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
    public static int QuotedLength(ReadOnlySpan<byte> text)
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

    /// <summary>The byte a backslash escape stands for in a label value or HELP text: \\, \" and \n only.</summary>
    public static bool TryUnescape(byte escaped, out byte value)
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

    /// <summary>The OpenMetrics parser's replacer: the escapes of <see cref="TryUnescape"/> decoded, any other backslash kept.</summary>
    public static int Unescape(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        int length = 0;
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (b == (byte)'\\' && i + 1 < text.Length && TryUnescape(text[i + 1], out byte decoded))
            {
                i++;
                b = decoded;
            }

            destination[length++] = b;
        }

        return length;
    }

    /// <summary>
    /// Go's strconv.ParseFloat as the Prometheus parsers call it: decimal notation, Inf/Infinity with an optional
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

    /// <summary>Go's conversion of a double to int64 on amd64: truncation, and the minimum for what does not fit.</summary>
    public static long ToInt64(double value) =>
        value is >= -9223372036854775808.0 and < 9223372036854775808.0 ? (long)value : long.MinValue;

    /// <summary>The word of an OpenMetrics TYPE line, which is lower case.</summary>
    public static bool TryParseOpenMetricsType(ReadOnlySpan<byte> word, out MetricType type)
    {
        type = word switch
        {
            _ when word.SequenceEqual("counter"u8) => MetricType.Counter,
            _ when word.SequenceEqual("gauge"u8) => MetricType.Gauge,
            _ when word.SequenceEqual("histogram"u8) => MetricType.Histogram,
            _ when word.SequenceEqual("gaugehistogram"u8) => MetricType.GaugeHistogram,
            _ when word.SequenceEqual("summary"u8) => MetricType.Summary,
            _ when word.SequenceEqual("info"u8) => MetricType.Info,
            _ when word.SequenceEqual("stateset"u8) => MetricType.StateSet,
            _ when word.SequenceEqual("unknown"u8) => MetricType.Untyped,
            _ => (MetricType)(-1),
        };
        return type >= 0;
    }

    /// <summary>
    /// The word of a 0.0.4 TYPE line, in any case: <c>untyped</c>, and the OpenMetrics words, of which those the
    /// format has no type for (and <c>gauge_histogram</c>) read as <see cref="MetricType.Untyped"/>.
    /// </summary>
    public static bool TryParsePrometheusType(ReadOnlySpan<byte> word, out MetricType type)
    {
        Span<byte> lower = stackalloc byte[16];
        if (word.Length > lower.Length || Ascii.ToLower(word, lower, out int length) != OperationStatus.Done)
        {
            type = MetricType.Untyped;
            return false;
        }

        lower = lower[..length];
        if (lower.SequenceEqual("untyped"u8) || lower.SequenceEqual("gauge_histogram"u8))
        {
            type = MetricType.Untyped;
            return true;
        }

        bool known = TryParseOpenMetricsType(lower, out type);
        type = type is MetricType.Counter or MetricType.Gauge or MetricType.Histogram or MetricType.Summary ? type : MetricType.Untyped;
        return known;
    }

    /// <summary>
    /// A piece of an answer as a log line may carry it: printable ASCII as is, quote and backslash escaped, anything
    /// else as \xNN, cut at a few dozen bytes, so a hostile answer cannot break or flood the line.
    /// </summary>
    public static void AppendExcerpt(StringBuilder message, ReadOnlySpan<byte> text)
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

    /// <summary>The excerpt of <see cref="AppendExcerpt"/> in quotes.</summary>
    public static string Quote(ReadOnlySpan<byte> text)
    {
        var quoted = new StringBuilder("\"");
        AppendExcerpt(quoted, text);
        return quoted.Append('"').ToString();
    }
}
