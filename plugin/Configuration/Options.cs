using System.Globalization;
using System.Text;
using ExecdJvb.Discovery.Docker;
using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;
using Microsoft.Extensions.Configuration;

namespace ExecdJvb.Configuration;

/// <summary>
/// Every configuration key, each declared once: its name (which gives its EXECD_JVB_ variable and --flag), its
/// default value, the parser that checks it, and its help. The settings, --help, the unknown-key check and the
/// discovery-only warning come from here; the README key table and the example config are tested against it.
/// </summary>
internal static class Options
{
    public const string EnvironmentPrefix = "EXECD_JVB_";

    public const string DefaultDockerSocket = "unix:///var/run/docker.sock";

    // Before the declarations: static fields are initialized in the order they are written, and each declaration
    // adds itself here, so --help and the README list the keys in this file's order.
    private static readonly List<Option> Declared = [];

    // The names of each choice, for its parser and its help alike.
    private static readonly (string Name, AddressMode Value)[] AddressNames =
        [("auto", AddressMode.Auto), ("network", AddressMode.Network), ("published", AddressMode.Published), ("host", AddressMode.Host)];

    private static readonly (string Name, StatsSource Value)[] SourceNames =
        [("auto", StatsSource.Auto), ("colibri", StatsSource.Colibri), ("metrics", StatsSource.Metrics)];

    private static readonly (string Name, MetricsSchema Value)[] SchemaNames =
        [("jitsi_stats", Configuration.MetricsSchema.JitsiStats), ("prometheus", Configuration.MetricsSchema.Prometheus)];

    public static readonly ListOption<string> Urls = List(
        "urls", [], UrlEntry, url => url,
        "static stats URLs of any component (its path, or for /metrics its port, says which) (comma-separated on the command line and in env); an entry may be a full URL or host[:port]; when set, Docker is not asked");

    public static readonly Option<Uri?> Endpoint = Value<Uri?>(
        "endpoint", null, DockerUri, uri => uri!.OriginalString,
        "Docker API for discovery: unix:///path or tcp://host:port (e.g. a socket proxy)",
        unset: "DOCKER_HOST, else " + DefaultDockerSocket, discoveryOnly: true);

    public static readonly ListOption<JitsiComponent> Components = List(
        "components", [.. ComponentProfile.All.Select(profile => profile.Component)], Component, component => ComponentProfile.Of(component).Key,
        "which Jitsi components discovery reads: jvb, jicofo, prosody, jigasi",
        discoveryOnly: true);

    public static readonly Option<bool> Loopback = Value(
        "loopback", true, Boolean, FormatBoolean,
        "while Docker runs no Jitsi container (or there is no Docker), look for the components on this host's 127.0.0.1 at their ports (JVB 8080, Jicofo 8888, Prosody 5280, Jigasi 8788), each read only once it proves itself there",
        discoveryOnly: true);

    public static readonly Option<AddressMode> Address = Value(
        "address", AddressMode.Auto, Choice(AddressNames, "auto, network, published or host"), Name(AddressNames),
        "where a discovered component is read: auto | network | published | host",
        discoveryOnly: true);

    public static readonly Option<string?> Network = Value(
        "network", null, (_, text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim(), network => network!,
        "Docker network whose container IP is used by address = network (and auto)",
        unset: "(first network by name)", discoveryOnly: true);

    public static readonly ListOption<KeyValuePair<string, string>> ContainerLabelInclude = List(
        "container_label_include", [.. ContainerSelection.DefaultLabelInclude.Select(label => ContainerSelection.TryParseLabel(label)!.Value)], Label, label => $"{label.Key}={label.Value}",
        "labels (key=value) that make a running container a Jitsi component (its compose service label or image says which; else a JVB); setting this or container_image_include replaces the built-in rule (label or image default)",
        discoveryOnly: true);

    public static readonly ListOption<GlobPattern> ContainerImageInclude = List(
        "container_image_include", [.. ContainerSelection.DefaultImageInclude.Select(glob => new GlobPattern(glob))], Glob, glob => glob.Text,
        "image globs (repository, or repository:tag) that make a running container a Jitsi component; setting this or container_label_include replaces the built-in rule",
        discoveryOnly: true);

    public static readonly ListOption<GlobPattern> ContainerNameInclude = List(
        "container_name_include", [], Glob, glob => glob.Text,
        "container name globs a component must match",
        none: "(all)", discoveryOnly: true);

    public static readonly ListOption<GlobPattern> ContainerNameExclude = List(
        "container_name_exclude", [], Glob, glob => glob.Text,
        "container name globs a component must not match",
        discoveryOnly: true);

    public static readonly Option<string?> TlsCa = Value(
        "tls_ca", null, PemPath, path => path!,
        "CA certificate (PEM) that signed the tcp:// Docker endpoint's certificate",
        unset: "(none; DOCKER_CERT_PATH/ca.pem when DOCKER_TLS_VERIFY is set)", discoveryOnly: true);

    public static readonly Option<string?> TlsCert = Value(
        "tls_cert", null, PemPath, path => path!,
        "client certificate (PEM) for a Docker endpoint started with --tlsverify",
        unset: "(none; DOCKER_CERT_PATH/cert.pem when DOCKER_TLS_VERIFY is set)", discoveryOnly: true);

    public static readonly Option<string?> TlsKey = Value(
        "tls_key", null, PemPath, path => path!,
        "private key (PEM) of tls_cert",
        unset: "(none; DOCKER_CERT_PATH/key.pem when DOCKER_TLS_VERIFY is set)", discoveryOnly: true);

    public static readonly Option<bool> InsecureSkipVerify = Value(
        "insecure_skip_verify", false, Boolean, FormatBoolean,
        "use TLS to the Docker endpoint but do not check its certificate",
        discoveryOnly: true);

    public static readonly Option<string> Measurement = Value(
        "measurement", "jitsi_stats", MeasurementName("jitsi_stats"), name => name,
        "measurement name of the JVB's lines (Jicofo writes jicofo_stats, Jigasi jigasi_stats)");

    public static readonly Option<int> Port = Value(
        "port", ComponentProfile.Jvb.Port, TcpPort, port => port.ToString(CultureInfo.InvariantCulture),
        "JVB REST port used when a URL, host or container gives none (container label execd-jvb.port overrides)");

    public static readonly Option<string> StatsPath = Value(
        "stats_path", ComponentProfile.Jvb.JsonStatsPath!, UrlPath, path => path,
        "path of the JVB's statistics document when a URL gives none (container label execd-jvb.path overrides)");

    public static readonly Option<StatsSource> Source = Value(
        "source", StatsSource.Auto, Choice(SourceNames, "auto (/colibri/stats, or /metrics when it answers 404), colibri or metrics"), Name(SourceNames),
        "where the stats are read: auto (/colibri/stats, or /metrics for a JVB whose /colibri/stats answers 404) | colibri | metrics");

    public static readonly Option<MetricsSchema> MetricsSchema = Value(
        "metrics_schema", Configuration.MetricsSchema.JitsiStats, Choice(SchemaNames, "jitsi_stats (colibri's field names) or prometheus (as Telegraf's inputs.prometheus writes)"), Name(SchemaNames),
        "how /metrics is written: jitsi_stats (colibri's field names and values) | prometheus (as Telegraf's inputs.prometheus, metric_version 1)");

    public static readonly Option<bool> TagVersion = Value(
        "tag_version", true, Boolean, FormatBoolean,
        "read each component's /about/version once and write it as the tag version");

    public static readonly Option<bool> JicofoFleet = Value(
        "jicofo_fleet", true, Boolean, FormatBoolean,
        "also ask each Jicofo its /debug (short form) and write every bridge, Jibri and Jigasi it knows as jicofo_bridge, jicofo_jibri and jicofo_jigasi; the room names it lists are skipped unread");

    public static readonly Option<TimeSpan> Timeout = Value(
        "timeout", TimeSpan.FromSeconds(5), Duration(allowZero: false), GoDuration.Format,
        "limit for one request to a component, connect to last byte");

    public static readonly Option<long> MaxBodySize = Value(
        "max_body_size", 1024L * 1024, Size, ByteSize.Format,
        "largest answer accepted; a larger one is an error");

    public static readonly Option<TimeSpan> PollInterval = Value(
        "poll_interval", TimeSpan.Zero, Duration(allowZero: true), GoDuration.Format,
        "also gather on this timer, for signal = \"none\" (0s = only on stdin newlines)");

    public static readonly ListOption<GlobPattern> TagKeys = List(
        "tag_keys", [], Glob, glob => glob.Text,
        "globs of flattened JSON keys written as tags, as in Telegraf's json parser");

    public static readonly ListOption<GlobPattern> JsonStringFields = List(
        "json_string_fields", [], Glob, glob => glob.Text,
        "globs of flattened JSON keys whose strings or booleans are kept as fields");

    public static readonly Option<bool> ReportUnreachable = Value(
        "report_unreachable", false, Boolean, FormatBoolean,
        "a component found (a running container, a listed URL) that gives no answer at all writes healthy=0 in its measurement with its usual tags (JVB, Jicofo, Jigasi)");

    public static readonly Option<string?> SelfMeasurement = Value<string?>(
        "self_measurement", null, (key, text) => string.IsNullOrWhiteSpace(text) ? null : MeasurementName("execd_jvb")(key, text), name => name!,
        "write one point per gather about the plugin itself in this measurement (e.g. execd_jvb): targets found and answered, failures by kind, gather time, whether Docker answered");

    public static readonly Option<bool> Debug = Value(
        "debug", false, Boolean, FormatBoolean,
        "also write D! lines (repeated failures, skipped values)");

    /// <summary>Every key, in the order --help and the README list them.</summary>
    public static IReadOnlyList<Option> All => Declared;

    /// <summary>The key a name given by the user means: any case, '-' for '_'; null when there is none.</summary>
    public static Option? Find(string key)
    {
        string normalized = key.Replace('-', '_');
        return Declared.Find(option => string.Equals(option.Key, normalized, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A Docker API address as the endpoint key or DOCKER_HOST gives it.</summary>
    public static Uri DockerUri(string key, string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri)
            || !((uri.Scheme == "unix" && uri.AbsolutePath.Length > 1) || (uri.Scheme == "tcp" && !string.IsNullOrEmpty(uri.Host) && !uri.IsDefaultPort)))
        {
            throw new ConfigurationException($"invalid {key} \"{text}\": expected unix:///path/to/docker.sock or tcp://host:port (such as a docker-socket-proxy at tcp://127.0.0.1:2375)");
        }

        return uri;
    }

    private static Option<T> Value<T>(string key, T defaultValue, Func<string, string, T> parse, Func<T, string> format, string help, string? unset = null, bool discoveryOnly = false)
    {
        var option = new Option<T>(key, defaultValue, parse, format, help, unset, discoveryOnly);
        Declared.Add(option);
        return option;
    }

    private static ListOption<T> List<T>(string key, IReadOnlyList<T> defaultValue, Func<string, string, T> parseItem, Func<T, string> formatItem, string help, string none = "(none)", bool discoveryOnly = false)
    {
        var option = new ListOption<T>(key, defaultValue, parseItem, formatItem, help, none, discoveryOnly);
        Declared.Add(option);
        return option;
    }

    private static string UrlEntry(string key, string entry)
    {
        string text = entry.Contains("://", StringComparison.Ordinal) ? entry : $"http://{entry}";
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ConfigurationException($"invalid {key} entry \"{entry}\": expected http://host:port/path (such as http://127.0.0.1:8080/colibri/stats) or host:port");
        }

        return entry;
    }

    private static JitsiComponent Component(string key, string entry) =>
        ComponentProfile.ByKey(entry)?.Component
            ?? throw new ConfigurationException($"invalid {key} entry \"{entry}\": expected {string.Join(", ", ComponentProfile.All.Select(profile => profile.Key))}");

    private static KeyValuePair<string, string> Label(string key, string entry) =>
        ContainerSelection.TryParseLabel(entry)
            ?? throw new ConfigurationException($"invalid {key} \"{entry}\": expected key=value, such as {ContainerSelection.DefaultLabelInclude[0]}");

    private static GlobPattern Glob(string key, string pattern) =>
        pattern.Length > 0 ? new GlobPattern(pattern) : throw new ConfigurationException($"invalid {key}: empty pattern");

    /// <summary>Read by the Docker TLS setup at start, which names the file that cannot be read.</summary>
    private static string? PemPath(string key, string path) => path;

    private static Func<string, string, string> MeasurementName(string example) => (key, value) =>
    {
        // The writer's rule, the one place that knows which names line protocol carries unchanged.
        byte[] name = Encoding.UTF8.GetBytes(value);
        if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl) || LineProtocolWriter.TrimName(name).Length != name.Length || !LineProtocolWriter.IsMeasurementName(name))
        {
            throw new ConfigurationException($"invalid {key} \"{value}\": expected a name such as {example} (no control characters, not starting with # or ending in a backslash)");
        }

        return value;
    };

    private static int TcpPort(string key, string value)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new ConfigurationException($"invalid {key} \"{value}\": expected a TCP port number from 1 to 65535, such as {ComponentProfile.Jvb.Port.ToString(CultureInfo.InvariantCulture)}");
        }

        return port;
    }

    private static string UrlPath(string key, string value)
    {
        if (!value.StartsWith('/') || value.Any(c => char.IsControl(c) || c == ' ') || !Uri.TryCreate("http://localhost" + value, UriKind.Absolute, out _))
        {
            throw new ConfigurationException($"invalid {key} \"{value}\": expected a URL path starting with /, such as {ComponentProfile.Jvb.JsonStatsPath}");
        }

        return value;
    }

    private static Func<string, string, TimeSpan> Duration(bool allowZero) => (key, value) =>
    {
        if (!GoDuration.TryParse(value, out TimeSpan duration) || (!allowZero && duration <= TimeSpan.Zero))
        {
            throw new ConfigurationException($"invalid {key} \"{value}\": expected a duration such as \"5s\", \"500ms\" or \"1m30s\"{(allowZero ? " (0s turns it off)" : " greater than zero")}");
        }

        if (duration > TimeSpan.Zero && duration < TimeSpan.FromMilliseconds(100))
        {
            throw new ConfigurationException($"invalid {key} \"{value}\": expected at least 100ms");
        }

        return duration;
    };

    private static long Size(string key, string value)
    {
        if (!ByteSize.TryParse(value, out long bytes) || bytes < 1024 || bytes > 256L * 1024 * 1024)
        {
            throw new ConfigurationException($"invalid {key} \"{value}\": expected a size from 1KiB to 256MiB, such as \"1MiB\" or \"512KiB\"");
        }

        return bytes;
    }

    private static bool Boolean(string key, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new ConfigurationException($"invalid {key} \"{value}\": expected true or false"),
    };

    private static string FormatBoolean(bool value) => value ? "true" : "false";

    /// <summary>One of a few names, any case; the message says what each means where a bare name would not.</summary>
    private static Func<string, string, T> Choice<T>((string Name, T Value)[] names, string expected) => (key, value) =>
    {
        string name = value.Trim().ToLowerInvariant();
        foreach ((string Name, T Value) choice in names)
        {
            if (choice.Name == name)
            {
                return choice.Value;
            }
        }

        throw new ConfigurationException($"invalid {key} \"{value}\": expected {expected}");
    };

    private static Func<T, string> Name<T>((string Name, T Value)[] names) =>
        value => Array.Find(names, choice => EqualityComparer<T>.Default.Equals(choice.Value, value)).Name;
}

/// <summary>One configuration key as --help and the README describe it; <see cref="Option{T}"/> and <see cref="ListOption{T}"/> read it.</summary>
internal abstract class Option(string key, string help, bool discoveryOnly)
{
    public string Key { get; } = key;

    public string EnvironmentVariable => Options.EnvironmentPrefix + Key.ToUpperInvariant();

    public string Help { get; } = help;

    /// <summary>Whether the key only steers discovery, so that it is ignored while urls is set.</summary>
    public bool DiscoveryOnly { get; } = discoveryOnly;

    /// <summary>The default as a user would write it, or in parentheses what applies when the key is unset.</summary>
    public abstract string DefaultText { get; }

    /// <summary>The default as a value the user could write, or null where the key has none.</summary>
    public abstract string? DefaultValueText { get; }
}

/// <summary>A key that holds one value.</summary>
internal sealed class Option<T>(string key, T defaultValue, Func<string, string, T> parse, Func<T, string> format, string help, string? unset, bool discoveryOnly)
    : Option(key, help, discoveryOnly)
{
    public T Default { get; } = defaultValue;

    public override string DefaultText => DefaultValueText ?? unset ?? "(none)";

    public override string? DefaultValueText => Default is null ? null : format(Default);

    /// <summary>The value a text gives; a <see cref="ConfigurationException"/> names the key and the form expected.</summary>
    public T Parse(string text) => parse(Key, text);

    /// <summary>The value of the source that sets the key last (file, environment, command line), else the default.</summary>
    public T Read(IConfiguration configuration) => configuration[Key] is { } text ? Parse(text) : Default;
}

/// <summary>A key that holds a list: a JSON array in the file, comma-separated text elsewhere.</summary>
internal sealed class ListOption<T>(string key, IReadOnlyList<T> defaultValue, Func<string, string, T> parseItem, Func<T, string> formatItem, string help, string none, bool discoveryOnly)
    : Option(key, help, discoveryOnly)
{
    public IReadOnlyList<T> Default { get; } = defaultValue;

    public override string DefaultText => DefaultValueText ?? none;

    public override string? DefaultValueText => Default.Count == 0 ? null : string.Join(",", Default.Select(formatItem));

    /// <summary>The list given, or the default when no source gives an entry.</summary>
    public IReadOnlyList<T> Read(IConfigurationRoot root) => ReadGiven(root) is { Count: > 0 } given ? given : Default;

    /// <summary>The entries the last source that sets the key gives; empty when none does.</summary>
    public IReadOnlyList<T> ReadGiven(IConfigurationRoot root) => [.. Entries(root).Select(entry => parseItem(Key, entry))];

    /// <summary>Whether a list is the default, entry for entry.</summary>
    public bool IsDefault(IReadOnlyList<T> items) => items.Select(formatItem).SequenceEqual(Default.Select(formatItem), StringComparer.Ordinal);

    /// <summary>
    /// The source that comes last in precedence decides, whichever form it uses: a comma-separated string, or
    /// the indexed children a JSON array becomes.
    /// </summary>
    private IReadOnlyList<string> Entries(IConfigurationRoot root)
    {
        foreach (IConfigurationProvider provider in root.Providers.Reverse())
        {
            if (provider.TryGet(Key, out string? text) && text is not null)
            {
                return [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            }

            List<string> children = [.. provider.GetChildKeys([], Key).Distinct(StringComparer.OrdinalIgnoreCase)];
            if (children.Count == 0)
            {
                continue;
            }

            var items = new List<(int Index, string Value)>();
            foreach (string child in children)
            {
                if (!int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    throw new ConfigurationException($"invalid {Key}: expected a list of strings, such as [\"a\", \"b\"]");
                }

                provider.TryGet($"{Key}:{child}", out string? value);
                if (string.IsNullOrWhiteSpace(value))
                {
                    throw new ConfigurationException($"invalid {Key}: entry {index} is empty or not a string");
                }

                items.Add((index, value.Trim()));
            }

            return [.. items.OrderBy(item => item.Index).Select(item => item.Value)];
        }

        return [];
    }
}

/// <summary>A configuration value that cannot be used; the message names the key and the form expected.</summary>
internal sealed class ConfigurationException(string message) : Exception(message)
{
}

/// <summary>How the address of a discovered JVB is chosen (key <c>address</c>).</summary>
internal enum AddressMode
{
    /// <summary>Host network → 127.0.0.1; else a published binding of the port; else the network IP.</summary>
    Auto,

    /// <summary>The container's IP on the network named by "network" (or the first network by name).</summary>
    Network,

    /// <summary>The host side of the port's published binding (0.0.0.0 and :: read as 127.0.0.1).</summary>
    Published,

    /// <summary>127.0.0.1, for containers in host network mode.</summary>
    Host,
}

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

/// <summary>How a /metrics answer is written (key <c>metrics_schema</c>).</summary>
internal enum MetricsSchema
{
    /// <summary>One jitsi_stats point with colibri's field names and values (JitsiStatsShim).</summary>
    JitsiStats,

    /// <summary>What Telegraf's inputs.prometheus writes with metric_version = 1 (PrometheusSchemaMapper).</summary>
    Prometheus,
}
