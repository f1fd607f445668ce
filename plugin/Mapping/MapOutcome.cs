namespace ExecdJvb.Mapping;

/// <summary>What became of one JVB answer: a line, or the reason there is none.</summary>
internal readonly record struct MapOutcome(MapStatus Status, string? Detail = null, int SkippedValues = 0)
{
    public bool Written => Status == MapStatus.Written;
}

public enum MapStatus
{
    Written,
    NotJson,
    NotObject,
    NoNumbers,

    /// <summary>A /metrics answer in which no line reads as the Prometheus text format (an HTML page, JSON).</summary>
    NotPrometheusText,

    /// <summary>
    /// An OpenMetrics answer Telegraf's parser refuses whole (no <c># EOF</c>, a blank line, an unknown type word),
    /// for which Telegraf writes no point at all; the detail is Telegraf's error.
    /// </summary>
    NotOpenMetricsText,
}
