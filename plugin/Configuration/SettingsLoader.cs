using ExecdJvb.Discovery.Docker;
using ExecdJvb.Jitsi;
using System.Collections;
using System.Globalization;
using System.Text.Json;
using ExecdJvb.LineProtocol;
using Microsoft.Extensions.Configuration;

namespace ExecdJvb.Configuration;

/// <summary>
/// Reads the configuration (JSON file, then EXECD_JVB_* environment, then command line; later wins) and
/// validates all of it at start, without touching the network.
/// </summary>
internal static class SettingsLoader
{
    private static readonly string[] DiscoveryKeys =
        ["endpoint", "components", "loopback", "address", "network", "container_label_include", "container_image_include", "container_name_include", "container_name_exclude", "tls_ca", "tls_cert", "tls_key", "insecure_skip_verify"];

    public static PluginSettings Load(CommandLine commandLine, IDictionary environment)
    {
        var builder = new ConfigurationBuilder();
        if (commandLine.ConfigPath is { } path)
        {
            AddJsonFile(builder, path);
        }

        builder.AddInMemoryCollection(EnvironmentValues(environment));
        builder.AddCommandLine([.. commandLine.ConfigurationArguments]);
        IConfigurationRoot root = builder.Build();

        foreach (IConfigurationSection section in root.GetChildren())
        {
            if (OptionCatalog.Find(section.Key) is null)
            {
                throw new ConfigurationException($"unknown key \"{section.Key}\" in {commandLine.ConfigPath ?? "the configuration"} (see --help for the list)");
            }
        }

        var options = new PluginOptions();
        root.Bind(options);
        var defaults = new PluginSettings();
        var settings = new PluginSettings
        {
            Measurement = Measurement(options.Measurement ?? defaults.Measurement),
            Port = Port(options.Port),
            StatsPath = StatsPath(options.StatsPath ?? defaults.StatsPath),
            Timeout = Duration("timeout", options.Timeout, defaults.Timeout, allowZero: false),
            MaxBodySize = Size(options.MaxBodySize, defaults.MaxBodySize),
            PollInterval = Duration("poll_interval", options.PollInterval, defaults.PollInterval, allowZero: true),
            TagKeys = Globs("tag_keys", ReadList(root, "tag_keys")),
            JsonStringFields = Globs("json_string_fields", ReadList(root, "json_string_fields")),
            Debug = Boolean("debug", options.Debug),
            Loopback = Boolean("loopback", options.Loopback, fallback: defaults.Loopback),
            ReportUnreachable = Boolean("report_unreachable", options.ReportUnreachable),
            SelfMeasurement = string.IsNullOrWhiteSpace(options.SelfMeasurement) ? null : Measurement(options.SelfMeasurement, "self_measurement"),
            Source = Source(options.Source),
            MetricsSchema = Schema(options.MetricsSchema),
            TagVersion = Boolean("tag_version", options.TagVersion, fallback: defaults.TagVersion),
            DockerEndpoint = DockerEndpoint.Resolve(options.Endpoint, EnvironmentValue(environment, "DOCKER_HOST")),
            DockerTls = Tls(options, environment),
            Address = Address(options.Address),
            Network = string.IsNullOrWhiteSpace(options.Network) ? null : options.Network.Trim(),
            Selection = Selection(root).WithComponents(Components(ReadList(root, "components"))),
        };
        settings = settings with { Urls = [.. ReadList(root, "urls").Select(url => Url(url, settings))] };
        if (settings.DockerTls is not null && settings.DockerEndpoint.Scheme != "tcp" && settings.Urls.Count == 0)
        {
            throw new ConfigurationException($"invalid endpoint \"{settings.DockerEndpoint}\": TLS (tls_ca, tls_cert, tls_key, insecure_skip_verify or DOCKER_TLS_VERIFY) needs a tcp://host:port endpoint");
        }

        string[] ignored = [.. DiscoveryKeys.Where(key => root.GetSection(key).Exists())];
        return settings.Urls.Count > 0 && ignored.Length > 0
            ? settings with { Warnings = [$"urls is set, so discovery is off and {string.Join(", ", ignored)} {(ignored.Length == 1 ? "is" : "are")} ignored"] }
            : settings;
    }

    private static void AddJsonFile(ConfigurationBuilder builder, string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ConfigurationException($"config file {full} does not exist (--config)");
        }

        try
        {
            // Parsed once here so a syntax error is reported with its position, not as a provider exception.
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(full), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException($"config file {full} must hold a JSON object, such as {{\"urls\": [\"http://127.0.0.1:8080/colibri/stats\"]}}");
            }
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException($"config file {full} is not valid JSON: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new ConfigurationException($"config file {full} cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ConfigurationException($"config file {full} cannot be read: {ex.Message}");
        }

        builder.AddJsonFile(full, optional: false, reloadOnChange: false);
    }

    private static Dictionary<string, string?> EnvironmentValues(IDictionary environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name || !name.StartsWith(OptionCatalog.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string key = name[OptionCatalog.EnvironmentPrefix.Length..];
            OptionInfo option = OptionCatalog.Find(key)
                ?? throw new ConfigurationException($"unknown environment variable {name} (see --help for the list)");
            values[option.Key] = entry.Value as string;
        }

        return values;
    }

    /// <summary>
    /// A list key is an array in the JSON file and a comma-separated string elsewhere; the source that
    /// comes last in precedence decides, whichever form it uses.
    /// </summary>
    internal static IReadOnlyList<string> ReadList(IConfigurationRoot root, string key)
    {
        foreach (IConfigurationProvider provider in root.Providers.Reverse())
        {
            if (provider.TryGet(key, out string? text) && text is not null)
            {
                return [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            }

            List<string> children = [.. provider.GetChildKeys([], key).Distinct(StringComparer.OrdinalIgnoreCase)];
            if (children.Count == 0)
            {
                continue;
            }

            var items = new List<(int Index, string Value)>();
            foreach (string child in children)
            {
                if (!int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    throw new ConfigurationException($"invalid {key}: expected a list of strings, such as [\"a\", \"b\"]");
                }

                provider.TryGet($"{key}:{child}", out string? value);
                if (string.IsNullOrWhiteSpace(value))
                {
                    throw new ConfigurationException($"invalid {key}: entry {index} is empty or not a string");
                }

                items.Add((index, value.Trim()));
            }

            return [.. items.OrderBy(item => item.Index).Select(item => item.Value)];
        }

        return [];
    }

    /// <summary>The components option: every one when unset.</summary>
    private static JitsiComponent[] Components(IReadOnlyList<string> keys) => keys.Count == 0
        ? [.. ComponentProfile.All.Select(profile => profile.Component)]
        : [.. keys.Select(key => ComponentProfile.ByKey(key)?.Component
            ?? throw new ConfigurationException($"invalid components entry \"{key}\": expected {string.Join(", ", ComponentProfile.All.Select(profile => profile.Key))}")).Distinct()];

    /// <summary>
    /// The built-in rule (label or image) holds while neither container_label_include nor
    /// container_image_include is set; setting either replaces the whole rule with what is listed.
    /// </summary>
    private static ContainerSelection Selection(IConfigurationRoot root)
    {
        IReadOnlyList<string> labels = ReadList(root, "container_label_include");
        IReadOnlyList<string> images = ReadList(root, "container_image_include");
        GlobPattern[] nameInclude = Globs("container_name_include", ReadList(root, "container_name_include"));
        GlobPattern[] nameExclude = Globs("container_name_exclude", ReadList(root, "container_name_exclude"));
        bool asBuiltIn = labels.SequenceEqual(ContainerSelection.DefaultLabelInclude) && images.SequenceEqual(ContainerSelection.DefaultImageInclude);
        if ((labels.Count == 0 && images.Count == 0) || asBuiltIn)
        {
            return nameInclude.Length == 0 && nameExclude.Length == 0
                ? ContainerSelection.BuiltIn
                : ContainerSelection.BuiltIn.WithNames(nameInclude, nameExclude);
        }

        return new ContainerSelection(
            Labels(labels),
            Globs("container_image_include", images),
            nameInclude,
            nameExclude);
    }

    /// <summary>
    /// TLS to Docker from tls_ca/tls_cert/tls_key/insecure_skip_verify, or else, as the docker CLI does,
    /// from DOCKER_TLS_VERIFY with ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH (default ~/.docker).
    /// </summary>
    private static DockerTls? Tls(PluginOptions options, IDictionary environment)
    {
        bool skipVerify = Boolean("insecure_skip_verify", options.InsecureSkipVerify);
        string? ca = options.TlsCa;
        string? cert = options.TlsCert;
        string? key = options.TlsKey;
        string origin = string.Empty;
        if (ca is null && cert is null && key is null && !skipVerify
            && EnvironmentValue(environment, "DOCKER_TLS_VERIFY") is { Length: > 0 })
        {
            string folder = EnvironmentValue(environment, "DOCKER_CERT_PATH") is { Length: > 0 } path
                ? path
                : Path.Combine(EnvironmentValue(environment, "HOME") ?? "/root", ".docker");
            ca = Path.Combine(folder, "ca.pem");
            cert = Path.Combine(folder, "cert.pem");
            key = Path.Combine(folder, "key.pem");
            origin = " (from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH)";
        }

        if (ca is null && cert is null && key is null && !skipVerify)
        {
            return null;
        }

        return DockerTls.Load(ca, cert, key, skipVerify, origin);
    }

    private static string? EnvironmentValue(IDictionary environment, string name) =>
        environment.Contains(name) ? environment[name] as string : null;

    private static AddressMode Address(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "auto" => AddressMode.Auto,
        "network" => AddressMode.Network,
        "published" => AddressMode.Published,
        "host" => AddressMode.Host,
        _ => throw new ConfigurationException($"invalid address \"{value}\": expected auto, network, published or host"),
    };

    private static KeyValuePair<string, string>[] Labels(IReadOnlyList<string> entries) =>
        [.. entries.Select(entry => ContainerSelection.TryParseLabel(entry)
            ?? throw new ConfigurationException($"invalid container_label_include \"{entry}\": expected key=value, such as {ContainerSelection.DefaultLabelInclude[0]}"))];

    private static string Measurement(string value, string key = "measurement")
    {
        // The writer's rule, the one place that knows which names line protocol carries unchanged.
        byte[] name = System.Text.Encoding.UTF8.GetBytes(value);
        if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl) || LineProtocolWriter.TrimName(name).Length != name.Length || !LineProtocolWriter.IsMeasurementName(name))
        {
            throw new ConfigurationException($"invalid {key} \"{value}\": expected a name such as {(key == "measurement" ? "jitsi_stats" : "execd_jvb")} (no control characters, not starting with # or ending in a backslash)");
        }

        return value;
    }

    private static int Port(string? value)
    {
        if (value is null)
        {
            return PluginSettings.DefaultPort;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new ConfigurationException($"invalid port \"{value}\": expected a TCP port number from 1 to 65535, such as 8080");
        }

        return port;
    }

    private static string StatsPath(string value)
    {
        if (!value.StartsWith('/') || value.Any(c => char.IsControl(c) || c == ' ') || !Uri.TryCreate("http://localhost" + value, UriKind.Absolute, out _))
        {
            throw new ConfigurationException($"invalid stats_path \"{value}\": expected a URL path starting with /, such as /colibri/stats");
        }

        return value;
    }

    private static TimeSpan Duration(string key, string? value, TimeSpan fallback, bool allowZero)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!GoDuration.TryParse(value, out TimeSpan duration) || (!allowZero && duration <= TimeSpan.Zero))
        {
            throw new ConfigurationException($"invalid {key} \"{value}\": expected a duration such as \"5s\", \"500ms\" or \"1m30s\"{(allowZero ? " (0s turns it off)" : " greater than zero")}");
        }

        if (duration > TimeSpan.Zero && duration < TimeSpan.FromMilliseconds(100))
        {
            throw new ConfigurationException($"invalid {key} \"{value}\": expected at least 100ms");
        }

        return duration;
    }

    private static long Size(string? value, long fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!ByteSize.TryParse(value, out long bytes) || bytes < 1024 || bytes > 256L * 1024 * 1024)
        {
            throw new ConfigurationException($"invalid max_body_size \"{value}\": expected a size from 1KiB to 256MiB, such as \"1MiB\" or \"512KiB\"");
        }

        return bytes;
    }

    private static StatsSource Source(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "auto" => StatsSource.Auto,
        "colibri" => StatsSource.Colibri,
        "metrics" => StatsSource.Metrics,
        _ => throw new ConfigurationException($"invalid source \"{value}\": expected auto (/colibri/stats, or /metrics when it answers 404), colibri or metrics"),
    };

    private static MetricsSchema Schema(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "jitsi_stats" => MetricsSchema.JitsiStats,
        "prometheus" => MetricsSchema.Prometheus,
        _ => throw new ConfigurationException($"invalid metrics_schema \"{value}\": expected jitsi_stats (colibri's field names) or prometheus (as Telegraf's inputs.prometheus writes)"),
    };

    private static bool Boolean(string key, string? value, bool fallback = false) => value?.Trim().ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new ConfigurationException($"invalid {key} \"{value}\": expected true or false"),
    };

    private static GlobPattern[] Globs(string key, IReadOnlyList<string> patterns) =>
        [.. patterns.Select(pattern => pattern.Length > 0 ? new GlobPattern(pattern) : throw new ConfigurationException($"invalid {key}: empty pattern"))];

    /// <summary>
    /// A full http(s) URL is taken as written (an empty path gets stats_path, or the path of the component whose port it
    /// names); host[:port] gets both defaults.
    /// </summary>
    private static Uri Url(string entry, PluginSettings settings)
    {
        string text = entry.Contains("://", StringComparison.Ordinal) ? entry : $"http://{entry}";
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ConfigurationException($"invalid urls entry \"{entry}\": expected http://host:port/path (such as http://127.0.0.1:8080/colibri/stats) or host:port");
        }

        bool bareHost = !entry.Contains("://", StringComparison.Ordinal);
        var builder = new UriBuilder(uri);
        if (bareHost && uri.IsDefaultPort)
        {
            builder.Port = settings.Port;
        }

        if (uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query))
        {
            // A component's own port gives its own path: 127.0.0.1:8888 is Jicofo's /stats.
            ComponentProfile? own = ComponentProfile.All.FirstOrDefault(profile => profile.Port == builder.Port && profile.Component != JitsiComponent.Jvb);
            builder.Path = own is null ? settings.StatsPath : own.JsonStatsPath ?? "/metrics";
        }

        return bareHost || uri.AbsolutePath == "/" ? new Uri(builder.Uri.ToString()) : uri;
    }
}
