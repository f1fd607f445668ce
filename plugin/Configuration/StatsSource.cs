namespace ExecdJvb.Configuration;

/// <summary>Which JVB endpoint the stats are read from (key <c>source</c>).</summary>
internal enum StatsSource
{
    /// <summary>/colibri/stats, and /metrics for a JVB whose /colibri/stats answers 404 (its REST API is off).</summary>
    Auto,

    /// <summary>/colibri/stats only.</summary>
    Colibri,

    /// <summary>/metrics only.</summary>
    Metrics,
}
