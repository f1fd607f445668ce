using System.Text;
using ExecdJvb.LineProtocol;
using ExecdJvb.Mapping.Prometheus;

namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>The lexical rules of OpenMetrics text as the Prometheus Go parser applies them, and how its messages quote the text.</summary>
internal static class OpenMetricsSyntax
{
    /// <summary>
    /// The Go parser rewrites a summary's quantile and a histogram's le in OpenMetrics' float form (labels.FormatOpenMetricsFloat):
    /// <c>1.0</c>, <c>+Inf</c> (also for <c>inf</c>), <c>1e+06</c>; a value that is no number stays as it is.
    /// </summary>
    public static int NormalizeFloat(ReadOnlySpan<byte> text, Span<byte> destination)
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
    public static int Unescape(ReadOnlySpan<byte> text, Span<byte> destination)
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

    /// <summary>Go's conversion of a double to int64 on amd64: truncation, and the minimum for what does not fit.</summary>
    public static long ToInt64(double value) =>
        value is >= -9223372036854775808.0 and < 9223372036854775808.0 ? (long)value : long.MinValue;

    public static bool TryParseType(ReadOnlySpan<byte> word, out OpenMetricsMetricType type)
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

    public static bool IsMetricNameByte(byte b, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or (byte)':'
        || (!first && b is >= (byte)'0' and <= (byte)'9');

    public static int MetricNameLength(ReadOnlySpan<byte> text)
    {
        int length = 0;
        while (length < text.Length && IsMetricNameByte(text[length], length == 0))
        {
            length++;
        }

        return length;
    }

    /// <summary>A label name has no colon.</summary>
    public static int LabelNameLength(ReadOnlySpan<byte> text)
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

    /// <summary>A piece of the answer in quotes, cut and escaped so a hostile answer cannot flood or break a log line.</summary>
    public static string Quote(ReadOnlySpan<byte> text)
    {
        var quoted = new StringBuilder("\"");
        PrintableExcerpt.Append(quoted, text);
        return quoted.Append('"').ToString();
    }
}
