namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>The words of an OpenMetrics <c># TYPE</c> line; a family without one is <see cref="Unknown"/>.</summary>
internal enum OpenMetricsMetricType
{
    Unknown,
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet,
}
