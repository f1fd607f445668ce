
namespace ExecdJvb.Jitsi;

/// <summary>
/// A component's REST endpoints beside its stats. One HTTP server of the component serves them all, so they are
/// siblings of the stats URL: the part of its path before the component's JSON statistics path (<c>/colibri/stats</c>,
/// <c>/stats</c>, <c>/about/stats</c>) or before <c>/metrics</c> is kept, which is the root for a component read
/// directly and the prefix for one behind a reverse proxy (<c>https://meet.example/jvb1/colibri/stats</c> gives
/// <c>https://meet.example/jvb1/metrics</c>); any other stats path gives the root. Scheme, credentials, host and port
/// stay; the query does not. A component has only the endpoints its profile's allowlist (<see cref="ComponentProfile.Paths"/>) holds.
/// </summary>
/// <param name="Json">The JSON statistics URL, or null when the URL given was the /metrics one or the component has none.</param>
/// <param name="Metrics">/metrics (Prometheus or OpenMetrics text), or null when the component serves none.</param>
/// <param name="Health">/about/health, or null when the component serves none.</param>
/// <param name="Version">/about/version, or null when the component serves none.</param>
/// <param name="Debug">Jicofo's /debug with no query (its short form), or null for every other component.</param>
internal sealed record ComponentEndpoints(Uri? Json, Uri? Metrics, Uri? Health, Uri? Version, Uri? Debug)
{
    private const string MetricsSuffix = ComponentProfile.MetricsPath;

    public bool MetricsOnly => Json is null;

    public static ComponentEndpoints From(ComponentProfile profile, Uri statsUri)
    {
        string path = statsUri.AbsolutePath;
        string? jsonSuffix = profile.JsonStatsPath;
        bool metricsOnly = jsonSuffix is null || path.EndsWith(MetricsSuffix, StringComparison.Ordinal);
        string prefix = path.EndsWith(MetricsSuffix, StringComparison.Ordinal) ? path[..^MetricsSuffix.Length]
            : jsonSuffix is not null && path.EndsWith(jsonSuffix, StringComparison.Ordinal) ? path[..^jsonSuffix.Length]
            : string.Empty;
        return new ComponentEndpoints(
            metricsOnly ? null : statsUri,
            !profile.ServesMetrics ? null : metricsOnly ? statsUri : Sibling(statsUri, prefix + MetricsSuffix),
            Allowed(profile, statsUri, prefix, ComponentProfile.HealthPath),
            Allowed(profile, statsUri, prefix, ComponentProfile.VersionPath),
            Allowed(profile, statsUri, prefix, ComponentProfile.DebugPath));
    }

    private static Uri? Allowed(ComponentProfile profile, Uri statsUri, string prefix, string path) =>
        profile.Serves(path) ? Sibling(statsUri, prefix + path) : null;

    private static Uri Sibling(Uri statsUri, string path) =>
        new UriBuilder(statsUri) { Path = path, Query = string.Empty, Fragment = string.Empty }.Uri;
}
