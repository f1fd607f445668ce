using System.Text;

namespace ExecdJvb.Mapping.Prometheus;

/// <summary>
/// One key of the JVB's <c>/colibri/stats</c> and the <c>/metrics</c> sample it is computed from.
/// <paramref name="Shim"/> is the expression VideobridgeStatisticsShim.kt puts under that key.
/// </summary>
internal sealed record JitsiStatsField(string Metric, string Field, MetricConversion Conversion, string Shim)
{
    public byte[] MetricUtf8 { get; } = Encoding.UTF8.GetBytes(Metric);

    public byte[] FieldUtf8 { get; } = Encoding.UTF8.GetBytes(Field);
}
