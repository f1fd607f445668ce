namespace ExecdJvb.Jitsi;

/// <summary>
/// The JVB's REST endpoints beside its stats. The JVB's private HTTP server (port 8080) serves them all, so they are
/// siblings of the stats URL: the part of its path before <c>/colibri/stats</c> (or before <c>/metrics</c>, when the
/// URL given is the /metrics one) is kept, which is the root for a JVB read directly and the prefix for one behind a
/// reverse proxy (<c>https://meet.example/jvb1/colibri/stats</c> gives <c>https://meet.example/jvb1/metrics</c>); any
/// other stats path gives the root. Scheme, credentials, host and port stay; the query does not.
/// </summary>
/// <param name="Colibri">The colibri stats URL, or null when the URL given was the /metrics one (that JVB is read there only).</param>
/// <param name="Metrics">/metrics, the Prometheus text (videobridge.rest.prometheus.enabled, on by default).</param>
/// <param name="Health">/about/health (videobridge.rest.health.enabled, on by default).</param>
/// <param name="Version">/about/version (videobridge.rest.version.enabled, on by default).</param>
internal sealed record JvbEndpoints(Uri? Colibri, Uri Metrics, Uri Health, Uri Version)
{
    private const string ColibriSuffix = "/colibri/stats";
    private const string MetricsSuffix = "/metrics";

    public bool MetricsOnly => Colibri is null;

    public static JvbEndpoints From(Uri statsUri)
    {
        string path = statsUri.AbsolutePath;
        bool metricsOnly = path.EndsWith(MetricsSuffix, StringComparison.Ordinal);
        string prefix = metricsOnly ? path[..^MetricsSuffix.Length]
            : path.EndsWith(ColibriSuffix, StringComparison.Ordinal) ? path[..^ColibriSuffix.Length]
            : string.Empty;
        return new JvbEndpoints(
            metricsOnly ? null : statsUri,
            Sibling(statsUri, prefix + MetricsSuffix),
            Sibling(statsUri, prefix + "/about/health"),
            Sibling(statsUri, prefix + "/about/version"));
    }

    private static Uri Sibling(Uri statsUri, string path) =>
        new UriBuilder(statsUri) { Path = path, Query = string.Empty, Fragment = string.Empty }.Uri;
}
