using ExecdJvb.LineProtocol;

namespace ExecdJvb.Mapping;

/// <summary>
/// How Telegraf's Prometheus and OpenMetrics parsers (Go) turn a histogram's or summary's numbers into fields: counts
/// kept as uint64, and bucket bounds and quantiles named by Go's float formatting. Both schema mappers follow them.
/// </summary>
internal static class GoNumberRules
{
    /// <summary>2^64: counts are stored as uint64, and only values below this convert exactly.</summary>
    private const double Uint64Limit = 18446744073709551616.0;

    /// <summary>
    /// Telegraf keeps counts as uint64(value): whole numbers, truncated. Outside [0, 2^64) that conversion gives a
    /// different number on each CPU (amd64 wraps, arm64 saturates), so such a count is not written (NaN).
    /// </summary>
    public static double AsCount(double value)
    {
        if (!(value > -1 && value < Uint64Limit))
        {
            return double.NaN;
        }

        double whole = Math.Truncate(value);
        return whole == 0 ? 0 : whole;
    }

    /// <summary>The field name of a bucket or quantile: Go's strconv.FormatFloat(bound, 'g', -1, 64).</summary>
    public static int FormatBound(double bound, Span<byte> destination)
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
}
