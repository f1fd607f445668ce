namespace ExecdJvb.Mapping.Prometheus;

/// <summary>
/// The type a Prometheus metric family declares with <c># TYPE</c>. A family without a TYPE line is
/// <see cref="Untyped"/>, and so are the OpenMetrics types the 0.0.4 text format has no word for
/// (<c>unknown</c>, <c>info</c>, <c>stateset</c>, <c>gaugehistogram</c>).
/// </summary>
internal enum PrometheusMetricType
{
    Untyped,
    Counter,
    Gauge,
    Histogram,
    Summary,
}
