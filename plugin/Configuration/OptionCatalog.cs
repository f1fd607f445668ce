using ExecdJvb.Discovery.Docker;
using ExecdJvb.Jitsi;
using System.Globalization;

namespace ExecdJvb.Configuration;

/// <summary>Every configuration key, its default and meaning: the single list --help, validation and docs follow.</summary>
internal static class OptionCatalog
{
    public const string EnvironmentPrefix = "EXECD_JVB_";

    public static IReadOnlyList<OptionInfo> All { get; } =
    [
        new("urls", "(none)", "static stats URLs of any component (its path, or for /metrics its port, says which) (comma-separated on the command line and in env); an entry may be a full URL or host[:port]; when set, Docker is not asked"),
        new("endpoint", "DOCKER_HOST, else " + DockerEndpoint.DefaultSocket, "Docker API for discovery: unix:///path or tcp://host:port (e.g. a socket proxy)"),
        new("components", string.Join(",", ComponentProfile.All.Select(profile => profile.Key)), "which Jitsi components discovery reads: jvb, jicofo, prosody, jigasi"),
        new("loopback", "true", "while Docker runs no Jitsi container (or there is no Docker), look for the components on this host's 127.0.0.1 at their ports (JVB 8080, Jicofo 8888, Prosody 5280, Jigasi 8788), each read only once it proves itself there"),
        new("address", "auto", "where a discovered component is read: auto | network | published | host"),
        new("network", "(first network by name)", "Docker network whose container IP is used by address = network (and auto)"),
        new("container_label_include", string.Join(",", ContainerSelection.DefaultLabelInclude), "labels (key=value) that make a running container a Jitsi component (its compose service label or image says which; else a JVB); setting this or container_image_include replaces the built-in rule (label or image default)"),
        new("container_image_include", string.Join(",", ContainerSelection.DefaultImageInclude), "image globs (repository, or repository:tag) that make a running container a Jitsi component; setting this or container_label_include replaces the built-in rule"),
        new("container_name_include", "(all)", "container name globs a component must match"),
        new("container_name_exclude", "(none)", "container name globs a component must not match"),
        new("tls_ca", "(none; DOCKER_CERT_PATH/ca.pem when DOCKER_TLS_VERIFY is set)", "CA certificate (PEM) that signed the tcp:// Docker endpoint's certificate"),
        new("tls_cert", "(none; DOCKER_CERT_PATH/cert.pem when DOCKER_TLS_VERIFY is set)", "client certificate (PEM) for a Docker endpoint started with --tlsverify"),
        new("tls_key", "(none; DOCKER_CERT_PATH/key.pem when DOCKER_TLS_VERIFY is set)", "private key (PEM) of tls_cert"),
        new("insecure_skip_verify", "false", "use TLS to the Docker endpoint but do not check its certificate"),
        new("measurement", "jitsi_stats", "measurement name of the JVB's lines (Jicofo writes jicofo_stats, Jigasi jigasi_stats)"),
        new("port", PluginSettings.DefaultPort.ToString(CultureInfo.InvariantCulture), "JVB REST port used when a URL, host or container gives none (container label execd-jvb.port overrides)"),
        new("stats_path", "/colibri/stats", "path of the JVB's statistics document when a URL gives none (container label execd-jvb.path overrides)"),
        new("source", "auto", "where the stats are read: auto (/colibri/stats, or /metrics for a JVB whose /colibri/stats answers 404) | colibri | metrics"),
        new("metrics_schema", "jitsi_stats", "how /metrics is written: jitsi_stats (colibri's field names and values) | prometheus (as Telegraf's inputs.prometheus, metric_version 1)"),
        new("tag_version", "true", "read each component's /about/version once and write it as the tag version"),
        new("timeout", "5s", "limit for one request to a component, connect to last byte"),
        new("max_body_size", "1MiB", "largest answer accepted; a larger one is an error"),
        new("poll_interval", "0s", "also gather on this timer, for signal = \"none\" (0s = only on stdin newlines)"),
        new("tag_keys", "(none)", "globs of flattened JSON keys written as tags, as in Telegraf's json parser"),
        new("json_string_fields", "(none)", "globs of flattened JSON keys whose strings or booleans are kept as fields"),
        new("report_unreachable", "false", "a component found (a running container, a listed URL) that gives no answer at all writes healthy=0 in its measurement with its usual tags (JVB, Jicofo, Jigasi)"),
        new("self_measurement", "(none)", "write one point per gather about the plugin itself in this measurement (e.g. execd_jvb): targets found and answered, failures by kind, gather time, whether Docker answered"),
        new("debug", "false", "also write D! lines (repeated failures, skipped values)"),
    ];

    public static OptionInfo? Find(string key)
    {
        string normalized = key.Replace('-', '_');
        foreach (OptionInfo option in All)
        {
            if (string.Equals(option.Key, normalized, StringComparison.OrdinalIgnoreCase))
            {
                return option;
            }
        }

        return null;
    }
}
