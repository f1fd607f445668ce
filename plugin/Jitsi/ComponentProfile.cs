using ExecdJvb.Formats;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Jitsi;

/// <summary>
/// What the plugin knows of one Jitsi component: how docker-jitsi-meet names it, where its HTTP API listens and what it
/// serves.
/// </summary>
/// <param name="Component">The component.</param>
/// <param name="Name">How log lines name it: JVB, Jicofo, Jigasi.</param>
/// <param name="Key">Its name in the components option, its docker-jitsi-meet compose service and image (jitsi/&lt;key&gt;).</param>
/// <param name="Port">The port its HTTP API listens on.</param>
/// <param name="JsonStatsPath">The path of its JSON statistics, or null when it serves /metrics only.</param>
/// <param name="Paths">
/// The allowlist: the only paths the plugin may ask it, each exact and read-only, beside the stats URL a user gives. Some
/// Jitsi REST routes change state on GET or name rooms, and the JVB's /debug is unsafe in production, so nothing else is
/// ever asked. <see cref="ComponentEndpoints"/> builds every URL from this list.
/// </param>
/// <param name="Measurement">
/// The measurement of its JSON statistics and healthy field; the JVB's is the measurement option. Prosody has neither:
/// its /metrics names a measurement per family.
/// </param>
/// <param name="VersionName">The name its /about/version answer gives (jicoco's Version: the application name), or null.</param>
/// <param name="MetricsPrefix">The prefix of the metric families it registers itself, or null when it serves no /metrics.</param>
internal sealed record ComponentProfile(
    JitsiComponent Component,
    string Name,
    string Key,
    int Port,
    string? JsonStatsPath,
    IReadOnlyList<string> Paths,
    string Measurement,
    string? VersionName,
    string? MetricsPrefix)
{
    public const string MetricsPath = "/metrics";

    public const string HealthPath = "/about/health";

    public const string VersionPath = "/about/version";

    /// <summary>Jicofo's debug state, short form: asked with no query, as the full form names every participant.</summary>
    public const string DebugPath = "/debug";

    /// <summary>The tag Telegraf's agent adds to every point that has none, naming the server (its hostname).</summary>
    public const string HostTag = "host";

    /// <summary>
    /// Its own names for labels of its /metrics that would take a tag of <see cref="TagsNotForLabels"/>; any other such
    /// label is written as its key, an underscore and the label's name.
    /// </summary>
    public IReadOnlyDictionary<string, string> LabelTagNames { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The tag names no label of its /metrics is written under: <c>host</c>, which Telegraf's agent adds only to a point
    /// that has no <c>host</c> tag, so a label of that name would hide which server wrote the point and mix the series
    /// of two servers; and the tags the plugin sets on its points (<c>container_name</c> or <c>url</c>, and
    /// <c>version</c> where it serves /about/version), which would hide the label or be hidden by it.
    /// </summary>
    public IReadOnlyList<string> TagsNotForLabels =>
        Serves(VersionPath)
            ? [HostTag, TargetTag.ContainerNameKey, TargetTag.UrlKey, ComponentInstance.VersionTag]
            : [HostTag, TargetTag.ContainerNameKey, TargetTag.UrlKey];

    /// <summary>Each label of <see cref="TagsNotForLabels"/> with the tag name it is written under (built on each call).</summary>
    public LabelRenames LabelRenames => new(
        [.. TagsNotForLabels.Select(tag => (tag, LabelTagNames.TryGetValue(tag, out string? name) ? name : $"{Key}_{tag}"))]);

    public static ComponentProfile Jvb { get; } = new(
        JitsiComponent.Jvb, "JVB", "jvb", 8080, "/colibri/stats", ["/colibri/stats", MetricsPath, HealthPath, VersionPath],
        "jitsi_stats", "JVB", "jitsi_jvb_");

    public static ComponentProfile Jicofo { get; } = new(
        JitsiComponent.Jicofo, "Jicofo", "jicofo", 8888, "/stats", ["/stats", HealthPath, VersionPath, DebugPath, MetricsPath],
        "jicofo_stats", "JiCoFo", "jitsi_jicofo_");

    /// <summary>
    /// Its /metrics is mod_http_openmetrics' (Prosody 0.12 and later); it serves no JSON statistics and no /about. Its
    /// per-domain series carry the label <c>host</c>, the XMPP domain (VirtualHost or component), written as
    /// <c>xmpp_host</c>.
    /// </summary>
    public static ComponentProfile Prosody { get; } = new(
        JitsiComponent.Prosody, "Prosody", "prosody", 5280, null, [MetricsPath],
        "prosody", null, "prosody_")
    {
        LabelTagNames = new Dictionary<string, string>(StringComparer.Ordinal) { [HostTag] = "xmpp_host" },
    };

    public static ComponentProfile Jigasi { get; } = new(
        JitsiComponent.Jigasi, "Jigasi", "jigasi", 8788, "/about/stats", ["/about/stats", HealthPath, VersionPath],
        "jigasi_stats", "Jigasi", null);

    /// <summary>Whether it serves Prometheus or OpenMetrics text at /metrics.</summary>
    public bool ServesMetrics => Serves(MetricsPath);

    /// <summary>Whether the plugin may ask this path of it.</summary>
    public bool Serves(string path) => Paths.Contains(path, StringComparer.Ordinal);

    /// <summary>Where it listens on a host it is installed on (a Debian package install): its port on the loopback.</summary>
    public Uri LoopbackUri => new($"http://127.0.0.1:{Port}{JsonStatsPath ?? MetricsPath}");

    /// <summary>Every component, in the order they are listed and read.</summary>
    public static IReadOnlyList<ComponentProfile> All { get; } = [Jvb, Jicofo, Prosody, Jigasi];

    public static ComponentProfile Of(JitsiComponent component) => component switch
    {
        JitsiComponent.Jicofo => Jicofo,
        JitsiComponent.Prosody => Prosody,
        JitsiComponent.Jigasi => Jigasi,
        _ => Jvb,
    };

    /// <summary>
    /// The component a listed URL reads: its path names it (<c>/colibri/stats</c> the JVB, <c>/about/stats</c> Jigasi,
    /// <c>/stats</c> Jicofo); a <c>/metrics</c> URL is Jicofo's on port 8888, Prosody's on 5280 and the JVB's on any other
    /// port; any other path is a JVB's (the stats_path option).
    /// </summary>
    public static ComponentProfile ForUrl(Uri url)
    {
        string path = url.AbsolutePath;
        foreach (ComponentProfile profile in (ComponentProfile[])[Jvb, Jigasi, Jicofo])
        {
            if (path.EndsWith(profile.JsonStatsPath!, StringComparison.Ordinal))
            {
                return profile;
            }
        }

        return path.EndsWith(MetricsPath, StringComparison.Ordinal) || path == "/"
            ? All.FirstOrDefault(profile => profile.Port == url.Port && profile.ServesMetrics) ?? Jvb
            : Jvb;
    }

    /// <summary>The component a key of the components option names, or null.</summary>
    public static ComponentProfile? ByKey(string key) =>
        All.FirstOrDefault(profile => string.Equals(profile.Key, key.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>The Jitsi components the plugin reads, each with its own API and measurement.</summary>
internal enum JitsiComponent
{
    /// <summary>The Jitsi Videobridge: /colibri/stats or /metrics on port 8080, written as jitsi_stats.</summary>
    Jvb,

    /// <summary>Jicofo, the conference focus: /stats or /metrics on port 8888, written as jicofo_stats.</summary>
    Jicofo,

    /// <summary>Prosody, the XMPP server: OpenMetrics text at /metrics on port 5280, written as Telegraf's inputs.prometheus writes it.</summary>
    Prosody,

    /// <summary>Jigasi, the SIP gateway: /about/stats on port 8788, written as jigasi_stats.</summary>
    Jigasi,
}
