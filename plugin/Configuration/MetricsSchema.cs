namespace ExecdJvb.Configuration;

/// <summary>How a /metrics answer is written (key <c>metrics_schema</c>).</summary>
internal enum MetricsSchema
{
    /// <summary>One jitsi_stats point with colibri's field names and values (JitsiStatsShim).</summary>
    JitsiStats,

    /// <summary>What Telegraf's inputs.prometheus writes with metric_version = 1 (PrometheusSchemaMapper).</summary>
    Prometheus,
}
