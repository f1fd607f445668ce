namespace ExecdJvb.Mapping.Prometheus;

/// <summary>A key of <c>/colibri/stats</c> that no <c>/metrics</c> sample carries, and why.</summary>
internal sealed record ColibriFieldWithoutMetric(string Field, string Reason);
