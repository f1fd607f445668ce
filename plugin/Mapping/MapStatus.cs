namespace ExecdJvb.Mapping;

public enum MapStatus
{
    Written,
    NotJson,
    NotObject,
    NoNumbers,

    /// <summary>A /metrics answer in which no line reads as the Prometheus text format (an HTML page, JSON).</summary>
    NotPrometheusText,
}
