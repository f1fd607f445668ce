using System.Buffers;
using System.Globalization;
using System.Text;

namespace ExecdJvb.Mapping.Prometheus;

/// <summary>The lexical rules of the Prometheus text format 0.0.4, as the Prometheus Go parser (expfmt.TextParser) applies them.</summary>
internal static class PrometheusSyntax
{
    private static readonly SearchValues<byte> DecimalBytes = SearchValues.Create("0123456789.eE+-"u8);

    public static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>[a-zA-Z_:] first, then [a-zA-Z0-9_:]; a label name has no ':'.</summary>
    public static bool IsNameByte(byte b, bool metric, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_'
        || (metric && b == (byte)':')
        || (!first && b is >= (byte)'0' and <= (byte)'9');

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

    /// <summary>
    /// The word of a TYPE line, in any case. The OpenMetrics types the 0.0.4 format has no word for (<c>unknown</c>,
    /// <c>info</c>, <c>stateset</c>, <c>gaugehistogram</c>) read as untyped.
    /// </summary>
    public static bool TryParseType(ReadOnlySpan<byte> word, out PrometheusMetricType type)
    {
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
            type = PrometheusMetricType.Untyped;
            return false;
        }

        return true;
    }
}
